"""Answers inside repeat groups (household members, employees…), attached to their submission.

A repeat group comes as a table of its own: a further sheet of a Kobo workbook, linked to
the submissions by ``_submission__uuid`` (or ``_submission__id``, ``_parent_index``), or
a further CSV of an ODK Central ZIP, linked by ``PARENT_KEY``. Each of its rows is read like
a submission (same value checks, same anomalies), then its answers are given to the parent
actor, numbered by ``instance`` (1, 2… in file order): the `answers` table stays one row per
actor, question and value, and the answers of one household member stay together.

Rows whose parent is missing, or was itself rejected, are rejected and reported; every
repeat table has its own row account (rows read = rows loaded + rows rejected).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from diagnostic.anomalies import REJECTED, AnomalyLog, RowAccount
from diagnostic.forms.model import Form
from diagnostic.readers.build import survey_from_frame
from diagnostic.readers.inferred import infer_form
from diagnostic.readers.survey import Survey, with_asked
from diagnostic.schemas import conform

_EMPTY_ROW = "soumission vide (aucune réponse)"


@dataclass(frozen=True)
class RepeatTable:
    """One repeat group's rows, and how each row names its submission.

    `parents` holds, for each row of `frame`, the value to look for in the submissions'
    column `target` (``_uuid``, ``_id``, ``_index``, ``KEY``); `column` is the repeat
    table's column it was read from, for the anomalies.
    """

    name: str
    label: str
    frame: pd.DataFrame
    header_rows: int
    parents: pd.Series
    column: str
    target: str


def table_holds(table: str, repeat) -> bool:
    """Whether a repeat table (Kobo sheet ``membres``, ODK CSV ``form-membres``) holds the
    repeat group `repeat`: same name, its name after the form's, or a name Excel cut at 31
    characters."""
    if not isinstance(repeat, str):
        return False
    return table in (repeat, repeat[:31]) or table.endswith(("-" + repeat, "_" + repeat))


def _repeat_name(table: RepeatTable, form: Form) -> str | None:
    """The form's repeat group held by a table (the longest name that fits)."""
    names = sorted(set((form.repeats or {}).values()), key=len, reverse=True)
    return next((name for name in names if table_holds(table.name, name)), None)


def _sub_form(table: RepeatTable, form: Form, meta: set, taken: set) -> Form:
    """The questions of one repeat group, or guessed from its table without a form."""
    name = _repeat_name(table, form)
    if name is not None:
        inside = [qid for qid, rep in form.repeats.items() if rep == name]
        questions = form.questions[form.questions["question_id"].isin(inside)]
        return dataclasses.replace(
            form,
            questions=questions.reset_index(drop=True),
            anomalies=form.anomalies.iloc[0:0],
            repeats={},
        )
    meta = meta | {c for c in table.frame.columns if c.startswith("_")}
    guessed = infer_form(table.frame, table.label, meta=meta)
    q, choices = guessed.questions.copy(), guessed.choices.copy()
    # a member's "age" is not the respondent's "age": clashing ids get the group's name
    clash = q.loc[q["question_id"].isin(taken), "question_id"]
    renamed = dict(zip(clash, table.name + "_" + clash))
    q["question_id"] = q["question_id"].replace(renamed)
    q["list_name"] = q["list_name"].replace(renamed)
    choices["list_name"] = choices["list_name"].replace(renamed)
    q["group"], q["repeat"] = table.name, table.name
    return dataclasses.replace(
        guessed, questions=conform(q, "questions"), choices=conform(choices, "choices")
    )


