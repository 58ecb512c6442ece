"""ipywidgets apps: controls → library function → figure builder → FigureWidget in place.

Every app follows one pattern: a control's change calls one library function, hands
its table to a `diagnostic.plots` builder and copies the new figure into a FigureWidget
inside ``batch_update()``. Errors are printed in the app's ``errors`` Output panel,
never swallowed. Labels are French.
"""

from __future__ import annotations

import functools
import html
import traceback

import ipywidgets as w
import numpy as np
import plotly.graph_objects as go

from diagnostic.analysis.explore import prepare_explorer
from diagnostic.analysis.labels import actor_type_labels
from diagnostic.analysis.workshop import add_votes, compare_priorities, empty_votes, rank_votes
from diagnostic.plots import (
    _wrap,  # the heatmap's column labels
    plot_group_heatmap,
    plot_issue_ranking,
    plot_likert,
    plot_participation,
    plot_priority_slope,
    plot_vote_priorities,
)

ALL = ""
FIGURES = ("ranking", "heatmap", "likert", "participation")
ALL_TYPES = "Tous les types d'acteurs"
ALL_PLACES = "Tout le territoire"
ALL_THEMES = "Tous les thèmes"
_WIDE = {"description_width": "initial"}
_CSS = """<style>
.diag-title h1 {color:#1F4E5F; font-family:'Source Sans Pro','Segoe UI',Arial; font-size:26px;
  margin:4px 0 2px 0;} .diag-title p {color:#555; font-size:15px; margin:0 0 6px 0;}
.diag-bar {background:#F1F6F7; border-radius:8px; padding:8px 10px; margin:6px 0 10px 0;}
.diag-bar > .widget-inline-hbox, .diag-bar > .widget-checkbox {margin-right:18px;}
.diag-count {font-size:15px; color:#1F4E5F; padding-top:4px;}
</style>"""


def _same(a, b) -> bool:
    try:
        same = a == b
        return bool(same) if isinstance(same, (bool, np.bool_)) else bool(np.all(same))
    except (ValueError, TypeError):
        return False


def update_figure(widget: go.FigureWidget, new: go.Figure) -> None:
    """Make `widget` show `new`, in place, in one ``batch_update``.

    Traces of the same number and types are updated property by property (only what
    changed is sent to the browser); otherwise the traces are replaced.
    """
    new_data = [t.to_plotly_json() for t in new.data]
    with widget.batch_update():
        if [t.type for t in widget.data] == [t["type"] for t in new_data]:
            for trace, spec in zip(widget.data, new_data):
                old = trace.to_plotly_json()
                changed = {k: v for k, v in spec.items() if k not in old or not _same(old[k], v)}
                if changed:
                    trace.update(changed)
        else:
            widget.data = []
            widget.add_traces(new_data)
        old = widget.layout.to_plotly_json()
        changed = {
            k: v
            for k, v in new.layout.to_plotly_json().items()
            if k not in old or not _same(old[k], v)
        }
        if changed:
            widget.layout.update(changed)


def _figure_widget() -> go.FigureWidget:
    """An empty FigureWidget without plotly's default template (the builders set the look)."""
    return go.FigureWidget(layout={"template": {}})


class App:
    """Base of the apps: an ``errors`` Output panel and a ``view`` to display."""

    view: w.Widget

    def __init__(self):
        self.errors = w.Output()

    def _guard(self, fn):
        """Wrap a callback so that its errors are shown in ``errors``, never swallowed."""

        @functools.wraps(fn)
        def run(*args, **kwargs):
            if self.errors.outputs:
                self.errors.clear_output()
            try:
                return fn(*args, **kwargs)
            except Exception:  # shown to the user, never swallowed
                # append_stderr works with or without a kernel capturing the output
                self.errors.append_stderr(
                    "Erreur pendant la mise à jour :\n" + traceback.format_exc()
                )

        return run

    def _ipython_display_(self):
        from IPython.display import display

        display(self.view)


def _title(title: str, subtitle: str) -> w.HTML:
    """The app's heading: `title` (a project's title: any text) escaped; `subtitle` is the
    app's own markup."""
    return w.HTML(
        f"{_CSS}<div class='diag-title'><h1>{html.escape(str(title))}</h1><p>{subtitle}</p></div>"
    )


