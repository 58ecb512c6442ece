"""The collective's app served by ``make app``: the explorer, then the cooperation projects
as cards to decide on, on one page; and the projects' view alone (notebook 03).

Written for one audience (``collective`` by default, see `diagnostic.privacy.audiences`),
said under the title: names only of the structures that agreed to be named.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from diagnostic.analysis.decisions import (
    PROJECT_STATUSES,
    apply_decisions,
    decision_key,
    read_decisions,
    write_decisions,
)
from diagnostic.analysis.labels import resource_labels
from diagnostic.analysis.network import project_resources
from diagnostic.analysis.projects import STATUS_DEFAULT, filter_projects, project_id
from diagnostic.apps.base import READ_ONLY, WIDE, App, title_html
from diagnostic.apps.explorer import ExplorerApp
from diagnostic.apps.figure import FigureWidget
from diagnostic.apps.merge import FileWatch, SaveConflict, news_html, save_rows
from diagnostic.errors import DiagnosticError
from diagnostic.export.project_cards import CARD_CSS, card_context, card_html
from diagnostic.export.project_maps import project_geography, territory_shapes
from diagnostic.i18n import label
from diagnostic.i18n.workbook import word
from diagnostic.plots import plot_project_map, plot_project_resources
from diagnostic.privacy.audiences import audience_line, check_audience
from diagnostic.privacy.disclosure import public_of, public_projects
from diagnostic.project.file import DECISIONS_FILE

#: What a save merges, row by row, per project (`diagnostic.apps.merge`).
DECIDED = ["status", "carrier", "next_step"]
#: How often (seconds) an open page looks whether another visitor saved decisions.
REFRESH_SECONDS = 3.0


def _with_ids(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with every project_id filled (a hand-made file may leave it out)."""
    ids = [
        i if isinstance(i, str) and i else project_id(str(r), [m for m in str(m_).split(";") if m])
        for i, r, m_ in zip(
            table["project_id"], table["resources"].fillna(""), table["members"].fillna("")
        )
    ]
    return table.assign(project_id=ids)


def _e(value) -> str:
    return "" if value is None or value is pd.NA else html.escape(str(value))


def _blank(value) -> str:
    return "" if value is None or value is pd.NA or pd.isna(value) else str(value)


def _decided(table: pd.DataFrame) -> dict[str, tuple]:
    """project_id -> its decision (status, carrier, next step) as text, blanks as None."""
    return {
        row[0]: tuple(_blank(v).strip() or None for v in row[1:])
        for row in table.reindex(columns=["project_id", *DECIDED]).itertuples(index=False)
    }


def decisions_path(diag) -> Path:
    """Where the app saves the decisions of a `Diagnostic` (see `project_decisions_path`)."""
    return project_decisions_path(diag.project)


def project_decisions_path(project) -> Path:
    """Where the apps save the decisions of `project`, read back by the next run: its
    decisions file (`diagnostic.project.file.Project.decisions_file`: [workshop] projects,
    else ``atelier/decisions_projets.csv`` in the project's folder); for the embedded
    example, whose files are never written over (or a decisions workbook, which the app
    does not write), a file of that name in the output folder, which no run reads."""
    from diagnostic.datasets import example_dir
    from diagnostic.project.file import output_folder

    target = Path(project.decisions_file)
    shipped = target.resolve().is_relative_to(example_dir().resolve())
    if target.suffix.lower() == ".csv" and not shipped:
        return target
    # the embedded example's workshop files are part of the toolkit: never written over
    return output_folder() / Path(DECISIONS_FILE).name


