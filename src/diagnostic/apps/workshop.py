"""The workshop's live dot-vote capture: each participant's dots, the priorities they give."""

from __future__ import annotations

import ipywidgets as w

from diagnostic.analysis.labels import actor_type_labels
from diagnostic.analysis.workshop import add_votes, compare_priorities, empty_votes, rank_votes
from diagnostic.apps.base import WIDE, App, figure_widget, update_figure
from diagnostic.apps.figure import FigureWidget
from diagnostic.plots import (
    plot_priority_slope,
    plot_vote_priorities,
)


class VotesApp(App):
    """Capture each participant's dot votes and show the priorities as they come in.

    Attributes
    ----------
    participant : ipywidgets.Text
    actor_type : ipywidgets.Dropdown
    dots : dict of item_id -> ipywidgets.BoundedIntText
    save : ipywidgets.Button
    votes : DataFrame
        The `votes` table so far (participant, actor_type, item_id, dots).
    priorities, slope : plotly FigureWidget
    """

    def __init__(
        self, items: dict[str, str], actor_types: dict[str, str], ranking=None, max_dots: int = 5
    ):
        super().__init__()
        self.items, self.ranking_survey = items, ranking
        self.votes = empty_votes()
        self.participant = w.Text(
            description="Participant :", placeholder="prénom ou pseudonyme", style=WIDE
        )
        self.actor_type = w.Dropdown(
            options=[(v, k) for k, v in actor_types.items()],
            description="Type d'acteur :",
            style=WIDE,
        )
        self.dots = {
            i: w.BoundedIntText(
                value=0,
                min=0,
                max=max_dots,
                description=label,
                style=WIDE,
                layout=w.Layout(width="360px"),
            )
            for i, label in items.items()
        }
        self.save_button = w.Button(
            description="Enregistrer les gommettes", button_style="primary", icon="check"
        )
        self.summary = w.HTML()
        self.priorities = FigureWidget(plot_vote_priorities(rank_votes(self.votes, items)))
        self.slope = figure_widget()
        self._refresh = self._guard(self._refresh)  # type: ignore[method-assign]
        self.save_button.on_click(self._guard(self.record))
        self._refresh()
        grid = w.GridBox(
            list(self.dots.values()), layout=w.Layout(grid_template_columns="repeat(2, 370px)")
        )
        self.view = w.VBox(
            [
                w.HBox([self.participant, self.actor_type]),
                grid,
                w.HBox([self.save_button, self.summary]),
                self.errors,
                self.priorities,
                self.slope,
            ]
        )

    def record(self, _button=None) -> None:
        """Add the participant's dots (replacing what they gave before) and redraw."""
        self.votes = add_votes(
            self.votes,
            self.participant.value,
            self.actor_type.value,
            {i: box.value for i, box in self.dots.items()},
        )
        for box in self.dots.values():
            box.value = 0
        self.participant.value = ""
        self._refresh()

    def _refresh(self):
        ranked = rank_votes(self.votes, self.items)
        n = self.votes["participant"].nunique()
        self.summary.value = f"&nbsp; <b>{n}</b> participant{'s' if n > 1 else ''} ont voté"
        update_figure(self.priorities, plot_vote_priorities(ranked, validate=False))
        if self.ranking_survey is not None and n:
            update_figure(
                self.slope,
                plot_priority_slope(
                    compare_priorities(self.ranking_survey, ranked), validate=False
                ),
            )


def votes_app(diag, max_dots: int = 5) -> VotesApp:
    """Dot-vote capture on the issues of a `Diagnostic`, compared with the survey ranking."""
    ranking = diag.issue_ranking.sort_values("rank")
    return VotesApp(
        dict(zip(ranking["issue_id"], ranking["label"])),
        actor_type_labels(diag.questions, diag.choices),
        ranking,
        max_dots,
    )