class ExplorerApp(App):
    """Explore the common issues by actor type, place and theme.

    Attributes
    ----------
    actor_type, place, theme : ipywidgets.Dropdown
        The filters (``place`` values: ``""``, ``"epci:CODE"`` or ``"commune:CODE"``).
    include_missing : ipywidgets.Checkbox
        Show the "ne sait pas" answers in the Likert chart.
    ranking, heatmap, likert, participation : plotly FigureWidget, updated in place
    errors : ipywidgets.Output
    """

    def __init__(self, diag):
        super().__init__()
        self.diag = diag
        self.data = prepare_explorer(diag)
        self.type_labels = actor_type_labels(diag.questions, diag.choices)
        types = sorted(self.data.actors["actor_type"].dropna().unique())
        self.actor_type = w.Dropdown(
            options=[(ALL_TYPES, ALL)] + [(self.type_labels.get(t, t), t) for t in types],
            value=ALL,
            description="Acteurs :",
            style=_WIDE,
        )
        self.place = w.Dropdown(
            options=self._places(), value=ALL, description="Territoire :", style=_WIDE
        )
        themes = sorted(diag.issue_ranking["theme"].dropna().unique())
        self.theme = w.Dropdown(
            options=[(ALL_THEMES, ALL)] + [(t, t) for t in themes],
            value=ALL,
            description="Thème :",
            style=_WIDE,
        )
        self.include_missing = w.Checkbox(
            value=True, description="Montrer « ne sait pas »", indent=False
        )
        self.status = w.HTML()
        # FigureWidgets start from the first figures: a widget's initial state is what the
        # browser draws first; only later changes travel as updates.
        first = self._figures()
        self.ranking, self.heatmap, self.likert, self.participation = (
            go.FigureWidget(first[name]) for name in FIGURES
        )
        self._update = self._guard(self._update)
        for control in (self.actor_type, self.place, self.theme, self.include_missing):
            control.observe(self._update, names="value")
        self.heatmap.data[0].on_click(self._guard(self._pick_type))
        bar = w.HBox(
            [self.actor_type, self.place, self.theme, self.include_missing, self.status],
            layout=w.Layout(flex_flow="row wrap"),
        )
        bar.add_class("diag-bar")
        self.view = w.VBox(
            [
                _title(
                    diag.project.title,
                    "Quels enjeux partagent les acteurs du territoire ? "
                    "Choisissez un type d'acteurs, une commune ou un thème.",
                ),
                bar,
                self.errors,
                self.ranking,
                self.heatmap,
                self.likert,
                self.participation,
            ]
        )

    def _places(self):
        communes = self.diag.communes
        epci_names = dict(zip(self.diag.epci["epci_code"], self.diag.epci["name"]))
        options = [(ALL_PLACES, ALL)]
        for code in sorted(self.diag.actors["epci_code"].dropna().unique()):
            options.append((epci_names.get(code, code), f"epci:{code}"))
        placed = communes[
            communes["commune_code"].isin(set(self.diag.actors["commune_code"].dropna()))
        ]
        for row in placed.sort_values("name").itertuples():
            options.append((f"· {row.name}", f"commune:{row.commune_code}"))
        return options

    def filters(self) -> dict:
        """The current filters, as keyword arguments of `ExplorerData.results`."""
        kind, _, code = self.place.value.partition(":")
        return {
            "actor_types": [self.actor_type.value] if self.actor_type.value else None,
            "epci": code if kind == "epci" else None,
            "commune": code if kind == "commune" else None,
            "theme": self.theme.value or None,
            "include_missing": self.include_missing.value,
        }

    def _figures(self) -> dict:
        """Library call on the current filters, then one figure per chart."""
        res = self.data.results(**self.filters())
        n = len(res["actors"])
        self.status.value = f"<div class='diag-count'><b>{n}</b> acteurs répondants</div>"
        ranking = res["ranking"] if len(res["ranking"]) else self.diag.issue_ranking.iloc[0:0]
        return {
            "ranking": plot_issue_ranking(ranking, validate=False),
            "heatmap": plot_group_heatmap(
                res["matrix"],
                res["ranking_all"] if len(res["ranking_all"]) else ranking,
                self.diag.settings.min_group_size,
                type_labels=self.type_labels,
                validate=False,
            ),
            "likert": plot_likert(res["likert"], validate=False),
            "participation": plot_participation(
                res["actors"], type_labels=self.type_labels, validate=False
            ),
        }

    def _update(self, _change=None):
        figures = self._figures()
        for name in FIGURES:
            update_figure(getattr(self, name), figures[name])

    def _pick_type(self, trace, points, state=None):
        """A click on a heatmap column selects that actor type (linked charts)."""
        if points.xs:
            by_label = {_wrap(v): k for k, v in self.type_labels.items()}
            self.actor_type.value = by_label.get(points.xs[0], points.xs[0])


class IssueRankingApp(ExplorerApp):
    """The explorer reduced to its actor-type filter and ranking (kept for old notebooks)."""

    def __init__(self, diag):
        super().__init__(diag)
        self.figure = self.ranking
        self.view = w.VBox([w.HBox([self.actor_type, self.status]), self.ranking, self.errors])


def explorer_app(diag) -> ExplorerApp:
    """Build the explorer (filters and linked charts) for a `Diagnostic`."""
    return ExplorerApp(diag)


def issue_ranking_app(diag) -> IssueRankingApp:
    """Build the issue-ranking explorer for a `Diagnostic`."""
    return IssueRankingApp(diag)


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
            description="Participant :", placeholder="prénom ou pseudonyme", style=_WIDE
        )
        self.actor_type = w.Dropdown(
            options=[(v, k) for k, v in actor_types.items()],
            description="Type d'acteur :",
            style=_WIDE,
        )
        self.dots = {
            i: w.BoundedIntText(
                value=0,
                min=0,
                max=max_dots,
                description=label,
                style=_WIDE,
                layout=w.Layout(width="360px"),
            )
            for i, label in items.items()
        }
        self.save_button = w.Button(
            description="Enregistrer les gommettes", button_style="primary", icon="check"
        )
        self.summary = w.HTML()
        self.priorities = go.FigureWidget(plot_vote_priorities(rank_votes(self.votes, items)))
        self.slope = _figure_widget()
        self._refresh = self._guard(self._refresh)
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
