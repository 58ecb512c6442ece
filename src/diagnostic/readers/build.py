"""Build the Survey tables from a wide frame (one row per respondent), whatever the platform."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from diagnostic.anomalies import KEPT, REJECTED, AnomalyLog, RowAccount
from diagnostic.forms.model import PERSONAL_ROLES, Form
from diagnostic.readers.columns import NOT_ASKED, TICKED, ColumnMap, map_columns, norm_text
from diagnostic.readers.survey import Survey
from diagnostic.readers.values import (
    choice_lookup, parse_date, parse_number, prefers_labels, split_multi)
from diagnostic.schemas import conform


def actor_pseudonym(key: str) -> str:
    """A stable pseudonymous id: the same submission always gets the same id."""
    return "A-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


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


def _blank_codes(uniques: list, not_asked: set[str]) -> np.ndarray:
    """Per distinct value (plus a last entry for NA): is it empty or "not asked"?"""
    return np.array([norm_text(u) in not_asked for u in uniques] + [True], dtype=bool)


def _row_keys(codes: np.ndarray) -> np.ndarray:
    """A 64-bit key per row of a (rows × columns) code matrix, for finding repeated rows."""
    key = np.zeros(len(codes), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(codes.shape[1]):
            key = key * np.uint64(1_000_003) ^ (codes[:, j].astype(np.int64) + 2).astype(np.uint64)
    return key


def _reject_rows(frame, coded: dict, id_column, excel_rows, log, not_asked,
                 dedupe=True) -> pd.Series:
    """Empty submissions and duplicates (same submission id, or identical answers).

    `coded` maps each answer column to its factorization (codes, distinct values).
    """
    if coded:
        blank = np.column_stack([_blank_codes(u, not_asked)[c] for c, u in coded.values()])
        empty = pd.Series(blank.all(axis=1), index=frame.index)
    else:
        empty = pd.Series(True, index=frame.index)
    rejected = pd.Series(False, index=frame.index)
    for idx in frame.index[empty]:
        log.add("soumission vide (aucune réponse)", REJECTED, row=int(excel_rows[idx]))
        rejected[idx] = True
    if not dedupe:
        return rejected
    if id_column:
        ids = frame[id_column]
        firsts = ~ids.duplicated(keep="first")
        dup = ids.notna() & ~firsts & ~rejected
        first_row = dict(zip(ids[firsts], excel_rows[firsts]))
        for idx in frame.index[dup]:
            log.add(f"doublon : même identifiant de soumission que la ligne {first_row[ids[idx]]}",
                    REJECTED, row=int(excel_rows[idx]), column=id_column, value=ids[idx])
        rejected |= dup
    if coded:
        matrix = np.column_stack([c for c, _u in coded.values()])
        keys = pd.Series(_row_keys(matrix), index=frame.index)
        same = keys.duplicated(keep="first") & ~rejected
        if same.any():
            first_of = {}
            for idx in frame.index[~rejected]:
                first_of.setdefault(keys[idx], idx)
            for idx in frame.index[same]:
                first = first_of.get(keys[idx])
                if first is None or first == idx or not np.array_equal(
                        matrix[frame.index.get_loc(first)], matrix[frame.index.get_loc(idx)]):
                    continue  # a key collision, not a repeated row
                if id_column and frame.at[idx, id_column] is not pd.NA:
                    # distinct submission ids: two respondents may well answer alike
                    log.add(f"réponses identiques à la ligne {excel_rows[first]}, mais "
                            "identifiant de soumission différent", KEPT, row=int(excel_rows[idx]))
                else:
                    log.add(f"doublon : réponses identiques à la ligne {excel_rows[first]}",
                            REJECTED, row=int(excel_rows[idx]))
                    rejected[idx] = True
    return rejected


def survey_from_frame(frame: pd.DataFrame, form: Form, *, file: str, fmt: str,
                      actor_type: str | None = None, repeats=None, header_rows: int = 1,
                      id_column: str | None = None, meta=(), not_asked=(),
                      notes=(), columns: ColumnMap | None = None, dedupe: bool = True,
                      codes: dict | None = None) -> Survey:
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
    notes : iterable of (problem, row)
        Things noticed while reading the file (title rows, merged headers…).
    codes : dict, optional
        Factorization of the columns made while reading (`Table.codes`), reused as is.
    dedupe : bool
        False for a repeat-level table (one row per household member…), whose rows may
        share answers and their submission's id without being duplicates.

    Returns
    -------
    Survey
        Rows read = rows loaded + rows rejected.
    """
    log = AnomalyLog(file)
    for problem, row in notes:
        log.add(problem, KEPT, row=row)
    if frame.empty:
        log.add("aucune réponse dans le fichier (seulement l'en-tête)", KEPT)
    not_asked = set(NOT_ASKED) | {norm_text(v) for v in not_asked}
    meta = set(meta) | ({id_column} if id_column else set()) | index_columns(frame)
    cmap = columns or map_columns(frame, form, ignore=meta)
    repeat_questions = set(getattr(form, "repeats", {}) or {})
    for qid in form.questions["question_id"]:
        if qid not in cmap.single and qid not in cmap.split and qid not in repeat_questions:
            log.add("question du formulaire absente de l'export", KEPT, column=qid)
    known = cmap.used()
    for col in frame.columns:
        if col not in known and col not in meta and not col.startswith("_"):
            log.add("colonne de l'export inconnue du formulaire : ignorée", KEPT, column=col)

    answer_cols = [c for c in frame.columns if c in known]
    excel_rows = pd.Series(range(header_rows + 1, header_rows + 1 + len(frame)), index=frame.index)
    codes = codes or {}
    coded = {c: codes[c] if c in codes else _coded(frame[c]) for c in answer_cols}
    rejected = _reject_rows(frame, coded, id_column, excel_rows, log, not_asked, dedupe)
    keep = ~rejected.to_numpy()
    kept = frame[keep]
    ids_raw = kept[id_column] if id_column else pd.Series(pd.NA, index=kept.index)
    keys = [(u if isinstance(u, str) else f"{file}#{r}")
            for u, r in zip(ids_raw, excel_rows[~rejected])]
    ids = pd.Series([actor_pseudonym(k) for k in keys], index=kept.index, dtype="string")

    answers, asked, personal = [], [], []
    questions = form.questions.set_index("question_id")
    rows = excel_rows[kept.index].to_numpy()
    id_values = ids.to_numpy()
    for qid, col in cmap.single.items():
        q = questions.loc[qid]
        if q["type"] == "multiple" and qid in cmap.split:
            continue
        codes, uniques = coded[col]
        codes = codes[keep]
        usable = [norm_text(u) not in not_asked for u in uniques]
        present = np.array(usable + [False], dtype=bool)[codes]
        if q["role"] in PERSONAL_ROLES:
            personal.append(_long(id_values[present], qid, kept[col].to_numpy()[present]))
            continue
        lookup = None
        if isinstance(q["list_name"], str):
            sub = form.choices[form.choices["list_name"] == q["list_name"]]
            cl, lab = sub["value"].tolist(), sub["label"].tolist()
            counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
            lookup = choice_lookup(cl, lab, prefers_labels(
                [u for u, ok in zip(uniques, usable) if ok], cl, lab,
                [n for n, ok in zip(counts, usable) if ok]))
        asked.append(_long(id_values[present], qid))
        parsed = [_values(q["type"], u, lookup) if ok else ([], None)
                  for u, ok in zip(uniques, usable)]
        for k, (_vals, problem) in enumerate(parsed):
            if problem:
                for r in rows[codes == k]:
                    log.add(problem, KEPT, row=int(r), column=col, value=uniques[k])
        answers.append(_explode(id_values, codes, [v for v, _p in parsed], qid))
    for qid, options in cmap.split.items():
        present_any = np.zeros(len(id_values), dtype=bool)
        for value, col in options.items():
            codes, uniques = coded[col]
            codes = codes[keep]
            norm = [norm_text(u) for u in uniques]
            present_any |= np.array([n not in not_asked for n in norm] + [False], dtype=bool)[codes]
            ticked = np.array([n in TICKED for n in norm] + [False], dtype=bool)[codes]
            answers.append(_long(id_values[ticked], qid, value))
        asked.append(_long(id_values[present_any], qid))

    answers_df = conform(_stack(answers, ["actor_id", "question_id", "value"]), "answers")
    asked_df = conform(_stack(asked, ["actor_id", "question_id"]), "asked")  # one per question
    actors = _actors(kept, ids, excel_rows, answers_df, form.questions, file, actor_type)
    n_rej = int(rejected.sum())
    return Survey(
        fmt, file, form.questions, form.choices, actors,
        conform(_stack(personal, ["actor_id", "question_id", "value"])
                .rename(columns={"question_id": "field"}), "personal"),
        answers_df, asked_df, _resources(answers_df, form.questions, "need"),
        _resources(answers_df, form.questions, "offer"),
        pd.concat([form.anomalies, log.frame()], ignore_index=True),
        RowAccount(file, len(frame), len(frame) - n_rej, n_rej), repeats or {},
    )


