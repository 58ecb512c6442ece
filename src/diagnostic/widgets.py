"""ipywidgets apps: controls → library function → figure builder → FigureWidget in place."""

from __future__ import annotations

import os
import traceback

import ipywidgets as w
import plotly.graph_objects as go

from diagnostic.plots import plot_issue_ranking

ALL_TYPES = "Tous les types d'acteurs"


def project_from_env():
    """The project named by ``DIAGNOSTIC_PROJECT``, or the embedded example."""
    from diagnostic.datasets import example_project

    return os.environ.get("DIAGNOSTIC_PROJECT") or example_project()


class IssueRankingApp:
    """The issue ranking, filtered by actor type.

    Attributes
    ----------
    actor_type : ipywidgets.Dropdown
    figure : plotly FigureWidget, updated in place
    errors : ipywidgets.Output, where callback errors are shown
    """

    def __init__(self, diag):
        self.diag = diag
        types = sorted(diag.actors["actor_type"].dropna().unique())
        self.actor_type = w.Dropdown(options=[ALL_TYPES, *types], value=ALL_TYPES,
                                     description="Acteurs :", style={"description_width": "initial"})
        self.errors = w.Output()
        self.status = w.HTML()
        self.figure = go.FigureWidget(plot_issue_ranking(diag.issue_ranking))
        self.actor_type.observe(self._update, names="value")
        self.view = w.VBox([w.HBox([self.actor_type, self.status]), self.figure, self.errors])
        self._update()

    def _update(self, _change=None):
        self.errors.clear_output()
        try:
            chosen = None if self.actor_type.value == ALL_TYPES else [self.actor_type.value]
            ranking = self.diag.rank_issues(chosen)
            n = len(self.diag.actors) if chosen is None else int(
                self.diag.actors["actor_type"].isin(chosen).sum())
            self.status.value = f"&nbsp; <b>{n}</b> acteurs répondants"
            new = plot_issue_ranking(ranking)
            with self.figure.batch_update():
                self.figure.data[0].update(new.data[0].to_plotly_json())
                self.figure.layout.height = new.layout.height
        except Exception:  # shown to the user, never swallowed
            with self.errors:
                print("Erreur pendant la mise à jour :")
                traceback.print_exc()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.view)


def issue_ranking_app(diag) -> IssueRankingApp:
    """Build the issue-ranking explorer for a `Diagnostic`."""
    return IssueRankingApp(diag)