class ProjectsApp(App):
    """The cooperation projects as cards, filterable by resource, commune and actor type,
    with their map and the projects × resources matrix; a decision per project (status,
    carrier, next step) saved to the decisions file that the next run reads back.

    Attributes
    ----------
    resource, commune, actor_type : ipywidgets.Dropdown
        The filters ("" for all).
    status, carrier, next_step : dict of project_id -> widget
        The decision of each project.
    projects : DataFrame
        The `cooperation_projects` table with the decisions taken so far.
    cards : ipywidgets.VBox
        One card (HTML) and its decision controls per project shown.
    map : plotly FigureWidget or None
        None when the project has no geography (`map_note` says so).
    matrix : plotly FigureWidget
        Both drawn anew for the projects shown (see `_update`).
    save_button : ipywidgets.Button
        Calls `save`.
    news : ipywidgets.HTML
        What `refresh` brought from other visitors' saves.
    watch : diagnostic.apps.merge.FileWatch
        The decisions file, looked at on each interaction and every `refresh_seconds`
        (inside a kernel) for other visitors' saves (see `refresh`).
    """

    def __init__(
        self,
        diag,
        path=None,
        audience: str = "collective",
        editable: bool | None = None,
        *,
        refresh_seconds: float | None = REFRESH_SECONDS,
    ):
        super().__init__(editable)
        self.diag, self.audience = diag, check_audience(audience)
        self.path = Path(path) if path is not None else decisions_path(diag)
        lang = self.language = diag.settings.language
        self.words = word("app_projects", lang)
        self.watch = FileWatch(self.path)  # before reading: a save in between is seen
        self._syncing = False
        secret = self.audience == "consultant"
        # but for the consultant, the members' places and types as the actors table gives them
        projects = diag.cooperation_projects if secret else public_projects(diag)
        #: the projects shown before any decision, and the actors the decisions are matched
        #: without (the withheld actors are in no public project: `decision_key`)
        self._base = projects
        self.hidden = public_of(diag).withheld
        if self.path.is_file():  # decisions saved by this app since the run
            projects, _found = apply_decisions(projects, self.path, hidden=self.hidden)
        self.projects = projects.reset_index(drop=True)
        #: the decisions as the page loaded them: a save merges on them (`save`)
        self.loaded = self._mine()
        self.ctx = card_context(diag, audience)
        self._words: pd.DataFrame | None = None
        self.labels = resource_labels(diag.questions, diag.choices)
        self.ctx_types = self.ctx.type_labels
        actors = (diag.actors if secret else public_of(diag).actors).drop_duplicates("actor_id")
        self.actors = actors
        self.places = {
            a: c
            for a, c in zip(actors["actor_id"].astype(str), actors["commune_code"])
            if isinstance(c, str)
        }
        self.commune_names = dict(zip(diag.epci["epci_code"], diag.epci["name"])) | dict(
            zip(diag.communes["commune_code"], diag.communes["name"])
        )
        self.resource = w.Dropdown(
            options=self._options(
                {r for v in self.projects["resources"] for r in str(v).split(" ↔ ")},
                self.labels,
            ),
            description=self.words["resource"],
            style=WIDE,
        )
        self.commune = w.Dropdown(
            options=self._options(
                {c for v in self.projects["communes"].dropna() for c in str(v).split(";") if c},
                self.commune_names,
            ),
            description=self.words["commune"],
            style=WIDE,
        )
        members = {m for v in self.projects["members"] for m in str(v).split(";")}
        types = set(actors.loc[actors["actor_id"].astype(str).isin(members), "actor_type"].dropna())
        self.actor_type = w.Dropdown(
            options=self._options(types, self.ctx_types),
            description=self.words["actor_type"],
            style=WIDE,
        )
        self.count = w.HTML()
        self.status: dict[str, w.Dropdown] = {}
        self.carrier: dict[str, w.Text] = {}
        self.next_step: dict[str, w.Text] = {}
        for p in self.projects.to_dict("records"):
            self._controls(p)
        self.cards = w.VBox()
        self.save_button = w.Button(
            description=self.words["save"],
            button_style="primary",
            icon="save",
            layout=w.Layout(width="240px"),
        )
        self.message = w.HTML()
        self.news = w.HTML()
        if not self.editable:  # a workshop's participant: sees, never saves
            self.save_button.disabled = True
            self.message.value = f"&nbsp; {_e(READ_ONLY)}"
        else:  # said once, where the decider sees it: the file the decisions go to
            self.message.value = f"&nbsp; {_e(self._where())}"
        self.geography = project_geography(diag)
        self.shapes = territory_shapes(self.geography, diag)
        self.map: go.FigureWidget | None = None
        self.matrix: go.FigureWidget | None = None
        self.map_note = w.HTML(
            "" if self.geography.drawable else f"<p><i>{_e(word('map_missing', lang))}</i></p>"
        )
        self.figures = w.VBox()
        self._update = self._guard(self._update)  # type: ignore[method-assign]
        for control in (self.resource, self.commune, self.actor_type):
            control.observe(self._update, names="value")
        self.save_button.on_click(self._guard(self._save_clicked))
        self._update()
        if refresh_seconds:
            self.watch.follow(refresh_seconds, self.refresh, self.errors, "les décisions")
        bar = w.HBox([self.resource, self.commune, self.actor_type, self.count])
        bar.add_class("diag-bar")
        self.view = w.VBox(
            [
                w.HTML(
                    f"<style>{CARD_CSS}</style><p><b>{_e(audience_line(audience, lang))}</b></p>"
                ),
                bar,
                self.news,
                self.cards,
                w.HBox([self.save_button, self.message], layout=w.Layout(flex_flow="row wrap")),
                self.errors,
                self.figures,
            ]
        )

    def _where(self) -> str:
        """Where the decisions go, and whether the next run reads them back."""
        from diagnostic.datasets import example_dir

        project_file = Path(self.diag.project.decisions_file).resolve()
        if self.path.resolve() == project_file:
            key = "where"
        elif project_file.is_relative_to(example_dir().resolve()):
            key = "where_example"
        else:
            key = "where_other"
        return self.words[key].format(file=f"« {self.path} »")

    def refresh(self) -> list[str]:
        """Show the decisions other visitors saved since this page last looked; return the
        ids of the projects whose decision changed on the page.

        Nothing is done unless the file was written since (`FileWatch`). A project this
        page has not changed takes the decision on disk, which becomes the page's reference
        (a later save keeps it). A project changed here and not saved keeps this page's
        decision, and its reference stays the one the page loaded: saving it is refused as
        a conflict that names both decisions (`save`). ``news`` says which, in French.
        """
        if not self.watch.changed() or not self.path.is_file():
            return []
        disk, _found = apply_decisions(self._base, self.path, hidden=self.hidden)
        theirs, base, mine = _decided(disk), _decided(self.loaded), _decided(self._mine())
        adopted, kept, same = [], [], []
        for pid, decision in theirs.items():
            if pid not in mine or decision == base[pid]:
                continue
            if mine[pid] == base[pid]:
                adopted.append(pid)
            elif mine[pid] == decision:  # decided alike here: their save is the reference
                same.append(pid)
            else:
                kept.append(pid)
        disk = disk.set_index("project_id")
        rows = self.projects["project_id"].isin(adopted)
        for column in DECIDED:
            values = self.projects["project_id"].map(disk[column])
            self.projects.loc[rows, column] = values[rows]
        reference = self.loaded["project_id"].isin(adopted + same)
        for column in DECIDED:
            values = self.loaded["project_id"].map(disk[column])
            self.loaded.loc[reference, column] = values[reference]
        self._syncing = True  # the widgets follow; their observers must not decide again
        try:
            for pid in adopted:
                status = disk.at[pid, "status"]
                self.status[pid].value = status if status in PROJECT_STATUSES else STATUS_DEFAULT
                self.carrier[pid].value = _blank(disk.at[pid, "carrier"])
                self.next_step[pid].value = _blank(disk.at[pid, "next_step"])
        finally:
            self._syncing = False
        titles = dict(zip(self.projects["project_id"], self.projects["title"]))

        def named(ids):
            return ", ".join(f"« {titles.get(i, i)} »" for i in ids)

        news = []
        if adopted:
            news.append(self.words["theirs"].format(titles=named(adopted)))
        if kept:
            news.append(self.words["kept"].format(titles=named(kept)))
        if news:
            self.news.value = news_html(news)
        if adopted:
            self._update()
        return adopted

    def _options(self, codes, labels) -> list[tuple[str, str]]:
        shown = sorted((str(labels.get(c, c)), str(c)) for c in codes if isinstance(c, str))
        return [(self.words["all"], "")] + shown

    def _controls(self, p: dict) -> None:
        pid = p["project_id"]
        self.status[pid] = w.Dropdown(
            options=[(label(s, self.language), s) for s in PROJECT_STATUSES],
            value=p["status"] if p["status"] in PROJECT_STATUSES else STATUS_DEFAULT,
            description=self.words["status"],
            style=WIDE,
            layout=w.Layout(width="220px"),
        )
        self.carrier[pid] = w.Text(
            value=_blank(p.get("carrier")),
            description=self.words["carrier"],
            style=WIDE,
            layout=w.Layout(width="260px"),
        )
        self.next_step[pid] = w.Text(
            value=_blank(p.get("next_step")),
            description=self.words["next_step"],
            style=WIDE,
            layout=w.Layout(width="360px"),
        )
        for column, widget in (
            ("status", self.status[pid]),
            ("carrier", self.carrier[pid]),
            ("next_step", self.next_step[pid]),
        ):
            widget.disabled = not self.editable
            widget.observe(
                self._guard(lambda change, i=pid, c=column: self._decide(i, c, change["new"])),
                names="value",
            )

    def shown(self) -> pd.DataFrame:
        """The projects that pass the filters, best first."""
        return filter_projects(
            self.projects,
            self.actors,
            resource=self.resource.value,
            commune=self.commune.value,
            actor_type=self.actor_type.value,
        )

    def _view(self, shown: pd.DataFrame) -> list[dict]:
        """The shown projects as the audience reads them (words applied), with the decisions
        taken so far; the words are applied once, the decisions on every call."""
        if self._words is None:
            from diagnostic.export.workbook import project_view

            self._words = project_view(self.diag, self.audience).set_index("project_id")
        decided = self.projects.set_index("project_id")
        rows = []
        for pid in shown["project_id"]:
            row = {"project_id": pid, **self._words.loc[pid].to_dict()}
            row["status"] = label(decided.at[pid, "status"], self.language)
            for column in ("carrier", "next_step"):
                if column in row:
                    row[column] = decided.at[pid, column]
            rows.append(row)
        return rows

    def _update(self, _change=None):
        if self.refresh():  # other visitors' decisions, drawn by `refresh` itself
            return
        shown = self.shown()
        self.count.value = (
            "<div class='diag-count'>"
            + _e(self.words["shown"].format(n=len(shown), total=len(self.projects)))
            + "</div>"
        )
        rows = []
        for p in self._view(shown):
            pid = p["project_id"]
            decide = [self.status[pid], self.next_step[pid]]
            if self.audience != "funder":  # the carrier is a structure's name
                decide.insert(1, self.carrier[pid])
            rows.append(w.VBox([w.HTML(card_html(p, self.ctx, self.labels)), w.HBox(decide)]))
        self.cards.children = rows or [w.HTML(f"<p><i>{_e(self.words['none'])}</i></p>")]
        # new figure widgets for the shown projects: with plotly 7 under Voila, a
        # FigureWidget updated in place kept its first drawing in the browser (the page draws
        # a widget's initial state; later changes did not arrive)
        drawn, matrix = self._figures(shown, validate=True)
        old = [f for f in (self.map, self.matrix) if f is not None]
        self.map = FigureWidget(drawn) if drawn is not None else None
        self.matrix = FigureWidget(matrix)
        self.figures.children = [self.map or self.map_note, self.matrix]
        for figure in old:
            figure.close()

    def _figures(self, shown: pd.DataFrame, validate: bool = False):
        """The map (None without geography) and the matrix of the `shown` projects."""
        drawn = None
        if self.geography.drawable:
            drawn = plot_project_map(
                shown,
                self.geography.centroids,
                self.shapes,
                self.commune_names,
                self.places,
                validate=validate,
                language=self.language,
            )
        matrix = plot_project_resources(
            project_resources(shown, self.diag.needs, self.diag.offers),
            shown,
            self.labels,
            validate=validate,
            language=self.language,
        )
        # a figure widget drawn after the page keeps plotly's default width (700 px): the
        # matrix, one column per resource, asks for the room its columns need
        matrix.update_layout(width=max(900, 48 * len(matrix.data[0].x or ()) + 440))
        return drawn, matrix

    def _decide(self, pid: str, column: str, value) -> None:
        if self._syncing:  # `refresh` sets the widgets to decisions already taken
            return
        frame = self.projects.copy()
        value = value.strip() if isinstance(value, str) else value
        frame.loc[frame["project_id"] == pid, column] = value if value != "" else pd.NA
        self.projects = frame
        if column == "status":  # the card shows the status
            self._update()  # refreshes too
        else:
            self.refresh()

    def decisions(self) -> pd.DataFrame:
        """The decisions table as saved: every project of this run, then the decisions read
        from the file for projects this run no longer proposes (kept, never erased)."""
        table = self.projects
        if self.path.is_file():
            before = read_decisions(self.path)

            def keys(frame) -> list[str]:
                return [
                    decision_key(str(r), [m for m in str(m_).split(";") if m], self.hidden)
                    for r, m_ in zip(frame["resources"].fillna(""), frame["members"].fillna(""))
                ]

            shown = set(keys(table))
            others = before[[i not in shown for i in keys(before)]]
            table = pd.concat([table.reindex(columns=others.columns), others], ignore_index=True)
        return table

    def _mine(self) -> pd.DataFrame:
        return self.projects.reindex(columns=["project_id", *DECIDED])

    def _on_disk(self, path: Path) -> pd.DataFrame:
        return _with_ids(read_decisions(path))

    def save(self, _button=None) -> Path:
        """Merge the decisions taken on this page into the app's file (see `decisions_path`)
        and return its path.

        Under a lock on the file, project by project (`diagnostic.apps.merge.save_rows`):
        the decisions others saved since the page loaded are kept; those taken here are
        written. When a project decided here was decided otherwise by somebody else since
        the page loaded, nothing is written and `SaveConflict` says which; their decision
        becomes the page's reference, so that saving again keeps this page's knowingly.
        A read-only visitor's save is refused.
        """
        self._check_editable()

        def write(merged: pd.DataFrame, path: Path) -> None:
            full = _with_ids(self.decisions())
            values = merged.drop_duplicates("project_id", keep="last").set_index("project_id")
            for column in DECIDED:
                full[column] = full["project_id"].map(values[column]).astype("string")
            write_decisions(full, path)

        mine = self._mine()
        try:
            save_rows(
                self.path,
                self.loaded,
                mine,
                keys=["project_id"],
                columns=DECIDED,
                read=self._on_disk,
                write=write,
                describe=self._describe_conflicts,
            )
        except SaveConflict as conflict:
            clash = set(conflict.merge.conflicts["project_id"])
            theirs = conflict.theirs.set_index("project_id")
            rows = self.loaded["project_id"].isin(clash)
            for column in DECIDED:  # their decision is now what this page started from
                self.loaded.loc[rows, column] = self.loaded.loc[rows, "project_id"].map(
                    theirs[column]
                )
            raise
        self.loaded = mine  # what this page decided is on disk now
        return self.path

    def _describe_conflicts(self, conflicts: pd.DataFrame) -> str:
        titles = dict(zip(self.projects["project_id"], self.projects["title"]))
        return " ; ".join(
            f"« {titles.get(row.project_id, row.project_id)} » : « {_blank(row.status_theirs)} »"
            f" (ici : « {_blank(row.status_mine)} »)"
            for row in conflicts.itertuples()
        )

    def _save_clicked(self, _button=None) -> None:
        """The save button: the outcome, or the refusal, in the message beside it."""
        try:
            path = self.save()
        except SaveConflict as conflict:
            self.message.value = (
                f"&nbsp; <b>Enregistrement refusé.</b> {_e(conflict)}. Leur choix est "
                "maintenant la référence de la page : enregistrez de nouveau pour le "
                "remplacer par le vôtre."
            )
            return
        except DiagnosticError as refused:
            self.message.value = f"&nbsp; <b>Enregistrement refusé.</b> {_e(refused)}"
            return
        done = int((self.projects["status"] != STATUS_DEFAULT).sum())
        self.message.value = "&nbsp; " + _e(self.words["saved"].format(n=done, file=path.name))


