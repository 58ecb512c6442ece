"""Apply a roles sheet (``question_id,role[,theme]``) to any Form, and read any form file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from diagnostic._io.atomic import write_csv
from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.forms.model import ROLES, Form
from diagnostic.schemas import conform

ROLE_COLUMNS = ["question_id", "role", "theme"]


def read_roles(path, log: AnomalyLog | None = None) -> pd.DataFrame:
    """Read a roles sheet: CSV or workbook with ``question_id``, ``role`` and optionally
    ``theme``.

    One rule for every caller: roles are compared in lower case, and a role that is not one
    of `ROLES` becomes ``other``, reported in `log` when one is given.

    Returns
    -------
    DataFrame
        question_id, role, theme (strings), one row per non-empty question_id, in file order,
        with the file's row number as index.
    """
    from diagnostic._io.tables import read_filled_in

    out = read_filled_in(path, ROLE_COLUMNS, ("question_id", "role"), "la feuille des rôles")
    out["role"] = out["role"].str.lower()
    out = out[out["question_id"].notna()]
    unknown = out["role"].notna() & ~out["role"].isin(ROLES)
    for row, value in out.loc[unknown, "role"].items():
        if log is not None:
            log.add(
                f"rôle inconnu (rôles possibles : {', '.join(ROLES)}) : rôle « other »",
                KEPT,
                row=row,
                column="role",
                value=value,
            )
    out.loc[unknown, "role"] = "other"
    return out


def questions_without_role(questions: pd.DataFrame) -> pd.DataFrame:
    """Questions whose role is empty: the ones the consultant must still qualify."""
    role = questions["role"].astype("string").str.strip()
    return questions[role.isna() | (role == "")].reset_index(drop=True)


def role_table(questions: pd.DataFrame) -> pd.DataFrame:
    """question_id, role, theme for every question, ready to edit and save."""
    out = questions.reindex(columns=ROLE_COLUMNS).astype("string")
    return out.reset_index(drop=True)


def write_roles(roles: pd.DataFrame, path) -> Path:
    """Write a roles CSV (question_id,role,theme), checking every role.

    Raises
    ------
    DiagnosticError
        When a role is not one of `diagnostic.forms.model.ROLES`.
    """
    roles = roles.reindex(columns=ROLE_COLUMNS)
    given = roles["role"].dropna()
    bad = given[~given.isin(ROLES)]
    if len(bad):
        row = int(bad.index[0])
        raise DiagnosticError(
            f"rôle inconnu « {bad.iloc[0]} » pour la question "
            f"{roles.at[row, 'question_id']}. Rôles possibles : {', '.join(ROLES)}.",
            file=Path(path).name,
            column="role",
        )
    return write_csv(roles, path)


def with_roles(questions: pd.DataFrame, roles: pd.DataFrame) -> pd.DataFrame:
    """Return `questions` with the roles (and non-empty themes) of `roles` applied."""
    chosen = roles.dropna(subset=["role"]).set_index("question_id")
    out = questions.copy()
    role = out["question_id"].map(chosen["role"])
    out["role"] = role.fillna(out["role"]).astype("string")
    theme = out["question_id"].map(chosen["theme"].dropna())
    out["theme"] = theme.fillna(out["theme"]).astype("string")
    return out


def apply_roles(form: Form, path) -> Form:
    """Return `form` with the roles (and themes) given by a mapping sheet or CSV.

    Parameters
    ----------
    form : Form
        Any form: XLSForm, LimeSurvey structure, or inferred from the data.
    path : str or Path
        CSV or workbook with columns ``question_id``, ``role`` and optionally ``theme``.

    Returns
    -------
    Form
        A new Form; unknown questions and roles are reported in its anomalies.

    Examples
    --------
    A ``roles.csv`` of three lines::

        question_id,role,theme
        type_structure,actor_type,
        enjeu_mobilite,issue_importance,Mobilité
    """
    path = Path(path)
    log = AnomalyLog(path.name)
    frame = read_roles(path, log)
    questions = form.questions.copy()
    index = {q: i for i, q in enumerate(questions["question_id"])}
    given = set(form.roles_given)
    for row, rec in frame.iterrows():
        qid, role, theme = rec["question_id"], rec["role"], rec["theme"]
        if qid not in index:
            log.add(
                "question inconnue du formulaire : ligne ignorée",
                KEPT,
                row=row,
                column="question_id",
                value=qid,
            )
            continue
        if pd.isna(role):
            log.add(
                f"rôle inconnu (rôles possibles : {', '.join(ROLES)}) : rôle « other »",
                KEPT,
                row=row,
                column="role",
                value="",
            )
            role = "other"
        questions.loc[index[qid], "role"] = role
        given.add(qid)
        if pd.notna(theme):
            questions.loc[index[qid], "theme"] = theme
    anomalies = pd.concat([form.anomalies, log.frame()], ignore_index=True)
    return dataclasses.replace(
        form,
        questions=conform(questions, "questions"),
        anomalies=conform(anomalies, "anomalies"),
        roles_given=frozenset(given),
    )


def read_form(path, language: str | None = None, roles=None) -> Form:
    """Read a questionnaire definition, whatever its kind.

    Parameters
    ----------
    path : str or Path
        XLSForm (.xlsx, .xls, .ods) or LimeSurvey structure (.txt, .lss).
    language : str, optional
        Label language ("fr", "Français (fr)"…).
    roles : str or Path, optional
        A roles sheet to apply (see `apply_roles`).

    Returns
    -------
    Form
    """
    from diagnostic.forms.limesurvey import read_limesurvey_structure
    from diagnostic.forms.xlsform import read_xlsform

    path = Path(path)
    if path.suffix.lower() in (".lss", ".txt", ".tsv"):
        form = read_limesurvey_structure(path, language)
    else:
        form = read_xlsform(path, language)
    return apply_roles(form, roles) if roles else form
