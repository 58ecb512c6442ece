"""LimeSurvey response exports (CSV or Excel), with or without the survey structure.

Headings come as codes (``Q1``, ``Q1[SQ001]``, ``Q1_SQ001``), as "code. question text",
or as full texts ("Question [sub-question]", possibly abbreviated): with the structure
file, full texts are matched to the question codes (`diagnostic.readers.fulltext`).
Answers come as codes (``Y``/empty for a multiple choice) or as full answers (Oui/Non
columns in French exports, answer texts), turned into codes with the structure's answer
lists. ``N/A`` means the question was not shown.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from diagnostic._io.tables import read_table
from diagnostic.anomalies import columns_text
from diagnostic.forms.model import Form
from diagnostic.readers.build import incomplete_rows, index_columns, platform_reader
from diagnostic.readers.columns import map_columns
from diagnostic.readers.fulltext import map_full_texts
from diagnostic.readers.inferred import infer_form
from diagnostic.readers.survey import Platform, Reading, Survey
from diagnostic.schemas import conform

#: Bookkeeping columns of LimeSurvey exports, in English and French.
META_COLUMNS = {
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "token",
    "Response ID",
    "Date submitted",
    "Last page",
    "Start language",
    "Seed",
    "Date started",
    "Date last action",
    "IP address",
    "Referrer URL",
    "ID réponse",
    "Date de soumission",
    "Dernière page",
    "Langue de départ",
    "Langue",
    "Language",
    "Tête de série",
    "Date de début",
    "Date de la dernière action",
    "Adresse IP",
    "URL de provenance",
    "Code",
    "interviewtime",
    "Temps total",
}
#: LimeSurvey meta columns about the respondent (role ``contact``, never an answer).
PERSONAL_META = {
    "ipaddr",
    "token",
    "IP address",
    "Adresse IP",
    "Token",
    "Jeton",
    "firstname",
    "lastname",
    "email",
    "First name",
    "Last name",
    "Email address",
}
META_COLUMNS |= PERSONAL_META
#: The submission date: empty for a response left before its last page.
SUBMIT_COLUMNS = ("submitdate", "Date submitted", "Date de soumission")
#: Timings LimeSurvey adds when they are recorded: the total, each group's, each question's.
_TIMING = re.compile(
    r"^(interviewtime|total time|temps total|groupTime\d+)$"
    r"|^(group time|question time|temps (du|pour le) groupe|temps (de|pour) la question)\s*:",
    re.IGNORECASE,
)
_CODE_TIME = re.compile(r"^[A-Za-z]\w*Time$")


def timing_columns(columns) -> set[str]:
    """The timing columns of an export: ``Total time``, ``Group time: …``, ``Question time:
    …``, ``interviewtime``, and, when such timings are there, the ``<code>Time`` columns."""
    found = {c for c in columns if _TIMING.match(str(c).strip())}
    if found:
        found |= {c for c in columns if _CODE_TIME.match(str(c).strip())}
    return found


_ID_COLUMNS = ("id", "Response ID", "ID réponse")
_CODE_HEADING = re.compile(r"^([A-Za-z][\w]*)\.\s")
NOT_ASKED = ("N/A",)


def _prepare(path: Path, form: Form | None, include_incomplete: bool) -> Reading:
    """Headings as codes, « code. text » or full texts mapped to the questions; timings
    and bookkeeping columns set aside; responses without a submission date incomplete."""
    table = read_table(path)
    frame = table.frame
    # "code. text" headings (``submitdate. Date submitted``) name a meta column by their code
    code = {c: (m.group(1) if (m := _CODE_HEADING.match(str(c))) else c) for c in frame.columns}
    texts: dict[str, str] = {}
    if form is None and _coded_headings(frame.columns):
        # without a structure, the codes say which columns make one question (``Q1[SQ001]``)
        # and the texts become the questions' labels; the column map names the headings
        texts = {
            m.group(1): str(c)[m.end() :].strip()
            for c in frame.columns
            if (m := _CODE_BRACKETS.match(str(c)))
        }
        raw = {m.group(1): c for c in frame.columns if (m := _CODE_BRACKETS.match(str(c)))}
        frame = frame.rename(columns={c: k for k, c in raw.items()})
        code = {k: (m.group(1) if (m := _CODE_HEADING.match(k + ". ")) else k) for k in frame}
        headings = {k: c for k, c in raw.items()}
    else:
        headings = {}
    id_column = next((c for name in _ID_COLUMNS for c in frame.columns if code[c] == name), None)
    meta = (
        {c for c in frame.columns if code[c] in META_COLUMNS}
        | set(META_COLUMNS)
        | index_columns(frame)
        | timing_columns(frame.columns)
        | {c for c, k in code.items() if k in timing_columns([k])}
    )
    if form is None:
        display = _display_columns(frame, meta | {id_column})
        if display:
            table.notes.append(
                (
                    "colonnes vides dans toutes les réponses (textes d'affichage, sans "
                    f"réponse) : pas des questions ({columns_text(display)})",
                    None,
                )
            )
            meta |= set(display)
        form = infer_form(frame, path.name, meta=meta | {id_column}, not_asked=NOT_ASKED)
        if texts:
            form = _labelled(form, texts)
    ignore = meta | {id_column} if id_column else meta
    columns = map_full_texts(frame, form, map_columns(frame, form, ignore=ignore), ignore)
    submitted = next((c for name in SUBMIT_COLUMNS for c in frame.columns if code[c] == name), None)
    exclude, flags = (
        incomplete_rows(
            frame[submitted].isna().to_numpy(),
            f"« {submitted} » vide : questionnaire non terminé",
            submitted,
            include_incomplete,
        )
        if submitted
        else ([], [])
    )

    def finish(survey: Survey) -> Survey:
        """The column map names the file's headings (not the codes read from them)."""
        if not headings or survey.columns is None:
            return survey
        columns = survey.columns.assign(
            column=survey.columns["column"].map(lambda c: headings.get(c, c))
        )
        return replace(survey, columns=columns)

    return Reading(
        frame,
        form,
        table.header_rows,
        table.notes,
        meta=meta,
        ids=(id_column,) if id_column else (),
        personal=[c for c in frame.columns if code[c] in PERSONAL_META],
        options={"not_asked": NOT_ASKED, "columns": columns, "exclude": exclude, "flags": flags},
        finish=finish,
    )


