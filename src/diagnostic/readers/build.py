"""Build the Survey tables from a wide frame (one row per respondent), whatever the platform."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from diagnostic._io.progress import bar
from diagnostic.anomalies import KEPT, REJECTED, REPAIRED, AnomalyLog, RowAccount
from diagnostic.forms.model import CATEGORY_ROLES, OTHER, PERSONAL_ROLES, Form
from diagnostic.forms.scales import is_non_substantive, is_none
from diagnostic.privacy.detect import find_personal, set_aside, set_aside_problem
from diagnostic.privacy.pseudonyms import actor_pseudonym, pseudonymizer
from diagnostic.readers.columns import NOT_ASKED, TICKED, ColumnMap, map_columns, norm_text
from diagnostic.readers.inferred import with_current_types
from diagnostic.readers.long import explode, long_part, stack
from diagnostic.readers.ranks import ranked_columns, split_ranked
from diagnostic.readers.survey import Platform, Survey
from diagnostic.readers.values import (
    choice_lookup,
    parse_date,
    parse_number,
    parse_us_number,
    prefers_labels,
    split_multi,
    us_numbers,
)
from diagnostic.schemas import conform

__all__ = [
    "actor_pseudonym",
    "index_columns",
    "platform_reader",
    "read_export",
    "survey_from_frame",
]

#: File suffixes of the text exports (``<platform>_csv``); the others are spreadsheets.
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


def read_export(
    path,
    form: Form | None,
    platform: Platform,
    *,
    actor_type: str | None = None,
    fmt: str | None = None,
    include_incomplete: bool = False,
    asked_later: bool = False,
) -> Survey:
    """Read an export of `platform`: its `prepare` step, then the Survey built once.

    Parameters
    ----------
    path : str or Path
        The export.
    form : Form, optional
        The questionnaire; without it, `prepare` infers the questions from the data.
    platform : Platform
        The platform's table entry (`readers.detect.PLATFORMS`).
    actor_type : str, optional
        Actor type for every respondent when the questionnaire targets one type.
    fmt : str, optional
        The format `detect_format` named; by default the platform's name and the file's
        kind (``qualtrics_csv``, ``kobo_xlsx``).
    include_incomplete : bool
        Keep the responses the platform marks incomplete (drafts, not finished, not
        submitted) instead of leaving them out with an anomaly.
    asked_later : bool
        Leave `asked` to `readers.asked.with_form_bases` (see `survey_from_frame`).

    Returns
    -------
    Survey
        Rows read = rows loaded + rows rejected.
    """
    path = Path(path)
    reading = platform.prepare(path, form, include_incomplete)
    frame = reading.frame
    kind = "csv" if path.suffix.lower() in TEXT_SUFFIXES else "xlsx"
    ids = platform.ids if reading.ids is None else reading.ids
    survey = survey_from_frame(
        frame,
        reading.form,
        file=path.name,
        fmt=fmt or reading.fmt or f"{platform.name}_{kind}",
        actor_type=actor_type,
        header_rows=reading.header_rows,
        id_column=next((c for c in ids if c in frame.columns), None),
        meta=platform.own_columns | reading.meta,
        notes=reading.notes,
        personal_meta=(
            [c for c in frame.columns if c in platform.personal]
            if reading.personal is None
            else reading.personal
        ),
        asked_later=asked_later,
        **reading.options,
    )
    return survey if reading.finish is None else reading.finish(survey)


def platform_reader(platform: Platform):
    """The reader of one platform's exports, ``read_<name>(path, form=None, *, actor_type,
    fmt, include_incomplete)``: `read_export` with that platform."""

    def read(
        path,
        form: Form | None = None,
        *,
        actor_type: str | None = None,
        fmt: str | None = None,
        include_incomplete: bool = False,
    ) -> Survey:
        return read_export(
            path,
            form,
            platform,
            actor_type=actor_type,
            fmt=fmt,
            include_incomplete=include_incomplete,
        )

    read.__name__ = read.__qualname__ = f"read_{platform.name}"
    read.__doc__ = platform.doc
    return read


def index_columns(frame: pd.DataFrame) -> set[str]:
    """Unnamed columns holding a row number (a pandas index saved with the data)."""
    out = set()
    for col in frame.columns:
        if col.startswith(("colonne_", "Unnamed")):
            values = frame[col].dropna()
            if len(values) == len(frame) and values.str.fullmatch(r"\d+").all():
                out.add(col)
    return out


def _coded(col: pd.Series) -> tuple:
    """Factorize a column: (codes with -1 for NA, unique values). Per-value work then runs
    once per distinct value instead of once per cell."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return codes, list(uniques)