class CollectiveApp(App):
    """The collective's app: the explorer, then the cooperation projects, on one page.

    One page rather than tabs: a plotly chart drawn in a hidden tab keeps plotly's default
    width once shown.

    Attributes
    ----------
    audience : ipywidgets.HTML
        Whom the page is written for, above the project's title.
    explorer : diagnostic.apps.explorer.ExplorerApp
    projects : ProjectsApp
    """

    def __init__(self, diag, path=None, audience: str = "collective", editable: bool | None = None):
        super().__init__(editable)
        lang = diag.settings.language
        # above the explorer's title (the project's): whom this page is written for
        self.audience = w.HTML(
            "<div style='color:#8a1c1c;font-weight:bold;font-size:14px;margin:2px 0'>"
            f"{_e(audience_line(check_audience(audience), lang))}</div>"
        )
        self.explorer = ExplorerApp(diag)
        self.projects = ProjectsApp(diag, path, audience, editable=self.editable)
        cooperate = title_html(
            "Coopérer",
            "Les projets de coopération : qui a besoin de quoi, qui peut l'apporter, près de "
            "chez qui. Pour chaque projet, décidez ensemble : <b>validé</b>, <b>en cours</b> "
            "ou <b>écarté</b>, nommez un porteur et la prochaine étape, puis enregistrez.",
        )
        self.view = w.VBox(
            [self.audience, self.explorer.view, cooperate, self.projects.view, self.errors]
        )


def projects_app(
    diag,
    path=None,
    audience: str = "collective",
    editable: bool | None = None,
    *,
    refresh_seconds: float | None = REFRESH_SECONDS,
) -> ProjectsApp:
    """The cooperation projects of a `Diagnostic` as cards to decide on; decisions saved to
    `path` (default: see `decisions_path`) for the next run, merged with other visitors';
    theirs shown on the open page (`ProjectsApp.refresh`, every `refresh_seconds` in a
    kernel; None: only on each interaction)."""
    return ProjectsApp(diag, path, audience, editable, refresh_seconds=refresh_seconds)


def collective_app(
    diag, path=None, audience: str = "collective", editable: bool | None = None
) -> CollectiveApp:
    """The app served to collectives (``make app``, ``make atelier``): explorer, then the
    projects; written for `audience` (the collective's by default), named under the title;
    read-only for a workshop's participants (`diagnostic.apps.base.may_edit`)."""
    return CollectiveApp(diag, path, audience, editable)
