"""The workshop's decisions on cooperation projects, kept from one run to the next.

A decisions file (CSV or spreadsheet: ``resources``, ``members``, ``status``, ``carrier``,
``next_step``) is matched to the projects of a new run by their resources and members —
the order of rows or of members does not matter — never by row number.

A decision is taken on one view of the projects: the consultant's, or the public one of
the `funder` and `collective` audiences, where the withheld actors are in no project
(`diagnostic.privacy.disclosure.public_members`). Given those actors (``hidden``), a
decision and a project are matched on their members without them (`decision_key`), so a
decision taken on either view attaches to the same project in the other.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diagnostic._io.atomic import write_csv
from diagnostic._io.text import fold
from diagnostic.analysis.projects import STATUS_DEFAULT, project_id
from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.i18n import label
from diagnostic.schemas import conform

#: Statuses of a project, as stored (French); their English labels are read too.
PROJECT_STATUSES = ("à valider", "validé", "en cours", "écarté")
DECISION_COLUMNS = ["project_id", "title", "resources", "members", "status", "carrier", "next_step"]


def _fold(text) -> str:
    return " ".join(fold(text).split())


def _from_workbook(path: Path) -> pd.DataFrame:
    """The « Projets de coopération » sheet of a workbook, its headers turned into codes."""
    from diagnostic._io.sheets import decided_table
    from diagnostic.i18n.workbook import SHEET_NAMES, word

    names = tuple(_fold(SHEET_NAMES[lang]["projects"]) for lang in SHEET_NAMES)
    raw = decided_table(path, names, "« Projets de coopération »")
    codes = {
        _fold(h): c for lang in ("fr", "en") for c, h in word("projects_headers", lang).items()
    }
    return raw.set_axis([codes.get(_fold(h), _fold(h)) for h in raw.columns], axis=1)


def read_decisions(path) -> pd.DataFrame:
    """Read a decisions file: one row per project decided (see `write_decisions`), or the
    « Projets de coopération » sheet of a workbook filled in at the workshop."""
    from diagnostic._io.tables import read_table

    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = _from_workbook(path)
    else:
        frame = read_table(path).frame
    frame.columns = [_fold(c).replace(" ", "_") for c in frame.columns]
    missing = [c for c in ("resources", "members", "status") if c not in frame.columns]
    if missing:
        raise DiagnosticError(
            f"le fichier des décisions sur les projets doit avoir les colonnes « resources », "
            f"« members » et « status » ; il manque « {missing[0]} ».",
            file=path.name,
            row=1,
        )
    return frame.reindex(columns=DECISION_COLUMNS).astype("string")


def decision_key(resources, members, hidden=frozenset()) -> str:
    """The id a decision and a project are matched on: `project_id` of the resources and
    the members, those in `hidden` left out."""
    return project_id(str(resources), [m for m in members if m not in hidden])


def _members(cell) -> list[str]:
    return [m.strip() for m in str(cell).split(";") if m.strip()] if isinstance(cell, str) else []


def apply_decisions(
    projects: pd.DataFrame, decisions, *, file: str = "décisions", hidden=frozenset()
):
    """The projects with the status, carrier and next step decided for them.

    Parameters
    ----------
    projects : DataFrame
        The `cooperation_projects` table of a new run.
    decisions : DataFrame or path
        A file read by `read_decisions`, or such a table.
    hidden : set of str
        Actors matched as if absent (the withheld actors, see `decision_key`).

    Returns
    -------
    (DataFrame, DataFrame)
        The `cooperation_projects` table, and the anomalies: decisions whose project is no
        longer proposed, unknown statuses (kept « à valider »).
    """
    if isinstance(decisions, (str, Path)):
        file = Path(decisions).name
        decisions = read_decisions(decisions)
    log = AnomalyLog(file)
    known = {_fold(shown): s for s in PROJECT_STATUSES for shown in (s, label(s, "en"))}
    by_id = {}
    for row, rec in enumerate(decisions.to_dict("records"), start=2):
        members = [m.strip() for m in str(rec.get("members") or "").split(";") if m.strip()]
        resources = str(rec.get("resources") or "").strip()
        if not members or not resources:
            continue
        status = known.get(_fold(rec.get("status") or ""))
        if status is None:
            log.add(
                f"statut inconnu (statuts possibles : {', '.join(PROJECT_STATUSES)}) : "
                f"« {STATUS_DEFAULT} »",
                KEPT,
                row=row,
                column="status",
                value=rec.get("status"),
            )
            status = STATUS_DEFAULT
        by_id[decision_key(resources, members, hidden)] = (
            row,
            status,
            rec.get("carrier"),
            rec.get("next_step"),
        )
    keys = (
        projects["project_id"]
        if not hidden
        else pd.Series(
            [
                decision_key(r, _members(m), hidden)
                for r, m in zip(projects["resources"], projects["members"])
            ],
            index=projects.index,
            dtype=object,
        )
    )
    found = set(keys)
    for pid, (row, *_rest) in by_id.items():
        if pid not in found:
            log.add(
                "projet absent de cette exécution (ses membres ou ses ressources ont changé) : "
                "décision gardée dans le fichier, non appliquée",
                KEPT,
                row=row,
                column="members",
            )
    out = projects.copy()
    for col, k in (("status", 1), ("carrier", 2), ("next_step", 3)):
        decided = keys.map(lambda p, k=k: by_id[p][k] if p in by_id else None)
        out[col] = decided.where(decided.notna(), out[col])
    out["status"] = out["status"].fillna(STATUS_DEFAULT)
    return conform(out, "cooperation_projects"), log.frame()


def write_decisions(projects: pd.DataFrame, path) -> Path:
    """Write the decisions on `projects` (CSV, UTF-8) so that the next run reads them back."""
    return write_csv(projects.reindex(columns=DECISION_COLUMNS), path)
