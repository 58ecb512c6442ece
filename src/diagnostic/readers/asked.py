"""Who was asked each question, from the form: its ``relevant`` conditions and ``required``.

A reader alone only knows who *answered*: a multiple choice whose option cells are all
blank (Kobo's export when nothing is ticked) looks "not asked". With a form that says who
was asked (an XLSForm: `Form.relevance`), `with_form_bases` rewrites the `asked` table:
a respondent was asked a question when the conditions of the question and of its groups
hold for their answers (every respondent when there are none), or when they answered it.
A condition that cannot be evaluated (see `diagnostic.forms.relevance`, or a question it
cites missing from the export) gives one anomaly for that question, whose base stays
"those who answered".

A LimeSurvey structure gives its relevance equations (``Form.relevance_syntax``
"limesurvey"): an option of a multiple choice is named ``Q1_SQ001`` there, "Y" when ticked
and empty otherwise; a question named without ``.NAOK`` makes the condition false for
those to whom it was not shown, which needs its own condition evaluated first (a question
citing one asked later in the form, or whose condition was not evaluated, is reported).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from diagnostic.anomalies import KEPT, AnomalyLog, rows_text
from diagnostic.forms.model import PERSONAL_ROLES, Form
from diagnostic.forms.relevance import (
    RelevanceError,
    evaluate,
    label_references,
    parse_condition,
    references,
    shown_key,
    strict_references,
    undated_references,
)
from diagnostic.readers.long import long_part, stack
from diagnostic.readers.survey import Survey
from diagnostic.schemas import conform


def _in_export(survey: Survey) -> set[str]:
    """The questions some column of the export holds."""
    if survey.columns is None:
        return set(survey.questions["question_id"])
    cols = survey.columns
    held = cols["question_id"].notna() & cols["match"].ne("none").fillna(True)
    return set(cols.loc[held.to_numpy(dtype=bool), "question_id"])


def _options(survey: Survey, form: Form) -> dict[str, tuple[str, str]]:
    """LimeSurvey's names of the options of multiple choices, ``Q1_SQ001`` -> (Q1, SQ001)."""
    if form.relevance_syntax != "limesurvey":
        return {}
    questions = survey.questions
    multiple = questions[questions["type"].eq("multiple").fillna(False).to_numpy(dtype=bool)]
    out = {}
    for qid, list_name in zip(multiple["question_id"], multiple["list_name"]):
        if isinstance(list_name, str):
            out.update({f"{qid}_{v}": (qid, v) for v in form.choice_values(list_name)})
    return out


def _with_options(
    values: dict[str, pd.Series], options: dict[str, tuple[str, str]], names: set[str]
) -> None:
    """Add each option of `names` found in `options`: "Y" where ticked, "" elsewhere."""
    for name in names & set(options):
        qid, option = options[name]
        ticked = values[qid].map(lambda v, o=option: o in str(v).split())
        values[name] = ticked.map({True: "Y", False: ""}).astype(object)


def _labels(survey: Survey, form: Form, values: dict, names: set[str], options: dict) -> None:
    """Add ``name.shown`` for each of `names`: the label of a choice's code, else the value."""
    lists = dict(zip(survey.questions["question_id"], survey.questions["list_name"]))
    for name in names:
        list_name = lists.get(name) if name not in options else None
        labels = form.choice_labels(list_name) if isinstance(list_name, str) else {}
        values[shown_key(name)] = values[name].map(lambda v, lab=labels: lab.get(v, v))


def _values(survey: Survey, names: set[str], ids: pd.Index) -> dict[str, pd.Series]:
    """Each question of `names` answered once per respondent: its value (codes of a
    multiple choice space-joined, in the order of the export), "" when blank."""
    out = {name: pd.Series("", index=ids, dtype=object) for name in names}
    if not names:
        return out
    answers = survey.answers
    answers = answers[answers["question_id"].isin(names).to_numpy(dtype=bool)]
    if "instance" in answers.columns:
        answers = answers[answers["instance"].isna().to_numpy(dtype=bool)]
    personal = survey.personal.rename(columns={"field": "question_id"})
    personal = personal[personal["question_id"].isin(names).to_numpy(dtype=bool)]
    long = pd.concat(
        [
            answers[["actor_id", "question_id", "value"]],
            personal[["actor_id", "question_id", "value"]],
        ],
        ignore_index=True,
    ).astype(object)
    long = long[long["value"].notna().to_numpy(dtype=bool)]
    for name, part in long.groupby("question_id", sort=False):
        joined = part.groupby("actor_id", sort=False)["value"].agg(" ".join)
        out[str(name)] = joined.reindex(ids).fillna("").astype(object)
    return out


