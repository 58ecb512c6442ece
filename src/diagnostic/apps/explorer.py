"""The explorer: the common issues by actor type, territory and theme, for the collective."""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as w

from diagnostic.analysis.explore import NOT_GIVEN, prepare_explorer
from diagnostic.analysis.labels import actor_type_labels
from diagnostic.apps.base import WIDE, App, title_html, update_figure
from diagnostic.apps.figure import FigureWidget
from diagnostic.export.maps import map_data, participation_note
from diagnostic.plots import (
    plot_group_heatmap,
    plot_indicator_map,
    plot_issue_ranking,
    plot_likert,
    plot_participation,
    plot_participation_map,
    wrap_label,  # the heatmap's column labels
)
from diagnostic.privacy.disclosure import type_words

ALL = ""


FIGURES = ("ranking", "heatmap", "likert", "participation")


ALL_TYPES = "Tous les types d'acteurs"


ALL_PLACES = "Tout le territoire"


ALL_THEMES = "Tous les thèmes"


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
        # the public view's types: small ones merged into « autres » or left out
        self.type_labels = {**actor_type_labels(diag.questions, diag.choices), **type_words(diag)}
        types = sorted(set(self.data.actors["actor_type"].dropna()) - {NOT_GIVEN})
        self.actor_type = w.Dropdown(
            options=[(ALL_TYPES, ALL)] + [(self.type_labels.get(t, t), t) for t in types],
            value=ALL,
            description="Acteurs :",
            style=WIDE,
        )
        self.place = w.Dropdown(
            options=self._places(), value=ALL, description="Territoire :", style=WIDE
        )
        themes = sorted(diag.issue_ranking["theme"].dropna().unique())
        self.theme = w.Dropdown(
            options=[(ALL_THEMES, ALL)] + [(t, t) for t in themes],
            value=ALL,
            description="Thème :",
            style=WIDE,
        )
        self.include_missing = w.Checkbox(
            value=True, description="Montrer « ne sait pas »", indent=False
        )
        self.status = w.HTML()
        # FigureWidgets start from the first figures: a widget's initial state is what the
        # browser draws first; only later changes travel as updates.
        res = self.data.results(**self.filters())
        first = self._figures(res)
        self.ranking, self.heatmap, self.likert, self.participation = (
            FigureWidget(first[name]) for name in FIGURES
        )
        # maps, when the project has contours: participation (follows the filters) and
        # the indicator of the first issue linked to one
        self.maps = map_data(diag)
        self.participation_map = self.indicator_map = None
        maps: list = []
        if self.maps is not None:
            self.participation_map = FigureWidget(self._participation_map(res["actors"]))
            maps.append(self.participation_map)
            if self.maps.values is not None:
                self.indicator_map = FigureWidget(
                    plot_indicator_map(
                        self.maps.geojson,
                        self.maps.values,
                        self.maps.names,
                        title=self.maps.indicator_label or "",
                        subtitle=self.maps.indicator_source,
                    )
                )
                maps.append(self.indicator_map)
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
                title_html(
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
                *maps,
            ]
        )

    def _participation_map(self, actors):
        """The participation map of `actors` (those the filters keep)."""
        data = self.maps
        assert data is not None
        counts = (
            actors["commune_code"]
            .dropna()
            .astype(str)
            .value_counts()
            .reindex(data.respondents.index, fill_value=0)
        )
        n = self.diag.settings.min_group_size
        return plot_participation_map(
            data.geojson,
            counts,
            data.names,
            n,
            subtitle=participation_note(replace(data, off_map=len(actors) - int(counts.sum())), n),
            validate=False,
        )

    def _places(self):
        """The places of the public view: an EPCI, or a commune kept for some type (its
        other actors are counted with their EPCI, see `prepare_explorer`)."""
        communes = self.diag.communes
        actors = self.data.actors
        epci_names = dict(zip(self.diag.epci["epci_code"], self.diag.epci["name"]))
        options = [(ALL_PLACES, ALL)]
        for code in sorted(actors["epci_code"].dropna().unique()):
            options.append((epci_names.get(code, code), f"epci:{code}"))
        placed = communes[communes["commune_code"].isin(set(actors["commune_code"].dropna()))]
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

    def _figures(self, res: dict) -> dict:
        """One figure per chart of `res`, the library's tables on the current filters."""
        n = len(res["actors"])
        place = self.filters()["commune"]
        note = (
            f" (types de moins de {self.diag.settings.min_group_size} acteurs dans la commune "
            "comptés avec leur EPCI)"
            if place
            else ""
        )
        self.status.value = f"<div class='diag-count'><b>{n}</b> acteurs répondants{note}</div>"
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
        res = self.data.results(**self.filters())  # once for every chart and the map
        figures = self._figures(res)
        for name in FIGURES:
            update_figure(getattr(self, name), figures[name])
        if self.participation_map is not None:
            update_figure(self.participation_map, self._participation_map(res["actors"]))

    def _pick_type(self, trace, points, state=None):
        """A click on a heatmap column selects that actor type (linked charts)."""
        if points.xs:
            by_label = {wrap_label(v): k for k, v in self.type_labels.items()}
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
