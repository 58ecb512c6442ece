"""The collective's app served by ``make app``: the explorer, then the cooperation view, on one page."""

from __future__ import annotations

import ipywidgets as w

from diagnostic.apps.base import App, title_html
from diagnostic.apps.explorer import ExplorerApp
from diagnostic.apps.review import CooperationApp


class CollectiveApp(App):
    """The collective's app: the explorer, then the cooperation view, on one page.

    One page rather than tabs: a plotly chart drawn in a hidden tab keeps plotly's default
    width once shown.

    Attributes
    ----------
    explorer : diagnostic.apps.explorer.ExplorerApp
    cooperation : CooperationApp
    """

    def __init__(self, diag, statuses_path):
        super().__init__()
        self.explorer = ExplorerApp(diag)
        self.cooperation = CooperationApp(diag, statuses_path)
        heading = title_html(
            "Coopérer",
            "Les besoins et les offres des acteurs qui se rencontrent. "
            "Pour chaque piste, décidez ensemble : <b>à valider</b>, <b>validé</b> "
            "ou <b>écarté</b>, puis enregistrez.",
        )
        self.view = w.VBox([self.explorer.view, heading, self.cooperation.view, self.errors])


def collective_app(diag, statuses_path) -> CollectiveApp:
    """The app served to collectives (``make app``): explorer, then cooperation."""
    return CollectiveApp(diag, statuses_path)
