"""The consultant's reviews: the roles of the questions, the status of each cooperation lead."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import pandas as pd

from diagnostic.analysis.cooperation import KIND_LABELS, STATUSES
from diagnostic.analysis.labels import relabel, resource_labels
from diagnostic.analysis.network import project_resources
from diagnostic.analysis.statuses import (
    STATUS_KEYS,
    apply_statuses,
    read_statuses,
    status_table,
    write_statuses,
)
from diagnostic.apps.base import READ_ONLY, WIDE, App, update_figure
from diagnostic.apps.figure import FigureWidget
from diagnostic.apps.merge import FileWatch, SaveConflict, news_html, save_rows
from diagnostic.errors import DiagnosticError
from diagnostic.forms.roles import questions_without_role, role_table, write_roles
from diagnostic.plots import plot_opportunities_table, plot_project_resources

#: French label of each question role, for the role editor.
ROLE_LABELS = {
    "actor_name": "nom de la structure",
    "actor_type": "type d'acteur",
    "sector": "secteur",
    "commune": "commune",
    "contact": "contact (donnée personnelle)",
    "issue": "enjeux (choix multiple)",
    "issue_importance": "importance d'un enjeu (échelle)",
    "need": "besoin",
    "offer": "offre",
    "cooperation": "volonté de coopérer",
    "consent": "accord pour que le nom de la structure soit montré",
    "free_text": "texte libre",
    "other": "autre",
}


NO_ROLE = "(aucun rôle)"


def _text(value) -> str:
    """Any value shown inside an HTML widget, as text: answers, labels and file names may
    hold markup, which the browser would otherwise run."""
    return "" if value is None or value is pd.NA else html.escape(str(value))


SORTS = {"score": "Score", "category": "Ressource", "kind": "Type de piste", "status": "Statut"}


class RolesApp(App):
    """Give a role (and a theme) to the questions that have none, then save ``roles.csv``.

    Attributes
    ----------
    only_missing : ipywidgets.Checkbox
        List only the questions without a role.
    roles : dict of question_id -> ipywidgets.Dropdown
    themes : dict of question_id -> ipywidgets.Text
    save : ipywidgets.Button
        Writes `table()` to `path` with `diagnostic.forms.roles.write_roles`.
    """

    def __init__(self, questions: pd.DataFrame, path, editable: bool | None = None):
        super().__init__(editable)
        self.questions, self.path = questions, Path(path)
        self.only_missing = w.Checkbox(
            value=True, description="Seulement les questions sans rôle", indent=False
        )
        options = [(NO_ROLE, "")] + [(label, role) for role, label in ROLE_LABELS.items()]
        table = role_table(questions)
        self.roles = {
            q: w.Dropdown(
                options=options,
                value=r if isinstance(r, str) else "",
                layout=w.Layout(width="260px"),
            )
            for q, r in zip(table["question_id"], table["role"])
        }
        self.themes = {
            q: w.Text(
                value=t if isinstance(t, str) else "",
                placeholder="thème",
                layout=w.Layout(width="180px"),
            )
            for q, t in zip(table["question_id"], table["theme"])
        }
        self.rows = w.VBox()
        self.save_button = w.Button(
            description="Enregistrer les rôles", button_style="primary", icon="save"
        )
        self.message = w.HTML()
        if not self.editable:
            self.save_button.disabled = True
            self.message.value = f"&nbsp; {_text(READ_ONLY)}"
        self.only_missing.observe(self._guard(self._show), names="value")
        self.save_button.on_click(self._guard(self.save))
        self._show()
        self.view = w.VBox(
            [self.only_missing, self.rows, w.HBox([self.save_button, self.message]), self.errors]
        )

    def _show(self, _change=None):
        shown = (
            questions_without_role(self.questions) if self.only_missing.value else self.questions
        )
        if shown.empty:
            self.rows.children = [w.HTML("<i>Toutes les questions ont un rôle.</i>")]
            return
        self.rows.children = [
            w.HBox(
                [
                    w.HTML(
                        f"<b>{_text(q.question_id)}</b> — {_text(q.label)}",
                        layout=w.Layout(width="420px"),
                    ),
                    self.roles[q.question_id],
                    self.themes[q.question_id],
                ]
            )
            for q in shown.itertuples()
        ]

    def table(self) -> pd.DataFrame:
        """question_id, role, theme as chosen in the app."""
        return pd.DataFrame(
            {
                "question_id": list(self.roles),
                "role": [d.value or pd.NA for d in self.roles.values()],
                "theme": [t.value.strip() or pd.NA for t in self.themes.values()],
            }
        ).astype("string")

    def save(self, _button=None) -> Path:
        """Write the roles to the app's file (``roles.csv``) and return its path."""
        self._check_editable()
        path = write_roles(self.table(), self.path)
        self.message.value = f"&nbsp; Rôles enregistrés dans <code>{_text(path.name)}</code>"
        return path