def attach_repeats(
    survey: Survey,
    main: pd.DataFrame,
    header_rows: int,
    tables: list[RepeatTable],
    form: Form,
    *,
    meta=(),
    not_asked=(),
) -> Survey:
    """Add the answers of repeat tables to a Survey read from the submissions table.

    Parameters
    ----------
    survey : Survey
        Read from `main` by `survey_from_frame`.
    main : DataFrame
        The submissions table, as read (its rows give each actor's keys).
    header_rows : int
        File rows up to and including the header of `main`.
    tables : list of RepeatTable
        The repeat groups, in file order.
    form : Form
        The questionnaire; its `repeats` say which questions each group holds.
    meta, not_asked : iterable of str
        As for `survey_from_frame`.

    Returns
    -------
    Survey
        With the repeat answers (``instance`` set), their questions when guessed, anomalies
        and one row account per repeat table in `repeat_accounts`.
    """
    if not tables:
        return survey
    survey = with_asked(survey)  # the repeat groups' rows are added to it
    loaded = dict(zip(survey.actors["source_row"].astype(int), survey.actors["actor_id"]))
    position_row = np.arange(header_rows + 1, header_rows + 1 + len(main))
    parts = {
        name: [getattr(survey, name)]
        for name in (
            "questions",
            "choices",
            "answers",
            "asked",
            "personal",
            "needs",
            "offers",
            "anomalies",
        )
    }
    accounts = []
    meta = set(meta)
    for table in tables:
        sub_form = _sub_form(table, form, meta, set(parts["questions"][0]["question_id"]))
        if _repeat_name(table, form) is None:  # questions guessed from the table
            parts["questions"].append(sub_form.questions)
            parts["choices"].append(sub_form.choices)
        sub = survey_from_frame(
            table.frame,
            sub_form,
            file=table.label,
            fmt=survey.format,
            header_rows=table.header_rows,
            meta=meta | {table.column},
            not_asked=not_asked,
            dedupe=False,
        )
        actor_of, log = _link(table, sub, main, position_row, loaded)
        numbers = _instances(sub.actors, actor_of)
        for name in ("answers", "asked", "personal", "needs", "offers"):
            frame = getattr(sub, name)
            parent = frame["actor_id"].map(actor_of)
            if name == "answers":
                frame = frame.assign(instance=frame["actor_id"].map(numbers))
            parts[name].append(frame.assign(actor_id=parent.astype("string"))[parent.notna()])
        rejected = int(log.frame()["action"].eq(REJECTED).sum())
        anomalies = sub.anomalies.assign(
            problem=sub.anomalies["problem"].replace(
                _EMPTY_ROW, "ligne de répétition vide (aucune réponse)"
            )
        )
        # one file's problems in file order, those of the whole table first
        parts["anomalies"].append(
            pd.concat([anomalies, log.frame()], ignore_index=True).sort_values(
                "row", na_position="first", kind="stable"
            )
        )
        read = sub.account.rows_read
        accounts.append(
            RowAccount(
                table.label,
                read,
                sub.account.rows_loaded - rejected,
                sub.account.rows_rejected + rejected,
            )
        )
    out = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    for name, keys in (
        ("asked", ["actor_id", "question_id"]),
        ("needs", ["actor_id", "category"]),
        ("offers", ["actor_id", "category"]),
    ):
        out[name] = out[name].drop_duplicates(keys, ignore_index=True)
    out["questions"] = conform(out["questions"].drop_duplicates("question_id"), "questions")
    out["choices"] = conform(out["choices"].drop_duplicates(["list_name", "value"]), "choices")
    out["answers"] = conform(out["answers"], "answers")
    return dataclasses.replace(survey, **out, repeat_accounts=tuple(accounts))


def _instances(actors: pd.DataFrame, actor_of: dict) -> pd.Series:
    """Number each repeat row among the rows of the same parent (1, 2… in file order)."""
    rows = actors.sort_values("source_row", kind="stable")
    parent = rows["actor_id"].map(actor_of)
    number = parent.groupby(parent, dropna=True).cumcount() + 1
    return pd.Series(number.to_numpy(), index=rows["actor_id"].to_numpy()).astype("Int64")


def _link(
    table: RepeatTable, sub: Survey, main: pd.DataFrame, position_row: np.ndarray, loaded: dict
) -> tuple[dict, AnomalyLog]:
    """Each loaded repeat row's parent actor; rows without one are rejected and logged."""
    log = AnomalyLog(table.label, rejected_alone=True)
    keys = main[table.target] if table.target in main.columns else pd.Series(dtype="string")
    row_of_key: dict = {}
    for key, row in zip(keys, position_row):
        if isinstance(key, str):
            row_of_key.setdefault(key.strip(), int(row))
    actor_of = {}
    for actor, row in zip(sub.actors["actor_id"], sub.actors["source_row"].astype(int)):
        key = table.parents.iloc[row - table.header_rows - 1]
        key = key.strip() if isinstance(key, str) else None
        parent_row = row_of_key.get(key) if key else None
        if parent_row is not None and parent_row in loaded:
            actor_of[actor] = loaded[parent_row]
            continue
        if key is None:
            problem = (
                f"ligne de répétition sans référence à sa soumission (« {table.column} » vide)"
            )
        elif parent_row is None:
            problem = (
                "ligne de répétition sans soumission parente : aucune soumission n'a "
                f"« {table.target} » = {key}"
            )
        else:
            problem = (
                f"ligne de répétition dont la soumission parente (ligne {parent_row}) est rejetée"
            )
        log.add(problem, REJECTED, row=row, column=table.column, value=key)
    return actor_of, log
