"""Several questionnaires in one diagnostic: their equivalent questions stacked under one id.

`stack_surveys` rewrites each survey's question ids (answers, asked, personal data, column
map, questions, choices) to the canonical ids decided by `match_questions`, so that the
analyses see one question answered by the actors of every questionnaire. No answer row is
added or dropped: only ids and list names change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from diagnostic.anomalies import concat_anomalies
from diagnostic.project.equivalence import Questionnaire, match_questions
from diagnostic.readers.survey import Survey


@dataclass(frozen=True)
class Stacked:
    """Surveys whose equivalent questions share one id, and the merged form tables.

    ``surveys`` are the input surveys rewritten (same rows, canonical ids); ``questions``
    and ``choices`` hold one row per canonical question and list value; ``question_map``
    says where each question went; ``anomalies`` reports every decision.
    """

    surveys: tuple[Survey, ...]
    questions: pd.DataFrame
    choices: pd.DataFrame
    question_map: pd.DataFrame
    anomalies: pd.DataFrame


def survey_names(surveys, names=None) -> list[str]:
    """A distinct name for each survey: the one given, else its export's file name."""
    out: list[str] = []
    for i, survey in enumerate(surveys):
        name = (names[i] if names and i < len(names) and names[i] else None) or survey.file
        base, n = str(name), 2
        while name in out:
            name, n = f"{base} ({n})", n + 1
        out.append(name)
    return out


def _renamed(frame: pd.DataFrame | None, column: str, ids: dict) -> pd.DataFrame | None:
    """`frame` with the ids of `column` replaced by `ids` (unchanged ids kept)."""
    if frame is None or column not in frame.columns or not ids:
        return frame
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return frame.assign(**{column: values.cat.rename_categories(lambda c: ids.get(c, c))})
    codes, uniques = pd.factorize(values)  # each distinct id renamed once, not each row
    renamed = pd.array([ids.get(u, u) for u in uniques], dtype=values.dtype)
    return frame.assign(**{column: renamed.take(codes, allow_fill=True)})


def rename_questions(survey: Survey, question_map: pd.DataFrame) -> Survey:
    """Return `survey` with its question ids and list names made canonical.

    Parameters
    ----------
    survey : Survey
    question_map : DataFrame
        The rows of the ``question_map`` table for this survey.

    Returns
    -------
    Survey
        A new Survey with the same rows in every table.
    """
    ids = {
        q: c for q, c in zip(question_map["question_id"], question_map["canonical_id"]) if q != c
    }
    lists = dict(zip(question_map["question_id"], question_map["canonical_list"]))
    questions = survey.questions.assign(
        list_name=survey.questions["question_id"].map(lists).astype("string")
    )
    pairs = question_map.dropna(subset=["list_name"]).drop_duplicates(
        ["list_name", "canonical_list"]
    )
    choices = pd.concat(
        [
            survey.choices[survey.choices["list_name"] == own].assign(list_name=canon)
            for own, canon in zip(pairs["list_name"], pairs["canonical_list"])
        ]
        or [survey.choices.iloc[0:0]],
        ignore_index=True,
    ).drop_duplicates(["list_name", "value"])
    return dataclasses.replace(
        survey,
        questions=_renamed(questions, "question_id", ids),
        choices=choices,
        answers=_renamed(survey.answers, "question_id", ids),
        asked=_renamed(survey.asked, "question_id", ids),
        personal=_renamed(survey.personal, "field", ids),
        columns=_renamed(survey.columns, "question_id", ids),
    )


def stack_surveys(
    surveys, names=None, same_as=None, *, file: str = "projet", listed=None
) -> Stacked:
    """Stack the equivalent questions of several surveys under one id.

    Parameters
    ----------
    surveys : sequence of Survey
        The project's questionnaires, in order; the first one's ids are canonical.
    names : sequence of str, optional
        A name for each survey (its ``name`` or ``actor_type`` in the project file), used
        in the reports and to rename a question kept apart; the export's name otherwise.
    same_as : sequence of dict, optional
        For each survey, the explicit mapping {its question id: canonical id}.
    file : str
        The project file's name, for the errors of a bad mapping.
    listed : sequence of bool, optional
        For each survey, whether its lists come from a form (the default); a list inferred
        from the answers holds only the values given, so two such lists of one question
        are stacked even when neither holds the other (see `match_questions`).

    Returns
    -------
    Stacked
        With one survey, its tables unchanged and no anomaly.

    Raises
    ------
    DiagnosticError
        A bad ``same_as`` mapping (see `match_questions`).
    """
    names = survey_names(surveys, names)
    same_as = list(same_as or [])
    forms = [
        Questionnaire(
            name,
            survey.file,
            survey.questions,
            survey.choices,
            dict(same_as[i]) if i < len(same_as) and same_as[i] else {},
            observed=listed is not None and not listed[i],
        )
        for i, (name, survey) in enumerate(zip(names, surveys))
    ]
    found = match_questions(forms, file=file)
    table = found.question_map
    rewritten = tuple(
        rename_questions(s, table[table["survey"] == name].reset_index(drop=True))
        for name, s in zip(names, surveys)
    )
    return Stacked(
        rewritten, found.questions, found.choices, table, concat_anomalies([found.anomalies])
    )


def unoffered_options(stacked: Stacked, listed) -> pd.DataFrame:
    """The choices of a stacked multiple choice that a respondent's own form did not offer.

    Parameters
    ----------
    stacked : Stacked
        From `stack_surveys`.
    listed : sequence of bool
        For each survey, whether its choice lists come from a form (an XLSForm, a
        LimeSurvey structure): a list inferred from the data only holds what someone
        ticked, and says nothing of what was offered.

    Returns
    -------
    DataFrame
        actor_id, question_id, value: the respondent is out of the base of that choice
        (see `diagnostic.analysis.issues.issue_responses`). Empty with one survey.
    """
    rows = []
    if len(stacked.surveys) > 1:
        merged = stacked.choices.groupby("list_name")["value"].agg(set).to_dict()
        for survey, has_form in zip(stacked.surveys, listed):
            if not has_form:
                continue
            own = survey.choices.groupby("list_name")["value"].agg(set).to_dict()
            multiple = survey.questions[survey.questions["type"].eq("multiple").fillna(False)]
            for qid, list_name in zip(multiple["question_id"], multiple["list_name"]):
                missing = sorted(merged.get(list_name, set()) - own.get(list_name, set()))
                if not missing:
                    continue
                ids = survey.actors["actor_id"].astype(object).tolist()
                rows.append(
                    pd.DataFrame(
                        {
                            "actor_id": np.repeat(ids, len(missing)),
                            "question_id": qid,
                            "value": np.tile(missing, len(ids)),
                        }
                    )
                )
    if not rows:
        return pd.DataFrame(
            {c: pd.Series(dtype="string") for c in ("actor_id", "question_id", "value")}
        )
    return pd.concat(rows, ignore_index=True).astype("string")
