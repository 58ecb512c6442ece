"""KoboToolbox (and ODK-like) spreadsheet exports: one row per submission."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from diagnostic.anomalies import KEPT, REJECTED, AnomalyLog, RowAccount
from diagnostic.forms.model import PERSONAL_ROLES, Form
from diagnostic.readers.survey import Survey
from diagnostic.schemas import conform
from diagnostic.sheets import read_rows, rows_to_frame, sheet_names

#: Columns Kobo adds to every export; never answers.
META_COLUMNS = {
    "start", "end", "today", "deviceid", "username", "_id", "_uuid", "_submission_time",
    "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags",
    "_index", "_version_", "_xform_id_string", "_attachments", "_geolocation", "meta/instanceid",
    "meta/instanceID", "instanceID", "_parent_index", "_parent_table_name",
    "_submission__uuid", "_submission__id", "formhub/uuid",
}
_SEPARATORS = ("/", ".", "-", ":")


def is_kobo_header(header: list[str]) -> bool:
    """Kobo exports carry `_uuid`/`_submission_time`/`_index` meta columns."""
    return len({"_uuid", "_submission_time", "_index", "_id"} & set(header)) >= 2


def _tail(column: str) -> str:
    for sep in _SEPARATORS:
        column = column.rsplit(sep, 1)[-1]
    return column


def _map_columns(columns: list[str], form: Form):
    """Map export headers to question ids, and multi-select split columns to choices.

    Returns (question_id -> column, question_id -> {choice value -> column}).
    """
    qcols, split = {}, {}
    by_name = {}
    for col in columns:
        if col in META_COLUMNS or col.startswith("_"):
            continue
        by_name.setdefault(col, col)
        by_name.setdefault(_tail(col), col)
    for q in form.questions.itertuples():
        path = f"{q.group}/{q.question_id}" if q.group else q.question_id
        for candidate in (path, path.replace("/", "."), q.question_id):
            if candidate in columns:
                qcols[q.question_id] = candidate
                break
        if q.type == "multiple" and q.list_name:
            base = qcols.get(q.question_id, path)
            found = {}
            for value in form.choice_values(q.list_name):
                for sep in _SEPARATORS + ("_",):
                    for stem in (base, q.question_id):
                        col = f"{stem}{sep}{value}"
                        if col in columns:
                            found[value] = col
                            break
                    if value in found:
                        break
            if found:
                split[q.question_id] = found
    return qcols, split


def actor_pseudonym(key: str) -> str:
    """A stable pseudonymous id: the same submission always gets the same id."""
    return "A-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def read_kobo(path, form: Form, *, actor_type: str | None = None) -> Survey:
    """Read a KoboToolbox XLSX export (XML values and headers) with its XLSForm.

    Parameters
    ----------
    path : str or Path
        The export; the first sheet holds submissions, further sheets repeat groups.
    form : Form
        The questionnaire, from `read_xlsform`.
    actor_type : str, optional
        Actor type for every respondent when the questionnaire targets one type.

    Returns
    -------
    Survey
        `actors`, `answers`, `asked`, `needs`, `offers`, `personal`, `anomalies` tables and
        the row account (rows read = rows loaded + rows rejected).
    """
    path = Path(path)
    names = sheet_names(path)
    frame = rows_to_frame(read_rows(path, 0))
    repeats = {name: len(rows_to_frame(read_rows(path, name))) for name in names[1:]}
    return survey_from_frame(frame, form, file=path.name, fmt="kobo_xlsx",
                             actor_type=actor_type, repeats=repeats)


def survey_from_frame(frame: pd.DataFrame, form: Form, *, file: str, fmt: str,
                      actor_type: str | None = None, repeats=None, header_rows: int = 1) -> Survey:
    """Turn a wide frame of strings (one row per respondent) into the Survey tables."""
    log = AnomalyLog(file)
    columns = list(frame.columns)
    qcols, split = _map_columns(columns, form)
    questions = form.questions
    for q in questions.itertuples():
        if q.question_id not in qcols and q.question_id not in split:
            log.add("question du formulaire absente de l'export", KEPT, column=q.question_id)
    known = set(qcols.values()) | {c for m in split.values() for c in m.values()}
    for col in columns:
        if col not in known and col not in META_COLUMNS and not col.startswith("_"):
            log.add("colonne de l'export inconnue du formulaire : ignorée", KEPT, column=col)

    answer_cols = sorted(known)
    filled = frame[answer_cols].notna() if answer_cols else pd.DataFrame(index=frame.index)
    empty = ~filled.any(axis=1) if answer_cols else pd.Series(True, index=frame.index)
    excel_rows = pd.Series(range(header_rows + 1, header_rows + 1 + len(frame)), index=frame.index)
    uuid = frame["_uuid"] if "_uuid" in columns else pd.Series(pd.NA, index=frame.index, dtype="string")
    rejected = pd.Series(False, index=frame.index)
    for idx in frame.index[empty]:
        log.add("soumission vide (aucune réponse)", REJECTED, row=int(excel_rows[idx]))
        rejected[idx] = True
    dup_uuid = uuid.notna() & uuid.duplicated(keep="first") & ~rejected
    for idx in frame.index[dup_uuid]:
        first = excel_rows[uuid[uuid == uuid[idx]].index[0]]
        log.add(f"doublon : même identifiant de soumission que la ligne {first}", REJECTED,
                row=int(excel_rows[idx]), column="_uuid", value=uuid[idx])
    rejected |= dup_uuid
    if answer_cols:
        same = frame[answer_cols].fillna("\x00").duplicated(keep="first") & ~rejected
        for idx in frame.index[same]:
            log.add("doublon : réponses identiques à une soumission précédente", REJECTED,
                    row=int(excel_rows[idx]))
        rejected |= same
    kept = frame[~rejected]
    keys = [
        (u if isinstance(u, str) else f"{file}#{r}")
        for u, r in zip(uuid[~rejected], excel_rows[~rejected])
    ]
    ids = pd.Series([actor_pseudonym(k) for k in keys], index=kept.index, dtype="string")

    role_of = dict(zip(questions["question_id"], questions["role"]))
    type_of = dict(zip(questions["question_id"], questions["type"]))
    list_of = {q: (v if isinstance(v, str) else None)
               for q, v in zip(questions["question_id"], questions["list_name"])}
    answers, asked, personal = [], [], []
    for qid, col in qcols.items():
        values = kept[col]
        if role_of[qid] in PERSONAL_ROLES:
            for aid, v in zip(ids, values):
                if v is not None and v is not pd.NA:
                    personal.append((aid, qid, v))
            continue
        if type_of[qid] == "multiple" and qid in split:
            continue
        valid = set(form.choice_values(list_of[qid])) if list_of[qid] else None
        labels = {lab: val for val, lab in form.choice_labels(list_of[qid]).items()} if valid else {}
        for idx, aid, v in zip(kept.index, ids, values):
            if v is None or v is pd.NA:
                continue
            asked.append((aid, qid))
            if type_of[qid] == "multiple":
                for part in str(v).split():
                    answers.append((aid, qid, part))
                continue
            if valid is not None:
                if v not in valid and v in labels:
                    v = labels[v]
                elif v not in valid:
                    log.add("valeur absente de la liste de choix du formulaire", KEPT,
                            row=int(excel_rows[idx]), column=col, value=v)
            answers.append((aid, qid, v))
    for qid, cols in split.items():
        for value, col in cols.items():
            ticks = kept[col]
            for aid, t in zip(ids, ticks):
                if t is None or t is pd.NA:
                    continue
                asked.append((aid, qid))
                if str(t).strip() in ("1", "True", "true", "VRAI", "Oui", "oui", "Y", "Yes"):
                    answers.append((aid, qid, value))

    answers_df = conform(pd.DataFrame(answers, columns=["actor_id", "question_id", "value"]), "answers")
    asked_df = conform(pd.DataFrame(asked, columns=["actor_id", "question_id"]).drop_duplicates(), "asked")
    actors = _actors(kept, ids, excel_rows, answers_df, questions, file, actor_type)
    needs = _resources(answers_df, questions, "need")
    offers = _resources(answers_df, questions, "offer")
    n_rej = int(rejected.sum())
    account = RowAccount(file, len(frame), len(frame) - n_rej, n_rej)
    return Survey(
        fmt, file, questions, form.choices, actors,
        conform(pd.DataFrame(personal, columns=["actor_id", "field", "value"]), "personal"),
        answers_df, asked_df, needs, offers,
        pd.concat([form.anomalies, log.frame()], ignore_index=True), account, repeats or {},
    )


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