def _long(actor_ids, qid: str, values=None) -> pd.DataFrame:
    frame = pd.DataFrame({"actor_id": actor_ids, "question_id": qid})
    if values is not None:
        frame["value"] = values
    return frame


def _explode(actor_ids, codes, parsed: list[list[str]], qid: str) -> pd.DataFrame:
    """One row per (actor, value) from factorized cells and the values of each distinct cell."""
    lengths = np.array([len(v) for v in parsed] + [0])[codes]
    flat = [v for vals in parsed for v in vals]
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in parsed])]).astype(int)
    take = np.repeat(np.arange(len(codes)), lengths)
    starts = np.repeat(offsets[np.where(codes >= 0, codes, 0)], lengths)
    within = np.arange(len(take)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    values = np.array(flat, dtype=object)[starts + within] if len(take) else []
    return _long(actor_ids[take], qid, values)


def _stack(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _values(qtype, raw, lookup) -> tuple[list[str], str | None]:
    """The answer values of one distinct cell, and the problem to report (value kept)."""
    raw = str(raw).strip()
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
        number = parse_number(raw)
        if number is None:
            return [raw], "nombre illisible"
        return [number], None
    if qtype == "date":
        day = parse_date(raw)
        if day is None:
            return [raw], "date illisible (attendu jj/mm/aaaa ou aaaa-mm-jj)"
        return [day], None
    return [raw], None


def _first_answer(answers: pd.DataFrame, questions: pd.DataFrame, role: str) -> pd.Series:
    qids = questions.loc[questions["role"] == role, "question_id"]
    sub = answers[answers["question_id"].isin(qids)]
    return sub.drop_duplicates("actor_id").set_index("actor_id")["value"]


def _actors(kept, ids, excel_rows, answers, questions, file, actor_type) -> pd.DataFrame:
    out = pd.DataFrame({"actor_id": ids.values, "source_row": excel_rows[kept.index].values})
    for column, role in (("actor_type", "actor_type"), ("sector", "sector"),
                         ("commune_name", "commune"), ("cooperation", "cooperation")):
        out[column] = out["actor_id"].map(_first_answer(answers, questions, role))
    if actor_type:
        out["actor_type"] = out["actor_type"].fillna(actor_type)
    out["source_file"] = file
    return conform(out, "actors")


def _resources(answers: pd.DataFrame, questions: pd.DataFrame, role: str) -> pd.DataFrame:
    """Needs or offers: ticked categories, with any "other, specify" text attached."""
    q = questions[questions["role"] == role]
    multi = answers[answers["question_id"].isin(q.loc[q["type"] == "multiple", "question_id"])]
    text = answers[answers["question_id"].isin(q.loc[q["type"] == "text", "question_id"])]
    texts = text.groupby("actor_id")["value"].agg(" ; ".join)
    out = pd.DataFrame({"actor_id": multi["actor_id"], "category": multi["value"]})
    out["text"] = [texts.get(a) if c == "autre" else None
                   for a, c in zip(out["actor_id"], out["category"])]
    return conform(out.drop_duplicates(["actor_id", "category"]), "needs")