def _blank(value, not_asked: set[str], longest: int) -> bool:
    """``norm_text(value) in not_asked``, without normalising long texts: normalising
    never makes a text shorter than its characters other than spaces and braces."""
    text = str(value)
    if (
        len(text) > longest
        and len("".join(text.split()).replace("{", "").replace("}", "")) > longest
    ):
        return False
    return norm_text(text) in not_asked


def _row_keys(columns: list[np.ndarray], rows: int) -> np.ndarray:
    """A 64-bit key per row from the code arrays of its columns, for finding repeated rows."""
    key = np.zeros(rows, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for codes in columns:
            key = key * np.uint64(1_000_003) ^ (codes.astype(np.int64) + 2).astype(np.uint64)
    return key


def _reject_rows(
    frame,
    coded: dict,
    id_column,
    excel_rows,
    log,
    blanks: dict,
    dedupe=True,
    *,
    exclude=(),
    same_with=None,
) -> pd.Series:
    """Empty submissions, rows left out (`exclude`) and duplicates.

    A row is a duplicate only when its submission key repeats: the `id_column`, or, with
    `same_with` (Google Forms' timestamp), that column and every answer identical. Rows
    with identical answers and no such key are kept, listed as « doublon possible ».
    `coded` maps each answer column to its factorization (codes, distinct values), `blanks`
    to whether each distinct value (and NA, last) is empty or "not asked". `exclude` holds
    (mask, problem, column) triples: the rows of each mask are rejected with that problem.
    """
    blank = np.ones(len(frame), dtype=bool)
    for col, (codes, _uniques) in coded.items():
        blank &= blanks[col][codes]
    empty = pd.Series(blank, index=frame.index)
    rejected = pd.Series(False, index=frame.index)
    # a row left out for a reason the platform states (rejected, unreadable, incomplete) is
    # reported with that reason, even when it holds no answer
    stated = np.zeros(len(frame), dtype=bool)
    for mask, _problem, _column in exclude:
        stated |= np.asarray(mask, dtype=bool)
    for idx in frame.index[empty & ~stated]:
        log.add("soumission vide (aucune réponse)", REJECTED, row=int(excel_rows[idx]))
        rejected[idx] = True
    for mask, problem, column in exclude:
        mask = pd.Series(np.asarray(mask, dtype=bool), index=frame.index) & ~rejected
        for idx in frame.index[mask]:
            log.add(
                problem,
                REJECTED,
                row=int(excel_rows[idx]),
                column=column,
                value=frame.at[idx, column] if column in frame.columns else None,
            )
        rejected |= mask
    if not dedupe:
        return rejected
    if id_column:
        ids = frame[id_column]
        firsts = ~ids.duplicated(keep="first")
        dup = ids.notna() & ~firsts & ~rejected
        first_row = dict(zip(ids[firsts], excel_rows[firsts]))
        for idx in frame.index[dup]:
            log.add(
                f"doublon : même identifiant de soumission que la ligne {first_row[ids[idx]]}",
                REJECTED,
                row=int(excel_rows[idx]),
                column=id_column,
                value=ids[idx],
            )
        rejected |= dup
    if coded:
        columns = [c for c, _u in coded.values()]
        keys = pd.Series(_row_keys(columns, len(frame)), index=frame.index)
        same = keys.duplicated(keep="first") & ~rejected
        if same.any():
            row_codes = lambda idx: np.array(  # noqa: E731
                [c[frame.index.get_loc(idx)] for c in columns]
            )
            first_of = {}  # type: ignore[var-annotated]
            for idx in frame.index[~rejected]:
                first_of.setdefault(keys[idx], idx)
            for idx in frame.index[same]:
                first = first_of.get(keys[idx])
                if (
                    first is None
                    or first == idx
                    or not np.array_equal(row_codes(first), row_codes(idx))
                ):
                    continue  # a key collision, not a repeated row
                if (
                    same_with is not None
                    and not pd.isna(frame.at[idx, same_with])
                    and frame.at[idx, same_with] == frame.at[first, same_with]
                ):
                    log.add(
                        f"doublon : même horodatage et réponses identiques à la ligne "
                        f"{excel_rows[first]}",
                        REJECTED,
                        row=int(excel_rows[idx]),
                        column=same_with,
                        value=frame.at[idx, same_with],
                    )
                    rejected[idx] = True
                elif id_column and not pd.isna(frame.at[idx, id_column]):
                    # distinct submission ids: two respondents may well answer alike
                    log.add(
                        "réponses identiques à celles d'une ligne précédente, mais "
                        "identifiant de soumission différent",
                        KEPT,
                        row=int(excel_rows[idx]),
                        value=f"ligne {excel_rows[first]}",
                    )
                else:
                    log.add(
                        "doublon possible : réponses identiques à celles d'une ligne "
                        "précédente, sans identifiant de soumission pour le confirmer "
                        "(ligne conservée)",
                        KEPT,
                        row=int(excel_rows[idx]),
                        value=f"ligne {excel_rows[first]}",
                    )
    return rejected


def incomplete_rows(mask, why: str, column: str | None, include: bool) -> tuple[list, list]:
    """(exclude, flags) for `survey_from_frame`: incomplete responses are left out of the
    analyses (rejected in the row account), or kept with a note when the project's
    ``include_incomplete`` setting says so."""
    if not np.asarray(mask, dtype=bool).any():
        return [], []
    if include:
        return [], [(mask, f"réponse incomplète ({why}) : incluse (include_incomplete)", column)]
    return [
        (
            mask,
            f"réponse incomplète ({why}) : écartée des analyses "
            "(réglage include_incomplete = true pour l'inclure)",
            column,
        )
    ], []


def survey_from_frame(
    frame: pd.DataFrame,
    form: Form,
    *,
    file: str,
    fmt: str,
    actor_type: str | None = None,
    repeats=None,
    header_rows: int = 1,
    id_column: str | None = None,
    meta=(),
    not_asked=(),
    notes=(),
    columns: ColumnMap | None = None,
    dedupe: bool = True,
    codes: dict | None = None,
    exclude=(),
    flags=(),
    same_with: str | None = None,
    personal_meta=(),
    asked_later: bool = False,
) -> Survey:
    """Turn a wide frame of strings (one row per respondent) into the Survey tables.

    Parameters
    ----------
    frame : DataFrame
        One row per submission, raw headers, cells as strings.
    form : Form
        The questionnaire (read, or inferred from the data).
    file, fmt : str
        File name (for anomalies and sources) and detected format.
    id_column : str, optional
        Column holding the submission id (``_uuid``, ``KEY``, LimeSurvey ``id``…).
    meta : iterable of str
        Columns that are not answers (timestamps, platform bookkeeping).
    not_asked : iterable of str
        Cells meaning "question not shown" besides empty ones (LimeSurvey's ``N/A``).
    notes : iterable of (problem, row) or (problem, row, action)
        Things noticed while reading the file (title rows, merged headers…).
    codes : dict, optional
        Factorization of the columns made while reading (`Table.codes`), reused as is.
    dedupe : bool
        False for a repeat-level table (one row per household member…), whose rows may
        share answers and their submission's id without being duplicates.
    exclude : iterable of (mask, problem, column)
        Rows left out of the analyses (rejected in the row account) with that problem:
        reviewer-rejected, not approved, incomplete responses.
    flags : iterable of (mask, problem, column)
        Rows kept with that problem noted (ODK Central ``hasIssues``).
    same_with : str, optional
        Without a submission id, the column (Google Forms' timestamp) that, equal along
        with every answer, makes a row a duplicate.
    personal_meta : iterable of str
        Platform columns holding personal data (IP address, token, e-mail, submitter's
        name, device id): their values go to `personal` (role ``contact``), never to the
        answers.
    asked_later : bool
        Leave the `asked` table unbuilt, its parts in `Survey.asked_parts`, for
        `readers.asked.with_form_bases` to build once (see `survey.with_asked`).

    Returns
    -------
    Survey
        Rows read = rows loaded + rows rejected.
    """
    log = AnomalyLog(file, rejected_alone=True)
    for problem, row, *action in notes:
        log.add(problem, action[0] if action else KEPT, row=row)
    if frame.empty:
        log.add("aucune réponse dans le fichier (seulement l'en-tête)", KEPT)
    not_asked = set(NOT_ASKED) | {norm_text(v) for v in not_asked}
    meta = set(meta) | ({id_column} if id_column else set()) | index_columns(frame)
    codes = codes or {}
    cmap = columns or map_columns(
        frame, form, ignore=meta, distinct={c: found for c, (_codes, found) in codes.items()}
    )
    form = _personal_columns(form, frame, cmap, codes, log)
    repeat_questions = set(getattr(form, "repeats", {}) or {})
    for qid in form.questions["question_id"]:
        if not any(qid in m for m in (cmap.single, cmap.split, cmap.ranks, repeat_questions)):
            log.add(
                "question du formulaire absente de l'export",
                KEPT,
                column=qid,
                across_columns="questions",
            )
    known = cmap.used()
    for col in frame.columns:
        if col not in known and col not in meta and not col.startswith("_"):
            log.add(
                cmap.notes.get(col, "colonne de l'export inconnue du formulaire : ignorée"),
                KEPT,
                column=col,
                across_columns=True,
            )

    answer_cols = [c for c in frame.columns if c in known]
    excel_rows = pd.Series(range(header_rows + 1, header_rows + 1 + len(frame)), index=frame.index)
    coded = {c: codes[c] if c in codes else _coded(frame[c]) for c in answer_cols}
    # each distinct cell of each column looked at once, for blanks, ticks and answers
    split_cols = {c for options in cmap.split.values() for c in options.values()}
    norms = {c: [norm_text(u) for u in coded[c][1]] for c in split_cols if c in coded}
    longest = max(map(len, not_asked), default=0)
    blanks = {
        c: np.array([_blank(u, not_asked, longest) for u in uniques] + [True], dtype=bool)
        for c, (_codes, uniques) in coded.items()
    }
    rejected = _reject_rows(
        frame,
        coded,
        id_column,
        excel_rows,
        log,
        blanks,
        dedupe,
        exclude=exclude,
        same_with=same_with if same_with in frame.columns else None,
    )
    for mask, problem, column in flags:
        mask = np.asarray(mask, dtype=bool) & ~rejected.to_numpy()
        for idx in frame.index[mask]:
            log.add(
                problem,
                KEPT,
                row=int(excel_rows[idx]),
                column=column,
                value=frame.at[idx, column] if column in frame.columns else None,
            )
    keep = ~rejected.to_numpy()
    kept = frame if keep.all() else frame[keep]  # only read: no copy of every cell
    ids_raw = kept[id_column] if id_column else pd.Series(pd.NA, index=kept.index)
    keys = [
        (u if isinstance(u, str) else f"{file}#{r}") for u, r in zip(ids_raw, excel_rows[~rejected])
    ]
    pseudonym = pseudonymizer()  # keyed by the project's secret and the survey (see `keyed`)
    ids = pd.Series([pseudonym(k) for k in keys], index=kept.index, dtype="string")

    answers, asked, personal = [], [], []
    questions = form.questions.set_index("question_id")
    # each question's fields and each list's choices taken once, not one lookup per question
    fields = (
        questions.to_dict("index")
        if questions.index.is_unique
        else {qid: questions.loc[qid] for qid in cmap.single}
    )
    lists: dict = {}
    for name, value, label in zip(
        form.choices["list_name"], form.choices["value"], form.choices["label"]
    ):
        if isinstance(name, str):
            cl, lab = lists.setdefault(name, ([], []))
            cl.append(value)
            lab.append(label)
    rows = excel_rows[kept.index].to_numpy()
    id_values = ids.to_numpy()
    for qid, col in bar(
        cmap.single.items(),
        description=f"Lecture de {file}",
        total=len(cmap.single),
        unit="question",
    ):
        q = fields[qid]
        if (q["type"] == "multiple" and qid in cmap.split) or qid in cmap.ranks:
            continue
        codes, uniques = coded[col]
        codes = codes[keep]
        usable = (~blanks[col][:-1]).tolist()
        present = np.array(usable + [False], dtype=bool)[codes]  # type: ignore[index]
        if q["role"] in PERSONAL_ROLES:
            personal.append(
                long_part(
                    np.flatnonzero(present), qid, kept[col].to_numpy(), np.flatnonzero(present)
                )
            )
            continue
        lookup = None
        if isinstance(q["list_name"], str):
            cl, lab = lists.get(q["list_name"], ([], []))
            counts = np.bincount(codes[codes >= 0], minlength=len(uniques))  # type: ignore[operator]
            lookup = choice_lookup(
                cl,
                lab,
                prefers_labels(
                    [u for u, ok in zip(uniques, usable) if ok],
                    cl,
                    lab,
                    [n for n, ok in zip(counts, usable) if ok],
                ),
            )
        asked.append(long_part(np.flatnonzero(present), qid))
        us = q["type"] == "numeric" and us_numbers(u for u, ok in zip(uniques, usable) if ok)
        parsed = [
            _values(q["type"], u, lookup, us) if ok else ([], None)
            for u, ok in zip(uniques, usable)
        ]
        category = lookup is not None and q["role"] in CATEGORY_ROLES
        if category:
            parsed = [
                _as_other(q["type"], vals, p, u, lookup)  # type: ignore[arg-type, misc]
                for (vals, p), u in zip(parsed, uniques)
            ]
        elif q["role"] in CATEGORY_ROLES and q["type"] == "text":
            # a category asked as free text: the respondent's words are no category either
            parsed = [([OTHER], _FREE_CATEGORY) if vals else (vals, p) for vals, p in parsed]  # type: ignore[misc]
        for k, (_vals, problem) in enumerate(parsed):
            if problem:
                text, action = problem if isinstance(problem, tuple) else (problem, KEPT)
                for r in rows[codes == k]:  # the raw value: masked wherever it is shown
                    log.add(text, action, row=int(r), column=col, value=uniques[k])
        answers.append(explode(codes, [v for v, _p in parsed], qid, q["type"] == "rank"))
    for col in personal_meta:  # platform columns about the person: role `contact`
        if col in kept.columns:
            values = kept[col].to_numpy()
            present = np.flatnonzero(pd.notna(values))
            personal.append(long_part(present, col, values, present))
    for qid, options in cmap.split.items():
        present_any = np.zeros(len(id_values), dtype=bool)
        for value, col in options.items():
            codes, uniques = coded[col]
            codes = codes[keep]
            norm = norms[col]
            present_any |= ~blanks[col][codes]  # type: ignore[index]
            ticked = np.array([n in TICKED for n in norm] + [False], dtype=bool)[codes]  # type: ignore[index]
            rows_ticked = np.flatnonzero(ticked)
            answers.append(
                long_part(
                    rows_ticked,
                    qid,
                    np.array([value], dtype=object),
                    np.zeros(len(rows_ticked), dtype=np.intp),
                )
            )
        asked.append(long_part(np.flatnonzero(present_any), qid))
    for qid, by_rank in cmap.ranks.items():  # one column per rank (LimeSurvey, Kobo levels)
        sub = form.choices[
            form.choices["list_name"]
            .eq(questions.at[qid, "list_name"])
            .fillna(False)
            .to_numpy(dtype=bool)
        ]
        parts = ranked_columns(
            qid,
            by_rank,
            coded,
            blanks,
            keep,
            excel_rows[~rejected].to_numpy(),
            (sub["value"].tolist(), sub["label"].tolist()),
            log,
        )
        answers.append(parts[0])
        asked.append(parts[1])

    id_array = ids.array
    answers_df = conform(stack(answers, id_array, ["actor_id", "question_id", "value"]), "answers")
    if asked_later:  # rewritten by the form's bases: built there, once
        asked_df = conform(stack([], id_array, ["actor_id", "question_id"]), "asked")
    else:
        asked_df = conform(stack(asked, id_array, ["actor_id", "question_id"]), "asked")

    def answers_to(qids) -> pd.DataFrame:
        """The rows of `answers_df` for some questions, from their parts (no long scan)."""
        qids = set(qids)
        return conform(
            stack(
                [a for a in answers if a[0] in qids], id_array, ["actor_id", "question_id", "value"]
            ),
            "answers",
        )

    actors = _actors(kept, ids, excel_rows, answers_to, form.questions, file, actor_type)
    n_rej = int(rejected.sum())
    return Survey(
        fmt,
        file,
        form.questions,
        form.choices,
        actors,
        conform(
            stack(personal, id_array, ["actor_id", "question_id", "value"]).rename(
                columns={"question_id": "field"}
            ),
            "personal",
        ),
        answers_df,
        asked_df,
        _resources(answers_to, form.questions, "need", _not_resources(form)),
        _resources(answers_to, form.questions, "offer", _not_resources(form)),
        pd.concat([form.anomalies, log.frame()], ignore_index=True),
        RowAccount(file, len(frame), len(frame) - n_rej, n_rej),
        repeats or {},
        columns=cmap.table(frame.columns, meta),
        asked_parts=(asked, id_array) if asked_later else None,
    )


def _personal_columns(form: Form, frame, cmap: ColumnMap, codes: dict, log) -> Form:
    """`form` with the questions whose header or answers are personal set aside (role
    ``contact`` or ``actor_name``), each reported once in the anomalies."""

    def cells_of(col):
        if col in codes:
            return codes[col][1], int((codes[col][0] >= 0).sum())
        return frame[col].dropna().unique(), int(frame[col].notna().sum())

    found = find_personal(form, dict(cmap.single), cells_of)
    for qid, (role, reason) in found.items():
        log.add(set_aside_problem(role, reason), KEPT, column=cmap.single[qid])
    if not found:
        return form
    return with_current_types(set_aside(form, found), dict(cmap.single))


def _values(qtype, raw, lookup, us=False) -> tuple[list[str], str | None]:
    """The answer values of one distinct cell, and the problem to report: its text (the
    value is kept), or (text, action). `us`: the column writes numbers the US way."""
    raw = str(raw).strip()
    if qtype == "rank":  # the options joined by spaces, first ranked first
        return split_ranked(raw, lookup)  # type: ignore[return-value]
    if qtype == "multiple" and lookup is not None:
        codes = split_multi(raw, lookup)
        if codes is None:
            return raw.split(), "choix absents de la liste du formulaire"
        return codes, None
    if lookup is not None:
        code = lookup.get(norm_text(raw))
        if code is None:
            return [raw], "valeur absente de la liste de choix du formulaire"
        return [code], None
    if qtype == "numeric":
        number = parse_us_number(raw) if us else parse_number(raw)
        if number is None and is_non_substantive(raw):
            return [raw], None  # "dont_know" in an integer field: a non-answer, kept as such
        if number is None:
            return [raw], "nombre illisible"
        return [number], None
    if qtype == "date":
        day = parse_date(raw)
        if day is None:
            return [raw], "date illisible (attendu jj/mm/aaaa ou aaaa-mm-jj)"
        return [day], None
    return [raw], None


_FREE_CATEGORY = (
    f"catégorie demandée en texte libre (sans liste de choix) : réponse remplacée par « {OTHER} »",
    REPAIRED,
)


def _as_other(qtype, values: list, problem, raw, lookup: dict) -> tuple[list, object]:
    """A category answered outside its list (actor type, sector, willingness) becomes the
    code `OTHER`: a respondent's own words never become a category label. Codes of the list
    found in a multiple choice are kept beside it."""
    if not problem:
        return values, problem
    words = str(raw).split() if qtype == "multiple" else []
    known = [lookup[norm_text(p)] for p in words if norm_text(p) in lookup]
    return (
        list(dict.fromkeys([*known, OTHER])),
        (
            f"valeur absente de la liste de choix du formulaire : remplacée par « {OTHER} »",
            REPAIRED,
        ),
    )


def _first_answer(answers_to, questions: pd.DataFrame, role: str) -> pd.Series:
    sub = answers_to(questions.loc[questions["role"] == role, "question_id"])
    return sub.drop_duplicates("actor_id").set_index("actor_id")["value"]


def _actors(kept, ids, excel_rows, answers_to, questions, file, actor_type) -> pd.DataFrame:
    out = pd.DataFrame({"actor_id": ids.values, "source_row": excel_rows[kept.index].values})
    for column, role in (
        ("actor_type", "actor_type"),
        ("sector", "sector"),
        ("commune_name", "commune"),
        ("cooperation", "cooperation"),
        ("consent", "consent"),
    ):
        out[column] = out["actor_id"].map(_first_answer(answers_to, questions, role))
    if actor_type:
        out["actor_type"] = out["actor_type"].astype("string").fillna(actor_type)
    out["source_file"] = file
    return conform(out, "actors")


def _not_resources(form: Form) -> set[str]:
    """Codes of need/offer lists that are no resource: "none" and non-answers."""
    lists = set(form.questions.loc[form.questions["role"].isin(["need", "offer"]), "list_name"])
    sub = form.choices[form.choices["list_name"].isin(lists - {None})]
    return {
        v
        for v, lab, missing in zip(sub["value"], sub["label"], sub["is_missing_code"])
        if (missing is not pd.NA and bool(missing)) or is_none(v, lab) or is_non_substantive(v, lab)
    }


def _resources(
    answers_to, questions: pd.DataFrame, role: str, excluded=frozenset()
) -> pd.DataFrame:
    """Needs or offers: ticked categories, with any "other, specify" text attached.

    `answers_to(question_ids)` gives the rows of the `answers` table for those questions;
    `excluded` codes ("none", "don't know") are answers, not resources, and are left out.
    """
    q = questions[questions["role"] == role]
    multi = answers_to(q.loc[q["type"] == "multiple", "question_id"])
    # each distinct value looked at once (a few dozen codes for 100,000s of ticks)
    codes, uniques = pd.factorize(multi["value"], use_na_sentinel=True)
    excluded = set(excluded)
    drop_value = np.array(
        [v in excluded or is_none(v) or is_non_substantive(v) for v in uniques.astype(object)]
        + [is_none(pd.NA) or is_non_substantive(pd.NA)],  # NA (code -1): taken last
        dtype=bool,
    )
    multi = multi[~drop_value[codes]]
    text = answers_to(q.loc[q["type"] == "text", "question_id"])
    texts = text.groupby("actor_id")["value"].agg(" ; ".join)
    out = pd.DataFrame({"actor_id": multi["actor_id"], "category": multi["value"]})
    other = (out["category"] == "autre").to_numpy(dtype=bool, na_value=False)
    text = np.full(len(out), None, dtype=object)
    text[other] = [texts.get(a) for a in out["actor_id"].to_numpy()[other]]
    out["text"] = text
    return conform(out.drop_duplicates(["actor_id", "category"]), "needs")