class CooperationApp(App):
    """Opportunities with a status per match, the projects × resources matrix and the groups.

    Attributes
    ----------
    kind, sort_by : ipywidgets.Dropdown
    page : ipywidgets.BoundedIntText
    statuses : list of ipywidgets.ToggleButtons, one per shown match
    save : ipywidgets.Button
        Writes every status to `path` with `diagnostic.analysis.statuses.write_statuses`.
    opportunities : DataFrame
        The `opportunities` table with the statuses chosen so far.
    table, matrix : plotly FigureWidget
        The opportunities; the projects × resources matrix.
    news : ipywidgets.HTML
        What `refresh` brought from other visitors' saves.
    """

    def __init__(
        self,
        diag,
        path,
        per_page: int = 8,
        editable: bool | None = None,
        *,
        refresh_seconds: float | None = 3.0,
    ):
        super().__init__(editable)
        self.diag, self.path, self.per_page = diag, Path(path), per_page
        self.watch = FileWatch(self.path)  # before reading: a save in between is seen
        opportunities = self._read_statuses(self.path)
        #: the statuses as the page loaded them: a save merges on them (`save`)
        self.loaded = status_table(opportunities)
        self.labels = resource_labels(diag.questions, diag.choices)
        opportunities = opportunities.assign(
            category_label=relabel(opportunities["category"], self.labels).astype(object)
        )
        self.opportunities = opportunities.reset_index(drop=True)
        kinds = list(dict.fromkeys(self.opportunities["kind"]))
        self.kind = w.Dropdown(
            options=[("Toutes les pistes", "")] + [(KIND_LABELS.get(k, k), k) for k in kinds],
            description="Pistes :",
            style=WIDE,
        )
        self.sort_by = w.Dropdown(
            options=[(v, k) for k, v in SORTS.items()],
            value="score",
            description="Trier par :",
            style=WIDE,
        )
        self.page = w.BoundedIntText(
            value=1, min=1, max=1, description="Page :", style=WIDE, layout=w.Layout(width="140px")
        )
        self.rows = w.VBox()
        self.statuses: list[w.ToggleButtons] = []
        self.save_button = w.Button(
            description="Enregistrer les statuts",
            button_style="primary",
            icon="save",
            layout=w.Layout(width="220px"),
        )
        self.message = w.HTML()
        self.news = w.HTML()
        if not self.editable:
            self.save_button.disabled = True
            self.message.value = f"&nbsp; {_text(READ_ONLY)}"
        self.table = FigureWidget(
            plot_opportunities_table(self.opportunities, category="category_label")
        )
        # projects × resources: reads the same at 150 actors and at 5,000 (the actor–resource
        # network it replaces did not)
        projects = diag.cooperation_projects
        self.matrix = FigureWidget(
            plot_project_resources(
                project_resources(projects, diag.needs, diag.offers),
                projects,
                self.labels,
                language=diag.settings.language,
            )
        )
        self._update = self._guard(self._update)  # type: ignore[method-assign]
        for control in (self.kind, self.sort_by, self.page):
            control.observe(self._update, names="value")
        self.save_button.on_click(self._guard(self._save_clicked))
        self._update()
        if refresh_seconds:
            self.watch.follow(refresh_seconds, self.refresh, self.errors, "les statuts")
        groups = diag.clusters[["label", "size", "actor_types"]].rename(
            columns={"label": "Groupe", "size": "Acteurs", "actor_types": "Types d'acteurs"}
        )
        self.groups = w.HTML(
            groups.to_html(index=False, border=0, classes="diag-groups", escape=True)
        )
        self.view = w.VBox(
            [
                w.HBox([self.kind, self.sort_by, self.page]),
                self.news,
                self.rows,
                w.HBox([self.save_button, self.message], layout=w.Layout(flex_flow="row wrap")),
                self.errors,
                self.table,
                self.matrix,
                w.HTML("<h3>Groupes d'acteurs autour d'enjeux partagés</h3>"),
                self.groups,
            ]
        )

    def shown(self) -> pd.DataFrame:
        """The opportunities of the current kind, sorted, on the current page."""
        t = self.opportunities
        if self.kind.value:
            t = t[t["kind"] == self.kind.value]
        t = t.sort_values(
            self.sort_by.value, ascending=self.sort_by.value != "score", kind="stable"
        )
        self.page.max = max(1, -(-len(t) // self.per_page))
        start = (self.page.value - 1) * self.per_page
        return t.iloc[start : start + self.per_page]

    def refresh(self) -> int:
        """Show the statuses other visitors saved since this page last looked (the file
        written since, `FileWatch`); return how many rows took them.

        A row not changed here takes the status on disk, which becomes the page's
        reference. A row changed here and not saved keeps this page's status and its
        reference: saving it is refused as a conflict naming both (`save`). ``news`` says so.
        """
        if not self.watch.changed() or not self.path.exists():
            return 0
        mine, on_disk = self._beside(status_table(self._read_statuses(self.path)))
        status, reference, adopted, kept = [], [], 0, 0
        for m, b, t in zip(mine["status"], self.loaded["status"], on_disk):
            new = not pd.isna(t) and t != b
            if new and m == b:  # not changed here: theirs
                adopted += 1
                status.append(t)
                reference.append(t)
            else:
                kept += new and m != t  # changed here to another status: kept, not saved
                status.append(m)
                reference.append(t if new and m == t else b)
        self.loaded = self.loaded.assign(status=reference)
        self.opportunities = self.opportunities.assign(status=status)
        news = []
        if adopted:
            news.append(f"{adopted} statut(s) enregistré(s) par un autre visiteur, affiché(s).")
        if kept:
            news.append(
                f"{kept} statut(s) modifié(s) ici ont aussi été décidés par un autre visiteur : "
                "votre modification non enregistrée est gardée sur cette page ; l'enregistrer "
                "vous signalera le désaccord."
            )
        if news:
            self.news.value = news_html(news)
        if adopted:
            self._update()
        return adopted

    def _update(self, _change=None):
        if self.refresh():  # other visitors' statuses, drawn by `refresh` itself
            return
        page = self.shown()
        self.statuses = []
        rows = []
        for index, row in page.iterrows():
            toggle = w.ToggleButtons(
                options=list(STATUSES),
                value=row["status"],
                style={"button_width": "90px"},
                disabled=not self.editable,
            )
            toggle.observe(
                self._guard(lambda change, i=index: self._set(i, change["new"])), names="value"
            )
            self.statuses.append(toggle)
            rows.append(
                w.HBox(
                    [
                        toggle,
                        w.HTML(
                            f"<b>{_text(row['category_label'])}</b> — {_text(row['explanation'])}",
                            layout=w.Layout(width="70%"),
                        ),
                    ]
                )
            )
        self.rows.children = rows
        self._redraw()

    def _set(self, index, status):
        frame = self.opportunities.copy()
        frame.loc[index, "status"] = status
        self.opportunities = frame
        if not self.refresh():  # other visitors' statuses (the page is drawn again if any)
            self._redraw()

    def _redraw(self):
        t = self.opportunities
        if self.kind.value:
            t = t[t["kind"] == self.kind.value]
        update_figure(
            self.table,
            plot_opportunities_table(
                t,
                sort_by=self.sort_by.value,
                ascending=self.sort_by.value != "score",
                category="category_label",
                validate=False,
            ),
        )

    def _read_statuses(self, path: Path) -> pd.DataFrame:
        """The opportunities with the statuses of the file at `path`, as a page loaded now
        would show them."""
        opportunities = self.diag.opportunities
        if path.exists():
            opportunities = apply_statuses(opportunities, read_statuses(path))
        return opportunities

    def save(self, _button=None) -> Path:
        """Merge the statuses decided on this page into the app's file and return its path.

        Under a lock on the file, row by row (`diagnostic.apps.merge.save_rows`): the
        statuses changed by other visitors since the page loaded are kept and shown here;
        those changed here are written. When a status changed here was changed by somebody
        else to another value since the page loaded, nothing is written and `SaveConflict`
        says which; the other's choice becomes the page's reference, so that saving again
        keeps this page's choice knowingly. A read-only visitor's save is refused.
        """
        self._check_editable()
        try:
            merge = save_rows(
                self.path,
                self.loaded,
                status_table(self.opportunities),
                keys=STATUS_KEYS,
                columns=["status"],
                read=lambda p: status_table(self._read_statuses(p)),
                write=write_statuses,
                describe=self._describe_conflicts,
            )
        except SaveConflict as conflict:
            self._adopt(conflict.theirs, keep_mine=True)
            raise
        self._adopt(merge.table, keep_mine=False)
        return self.path

    def _beside(self, theirs: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
        """This page's status table, and beside each of its rows the status `theirs` (a
        saved table) gives the same lead (missing where it has none)."""
        mine = status_table(self.opportunities)
        key = list(STATUS_KEYS)
        on_disk = (
            mine[key]
            .astype(object)
            .merge(theirs[key + ["status"]].astype(object), on=key, how="left")["status"]
        )
        return mine, on_disk

    def _adopt(self, theirs: pd.DataFrame, keep_mine: bool) -> None:
        """Take `theirs` as the page's reference; show its statuses, except, with `keep_mine`,
        where this page changed one."""
        mine, on_disk = self._beside(theirs)
        changed = (
            mine["status"].astype(object).to_numpy()
            != self.loaded["status"].astype(object).to_numpy()
        )
        status = [
            m if (keep_mine and c) or pd.isna(t) else t
            for m, t, c in zip(mine["status"], on_disk, changed)
        ]
        reference = [m if pd.isna(t) else t for m, t in zip(mine["status"], on_disk)]
        self.loaded = mine.assign(status=reference)
        self.opportunities = self.opportunities.assign(status=status)
        self._update()

    def _describe_conflicts(self, conflicts: pd.DataFrame) -> str:
        names = dict(zip(self.opportunities["category"], self.opportunities["category_label"]))
        return " ; ".join(
            f"{names.get(row.category, row.category)} ({row.actors}) : « {row.status_theirs} »"
            f" (ici : « {row.status_mine} »)"
            for row in conflicts.itertuples()
        )

    def _save_clicked(self, _button=None) -> None:
        """The save button: the outcome, or the refusal, in the message beside it."""
        try:
            self.save()
        except SaveConflict as conflict:
            self.message.value = (
                f"&nbsp; <b>Enregistrement refusé.</b> {_text(conflict)}. "
                "Leur choix est maintenant la référence de la page : enregistrez de nouveau "
                "pour le remplacer par le vôtre."
            )
            return
        except DiagnosticError as refused:
            self.message.value = f"&nbsp; <b>Enregistrement refusé.</b> {_text(refused)}"
            return
        done = (self.opportunities["status"] != STATUSES[0]).sum()
        self.message.value = (
            f"&nbsp; {done} statuts décidés, enregistrés dans <code>{_text(self.path.name)}</code>"
        )


def roles_app(questions: pd.DataFrame, path, editable: bool | None = None) -> RolesApp:
    """Role editor for the questions of a form, saving to a roles CSV at `path`."""
    return RolesApp(questions, path, editable)


def cooperation_app(
    diag, path, editable: bool | None = None, *, refresh_seconds: float | None = 3.0
) -> CooperationApp:
    """Cooperation view of a `Diagnostic`; statuses are read from and saved to `path`
    (merged with other visitors' saves, shown on the open page every `refresh_seconds` in a
    kernel and on each interaction; refused when `editable` is false)."""
    return CooperationApp(diag, path, editable=editable, refresh_seconds=refresh_seconds)