def _conditions(
    chain, known: set[str], cache: dict, dated: set[str], syntax: str = "xlsform"
) -> list | str:
    """The parsed conditions of a question, or the French reason they cannot be used
    (`dated`: questions answered with a date, which ODK compares as dates)."""
    parsed = []
    for expression in chain:
        if expression not in cache:
            try:
                node = parse_condition(expression, syntax)
                cited = references(node)
                missing = sorted(cited - known)
                dates = sorted(undated_references(node) & dated)
                shown = (lambda name: f"${{{name}}}") if syntax == "xlsform" else str
                cache[expression] = (
                    f"elle cite {shown(missing[0])}, qui n'est pas une question de l'export"
                    if missing
                    else f"elle cite la date {shown(dates[0])} autrement qu'en la comparant à "
                    "une date écrite 'AAAA-MM-JJ'"
                    if dates
                    else node
                )
            except RelevanceError as exc:
                cache[expression] = str(exc)
        if isinstance(cache[expression], str):
            return f"« {expression} » : {cache[expression]}"
        parsed.append((expression, cache[expression]))
    return parsed


def with_form_bases(survey: Survey, form: Form) -> Survey:
    """`survey` with its `asked` table read from the form (see the module docstring).

    Returns
    -------
    Survey
        The same survey when the form does not say who was asked (``relevance`` None);
        otherwise its ``asked`` rewritten for every question outside repeat groups and
        personal data, and anomalies added for conditions not evaluated, answers given
        where the form did not ask them, and required questions left blank.
    """
    if form.relevance is None or survey.actors.empty:
        return survey
    ids = pd.Index(survey.actors["actor_id"].astype(object))
    n = len(ids)
    excel_rows = survey.actors["source_row"].to_numpy()
    questions = survey.questions
    outside = questions["repeat"].isna() & ~questions["role"].isin(PERSONAL_ROLES)
    exported = _in_export(survey)
    asked_q = questions.loc[
        outside.to_numpy(dtype=bool) & questions["question_id"].isin(exported).to_numpy(),
        ["question_id", "type", "required"],
    ]
    asked_q = asked_q.assign(required=asked_q["required"].fillna(False).astype(bool))
    known = exported & set(questions.loc[questions["repeat"].isna(), "question_id"])
    # an option's name that is also a question's (``Q1_other``, the text) is the question
    names = set(questions["question_id"])
    options = {k: v for k, v in _options(survey, form).items() if v[0] in known and k not in names}
    known |= set(options)
    dated = set(questions.loc[questions["type"].eq("date").fillna(False), "question_id"])
    parsed_cache: dict = {}
    chains = {}
    syntax = form.relevance_syntax
    for qid in asked_q["question_id"]:
        chains[qid] = _conditions(form.relevance.get(qid, ()), known, parsed_cache, dated, syntax)
    live = [chain for chain in chains.values() if not isinstance(chain, str)]
    cited = {r for chain in live for _e, nd in chain for r in references(nd)}
    values = _values(survey, {options.get(r, (r,))[0] for r in cited}, ids)
    _with_options(values, options, cited)
    _labels(
        survey,
        form,
        values,
        {r for c in live for _e, nd in c for r in label_references(nd)},
        options,
    )
    shown_of: dict[str, np.ndarray] = {}  # to whom each question with conditions was shown
    conditioned = {q for q, chain in chains.items() if chain}
    evaluated: dict[tuple, np.ndarray] = {}
    old = survey.asked
    # who answered: only needed where a condition or `required` can say something
    looked_at = {q for q, r in zip(asked_q["question_id"], asked_q["required"]) if chains[q] or r}
    if survey.asked_parts is not None:  # `asked` left unbuilt: its parts say who answered
        answered_rows = _rows_of(survey.asked_parts[0], looked_at)
    else:
        sub = old[old["question_id"].isin(looked_at).to_numpy(dtype=bool)]
        position = pd.Categorical(sub["actor_id"], categories=ids).codes.astype(np.int64)
        q_codes, q_names = pd.factorize(sub["question_id"])
        order = np.argsort(q_codes, kind="stable")
        bounds = np.searchsorted(q_codes[order], np.arange(len(q_names) + 1))
        answered_rows = {
            q: position[order[bounds[k] : bounds[k + 1]]] for k, q in enumerate(q_names)
        }
    log = AnomalyLog(survey.file)
    parts, done = [], set()
    everyone = np.arange(n)
    for qid, qtype, required in asked_q.itertuples(index=False):
        chain = chains[qid]
        if qid not in looked_at:  # no condition: asked of every respondent
            parts.append((qid, everyone))
            done.add(qid)
            continue
        answered = np.zeros(n, dtype=bool)
        rows = answered_rows.get(qid, np.array([], dtype=np.int64))
        answered[rows[rows >= 0]] = True
        if isinstance(chain, str):
            log.add(  # one line for every question that fails for the same reason
                f"condition d'affichage (relevant) non évaluée : {chain} ; base : les "
                "répondants qui ont répondu",
                KEPT,
                column=qid,
                across_columns="questions",
            )
            continue
        strict = {r for _e, node in chain for r in strict_references(node)}
        pending = sorted(
            r for r in strict if options.get(r, (r,))[0] in conditioned - set(shown_of)
        )
        if pending:
            log.add(
                f"condition d'affichage (relevant) non évaluée : elle cite « {pending[0]} » "
                "sans .NAOK, dont on ne sait pas à qui elle a été montrée ; base : les "
                "répondants qui ont répondu",
                KEPT,
                column=qid,
                across_columns="questions",
            )
            continue
        found = {r: shown_of.get(options.get(r, (r,))[0]) for r in strict}
        masks = {r: m for r, m in found.items() if m is not None}
        shown = np.ones(n, dtype=bool)
        for expression, node in chain:
            key = (expression, tuple(sorted(strict_references(node))))
            if key not in evaluated:
                evaluated[key] = evaluate(node, values, n, masks)
            shown &= evaluated[key]
        shown_of[qid] = shown
        beyond = answered & ~shown
        if beyond.any():
            log.add(
                f"{int(beyond.sum())} répondant(s) ont répondu à « {qid} » alors que sa "
                f"condition d'affichage est fausse pour eux ({rows_text(excel_rows[beyond])}) : "
                "gardés dans sa base",
                KEPT,
                column=qid,
                value=" and ".join(e for e, _n in chain),
            )
        blank = shown & ~answered
        if required and blank.any():
            kept = (
                "comptés comme n'ayant rien coché"
                if qtype == "multiple"
                else "hors de la base de cette question"
            )
            log.add(
                f"question obligatoire « {qid} » sans réponse pour {int(blank.sum())} "
                f"répondant(s) à qui elle était posée ({rows_text(excel_rows[blank])}) : {kept}",
                KEPT,
                column=qid,
            )
        parts.append((qid, np.flatnonzero(shown | answered)))
        done.add(qid)
    columns = ["actor_id", "question_id"]
    new = stack(
        [long_part(rows, qid) for qid, rows in parts], survey.actors["actor_id"].array, columns
    )
    if survey.asked_parts is not None:  # the rows of the questions not done, in their order
        own, own_ids = survey.asked_parts
        kept = stack([p for p in own if p[0] not in done], own_ids, columns)
    else:
        kept = old[~old["question_id"].isin(done).to_numpy(dtype=bool)]
    asked = conform(pd.concat([kept, new], ignore_index=True) if len(kept) else new, "asked")
    anomalies = pd.concat([survey.anomalies, log.frame()], ignore_index=True)
    return dataclasses.replace(survey, asked=asked, anomalies=anomalies, asked_parts=None)


def _rows_of(parts: list[tuple], questions: set[str]) -> dict[str, np.ndarray]:
    """The rows (positions of the respondents) of each of `questions` in `asked` parts."""
    found: dict[str, list] = {}
    for part in parts:
        if part[0] in questions:
            found.setdefault(part[0], []).append(part[1])
    return {q: np.concatenate(rows).astype(np.int64) for q, rows in found.items()}
