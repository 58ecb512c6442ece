"""Apply a roles sheet (``question_id,role[,theme]``) to any Form, and read any form file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.forms.model import ROLES, Form
from diagnostic.schemas import conform


def _read_roles(path: Path) -> pd.DataFrame:
    from diagnostic.readers.tables import read_table

    frame = read_table(path).frame
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    for needed in ("question_id", "role"):
        if needed not in frame.columns:
            raise DiagnosticError(
                f"la feuille des rôles doit avoir les colonnes « question_id » et « role » "
                f"(et, si besoin, « theme ») ; il manque « {needed} ».",
                file=path.name,
                row=1,
            )
    return frame


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
    frame = _read_roles(path)
    log = AnomalyLog(path.name)
    questions = form.questions.copy()
    index = {q: i for i, q in enumerate(questions["question_id"])}
    for row, rec in enumerate(frame.to_dict("records"), start=2):
        qid = (rec.get("question_id") or "").strip()
        role = (rec.get("role") or "").strip().lower()
        if not qid:
            continue
        if qid not in index:
            log.add(
                "question inconnue du formulaire : ligne ignorée",
                KEPT,
                row=row,
                column="question_id",
                value=qid,
            )
            continue
        if role not in ROLES:
            log.add(
                f"rôle inconnu (rôles possibles : {', '.join(ROLES)}) : rôle « other »",
                KEPT,
                row=row,
                column="role",
                value=role,
            )
            role = "other"
        questions.loc[index[qid], "role"] = role
        theme = rec.get("theme")
        if isinstance(theme, str) and theme.strip():
            questions.loc[index[qid], "theme"] = theme.strip()
    anomalies = pd.concat([form.anomalies, log.frame()], ignore_index=True)
    return dataclasses.replace(
        form, questions=conform(questions, "questions"), anomalies=conform(anomalies, "anomalies")
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