_DETECTED = {
    "submitdate",
    "lastpage",
    "startlanguage",
    "Response ID",
    "ID réponse",
    "Date de soumission",
    "Dernière page",
    "Langue de départ",
    "Date submitted",
}
_DETECTED_CODE = re.compile(r"^[A-Za-z][\w]*(\[[^\]]+\])+(\.\s.*)?$|^[A-Za-z][\w]*\.\s\S")


def is_limesurvey_header(header: list[str]) -> bool:
    """LimeSurvey's own columns, or headings made of question codes (``Q1[SQ001]``,
    ``Q1. text``)."""
    return bool(_DETECTED & set(header)) or sum(bool(_DETECTED_CODE.match(h)) for h in header) >= 2


LIMESURVEY = Platform(
    "limesurvey",
    _prepare,
    detect=is_limesurvey_header,
    meta=frozenset(META_COLUMNS),
    personal=frozenset(PERSONAL_META),
    doc="""Read a LimeSurvey response export.

    Parameters
    ----------
    path : str or Path
        CSV (any separator and encoding) or Excel export.
    form : Form, optional
        From `read_limesurvey_structure` (.txt or .lss); without it the questions are
        inferred from the headings and flagged "unlabelled". With it, full-text headings
        are matched to the structure's codes; headings left unmatched are reported.
    actor_type : str, optional
        Actor type for every respondent.
    include_incomplete : bool
        Keep the responses without a submission date (left before the last page) instead
        of leaving them out of the analyses.

    Returns
    -------
    Survey
        Timings and bookkeeping columns are never questions; the IP address and token
        go to `personal`.
    """,
)
read_limesurvey = platform_reader(LIMESURVEY)


#: A LimeSurvey code heading: ``Q1. text``, ``Q1[SQ001]. text``, ``Q1[SQ001][1]. text``.
_CODE_BRACKETS = re.compile(r"^([A-Za-z]\w*(?:\[[^\]]+\])*)\.\s")


def _coded_headings(columns) -> bool:
    """True when most headings are « code. question text » and their codes are unique."""
    codes = [m.group(1) for c in columns if (m := _CODE_BRACKETS.match(str(c)))]
    return len(codes) >= 0.5 * len(columns) and len(set(codes)) == len(codes)


def _display_columns(frame, meta) -> list[str]:
    """Columns empty in every response: LimeSurvey exports its display texts (« text
    display » questions: instructions, notices) as columns nobody can answer."""
    out = []
    for col in frame.columns:
        if col in meta or "[" in str(col):  # a sub-question or option nobody ticked stays
            continue
        cells = frame[col].dropna().astype(str).str.strip()
        if not (~cells.isin(("", *NOT_ASKED))).any():
            out.append(col)
    return out


def _labelled(form: Form, texts: dict) -> Form:
    """`form` with each question labelled by its column's question text (the grid rows
    of ``Q1[SQ001]`` keep their code when the text is only the question's)."""
    questions = form.questions.copy()
    questions["label"] = [texts.get(label) or label for label in questions["label"]]
    return replace(form, questions=conform(questions, "questions"))
