"""Read a LimeSurvey survey structure (tab-separated .txt or XML .lss) into a Form.

Both files list groups, questions, subquestions and answer options. They are first turned
into the same plain records (see `LimeSurveyStructure`), then into the `questions` and `choices`
tables by `_build_form`:

- single choice (L, !, O, Y, G, I, 5) -> one ``single`` question (``likert`` for 5);
- multiple choice (M, P) -> one ``multiple`` question whose options are the subquestion codes;
- arrays (F, H, A, B, C, E) -> one question per subquestion, ``{code}_{subcode}``, all
  sharing the answer list (``likert`` when the list is an ordered scale);
- dual-scale arrays (1) -> two questions per subquestion, one per scale,
  ``{code}_{subcode}_0`` and ``{code}_{subcode}_1`` (LimeSurvey's own variable names), each
  with the answers of its scale (``scale_id`` 0 or 1) and the scale's header in its label;
- multiple texts/numbers (Q, K, ;, :) -> one text/numeric question per subquestion;
- ranking (R) -> one ``rank`` question, answered in one column per rank (`Form.ranks`);
- the comment of a list with comment (O) -> a text question ``{code}_comment``, and of
  each option of a multiple choice with comments (P) ``{code}_{subcode}comment`` (and
  ``{code}_othercomment``): LimeSurvey's own variable names, role ``free_text``;
- display-only types (X, *) are left out.

Each question's relevance equation (``relevance`` of the question, ``grelevance`` of its
group, and for an array row the row's own, as the .lss and .txt structures store them) is
kept in `Form.relevance`, the group's first, with the survey's SGQA codes
(``245554X4X20``) rewritten as question codes (`_named`), to be read by
`diagnostic.forms.relevance` (``syntax="limesurvey"``). ``1`` (always shown) is no condition.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from diagnostic._io.text import read_text
from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.forms.limesurvey_fields import field_texts, rank_slots
from diagnostic.forms.model import Form, choice_row
from diagnostic.forms.scales import fixed_lists, order_scales
from diagnostic.schemas import conform

_SINGLE = {"L", "!", "O", "Y", "G", "I", "5"}
_MULTIPLE = {"M", "P"}
_ARRAYS = {"F", "H", "A", "B", "C", "E"}
_DUAL = "1"
_PER_SUB = {"Q": "text", ";": "text", "K": "numeric", ":": "numeric"}
_PLAIN = {
    "S": "text",
    "T": "text",
    "U": "text",
    "N": "numeric",
    "D": "date",
    "|": "text",
    "R": "rank",
}
_SKIPPED = {"X", "*"}
#: Answer lists LimeSurvey builds in, without A rows in the structure.
_BUILTIN = {
    "Y": [("Y", "Oui"), ("N", "Non")],
    "G": [("F", "Femme"), ("M", "Homme")],
    "C": [("Y", "Oui"), ("U", "Incertain"), ("N", "Non")],
    "E": [("I", "Augmente"), ("S", "Identique"), ("D", "Diminue")],
    "5": [(str(i), str(i)) for i in range(1, 6)],
    "A": [(str(i), str(i)) for i in range(1, 6)],
    "B": [(str(i), str(i)) for i in range(1, 11)],
}
_ORDERED = {"5", "A", "B"}


@dataclass
class LimeSurveyStructure:
    """The platform-neutral records of a LimeSurvey structure (one language)."""

    file: str
    title: str = ""
    language: str | None = None
    groups: dict = field(default_factory=dict)  # gid -> group name
    questions: list = field(default_factory=list)  # dicts: qid gid type code text other mandatory
    subquestions: dict = field(default_factory=dict)  # parent qid -> [(code, text, scale)]
    answers: dict = field(default_factory=dict)  # qid -> [(code, label, scale)]
    scale_headers: dict = field(default_factory=dict)  # qid -> (header A, header B)
    group_relevance: dict = field(default_factory=dict)  # gid -> relevance equation
    sub_relevance: dict = field(default_factory=dict)  # (parent qid, subcode) -> equation


def clean_text(text) -> str:
    """LimeSurvey texts are HTML: keep the words only."""
    if text is None or text is pd.NA:
        return ""
    text = re.sub(r"<[^>]+>", " ", str(text))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def read_limesurvey_structure(path, language: str | None = None) -> Form:
    """Read a LimeSurvey structure export (.txt tab-separated, or .lss XML).

    Parameters
    ----------
    path : str or Path
        The survey structure file.
    language : str, optional
        Language code ("fr", "en"…) for multilingual surveys; default: the base language.

    Returns
    -------
    Form
        `questions` and `choices` tables; question ids are the LimeSurvey codes, with
        ``{code}_{subcode}`` for each row of an array.
    """
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    if path.suffix.lower() == ".lss":
        from diagnostic.forms.lss import read_lss_records

        structure = read_lss_records(path, language)
    else:
        structure = _read_txt_records(path, language)
    return _build_form(structure)


def _read_txt_records(path: Path, language: str | None) -> LimeSurveyStructure:
    text = read_text(path)
    rows = list(csv.reader(text.splitlines(keepends=True), delimiter="\t"))
    if not rows or rows[0][:3] != ["class", "type/scale", "name"]:
        raise DiagnosticError(
            "ce fichier n'est pas une structure d'enquête LimeSurvey (.txt) : la première ligne "
            "doit commencer par « class, type/scale, name ».",
            file=path.name,
            row=1,
        )
    head = {name: i for i, name in enumerate(rows[0])}

    def get(row, name):
        i = head.get(name)
        return row[i] if i is not None and i < len(row) else ""

    base = next(
        (get(r, "text") for r in rows[1:] if r[:1] == ["S"] and get(r, "name") == "language"), None
    )
    wanted = language or base
    out = LimeSurveyStructure(path.name, language=wanted)
    gid = qid = None
    for n, row in enumerate(rows[1:], start=2):
        kind, lang = (row[0] if row else ""), get(row, "language")
        if lang and wanted and lang != wanted:
            continue
        if kind == "SL" and get(row, "name") == "surveyls_title":
            out.title = clean_text(get(row, "text"))
        elif kind == "G":
            gid = get(row, "type/scale") or f"G{len(out.groups)}"
            out.groups[gid] = clean_text(get(row, "name"))
            out.group_relevance[gid] = get(row, "relevance")
        elif kind == "Q":
            qid = f"q{n}"
            headers = (
                clean_text(get(row, "dualscale_headerA")),
                clean_text(get(row, "dualscale_headerB")),
            )
            if any(headers):
                out.scale_headers[qid] = headers
            out.questions.append(
                {
                    "qid": qid,
                    "gid": gid,
                    "type": get(row, "type/scale"),
                    "code": get(row, "name"),
                    "text": clean_text(get(row, "text")),
                    "other": get(row, "other") == "Y",
                    "mandatory": get(row, "mandatory") == "Y",
                    "row": n,
                    "max_ranks": _number(get(row, "max_subquestions")),
                    "relevance": get(row, "relevance"),
                }
            )
        elif kind == "SQ" and qid:
            out.sub_relevance[(qid, get(row, "name"))] = get(row, "relevance")
            out.subquestions.setdefault(qid, []).append(
                (get(row, "name"), clean_text(get(row, "text")), get(row, "type/scale") or "0")
            )
        elif kind == "A" and qid:
            out.answers.setdefault(qid, []).append(
                (get(row, "name"), clean_text(get(row, "text")), get(row, "type/scale") or "0")
            )
    return out


def _number(text) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() else None


def _comment(question_id: str, label: str, common: dict) -> dict:
    """A comment box of a LimeSurvey question, as a free-text question of its own."""
    return {
        **common,
        "question_id": question_id,
        "label": f"{label} (commentaire)",
        "type": "text",
        "list_name": None,
        "role": "free_text",
    }


def _build_form(st: LimeSurveyStructure) -> Form:
    log = AnomalyLog(st.file)
    questions: Any = []
    choices: list[dict] = []
    ranks: dict = {}

    def add_list(list_name, options, ordered=False):
        for order, (value, label) in enumerate(options, start=1):
            choices.append(choice_row(list_name, value, label or value, order))
        return list_name

    relevance: dict[str, tuple[str, ...]] = {}
    for q in st.questions:
        first = len(questions)
        code, qtype, text = q["code"], q["type"], q["text"]
        common = {
            "group": st.groups.get(q["gid"], ""),
            "role": "other",
            "theme": "",
            "required": q["mandatory"],
        }
        answers = [(c, lab) for c, lab, scale in st.answers.get(q["qid"], []) if scale == "0"]
        answers = answers or _BUILTIN.get(qtype, [])
        subs = [(c, t) for c, t, scale in st.subquestions.get(q["qid"], []) if scale == "0"]
        if qtype in _SKIPPED:
            continue
        if qtype in _SINGLE:
            options = answers + ([("-oth-", "Autre")] if q["other"] else [])
            kind = "likert" if qtype in _ORDERED else "single"
            questions.append(
                {
                    "question_id": code,
                    "label": text or code,
                    "type": kind,
                    "list_name": add_list(code, options),
                    **common,
                }
            )
            if qtype == "O":
                questions.append(_comment(f"{code}_comment", text or code, common))
        elif qtype in _MULTIPLE:
            options = subs + ([("other", "Autre")] if q["other"] else [])
            questions.append(
                {
                    "question_id": code,
                    "label": text or code,
                    "type": "multiple",
                    "list_name": add_list(code, options),
                    **common,
                }
            )
            if qtype == "P":
                questions += [
                    _comment(
                        f"{code}_{sub}comment",
                        " — ".join(t for t in (text, sub_text) if t) or code,
                        common,
                    )
                    for sub, sub_text in subs
                ]
        elif qtype in _ARRAYS:
            ordered = qtype in _ORDERED or (qtype in ("F", "H", "1") and len(answers) >= 3)
            list_name = add_list(code, answers)
            for sub, sub_text in subs:
                label = " — ".join(t for t in (text, sub_text) if t) or f"{code} {sub}"
                questions.append(
                    {
                        "question_id": f"{code}_{sub}",
                        "label": label,
                        "type": "likert" if ordered else "single",
                        "list_name": list_name,
                        **common,
                    }
                )
        elif qtype == _DUAL:
            questions += _dual_scale(q, common, st, add_list)
        elif qtype in _PER_SUB:
            for sub, sub_text in subs:
                label = " — ".join(t for t in (text, sub_text) if t)
                questions.append(
                    {
                        "question_id": f"{code}_{sub}",
                        "label": label,
                        "type": _PER_SUB[qtype],
                        "list_name": None,
                        **common,
                    }
                )
        elif qtype in _PLAIN:
            list_name = add_list(code, answers) if qtype == "R" else None
            if qtype == "R":
                ranks[code] = tuple(str(i) for i in range(1, rank_slots(q, answers) + 1))
            questions.append(
                {
                    "question_id": code,
                    "label": text or code,
                    "type": _PLAIN[qtype],
                    "list_name": list_name,
                    **common,
                }
            )
        else:
            log.add(
                f"type de question LimeSurvey inconnu « {qtype} » : traité comme du texte",
                KEPT,
                row=q.get("row"),
                column="type/scale",
                value=qtype,
            )
            questions.append(
                {
                    "question_id": code,
                    "label": text or code,
                    "type": "text",
                    "list_name": None,
                    **common,
                }
            )
        if q["other"] and qtype in _SINGLE | _MULTIPLE:
            questions.append(
                {
                    "question_id": f"{code}_other",
                    "label": f"{text or code} (autre)",
                    "type": "text",
                    "list_name": None,
                    **common,
                }
            )
            if qtype == "P":
                questions.append(
                    _comment(f"{code}_othercomment", f"{text or code} — autre", common)
                )
        chain = _chain(st, q, (st.group_relevance.get(q["gid"]), q.get("relevance")))
        for row in questions[first:]:
            relevance[row["question_id"]] = chain
        if qtype in _ARRAYS:
            for sub, _t in subs:
                own = _chain(st, q, (st.sub_relevance.get((q["qid"], sub)),))
                relevance[f"{code}_{sub}"] = chain + own
    questions = conform(pd.DataFrame(questions), "questions")
    scale = (questions["type"] == "likert") | (questions["role"] == "issue_importance")
    scale_lists = set(questions.loc[scale.fillna(False).to_numpy(dtype=bool), "list_name"].dropna())
    return Form(
        st.file,
        st.title or Path(st.file).stem,
        st.language,
        questions,
        order_scales(
            conform(pd.DataFrame(choices), "choices"), scale_lists, fixed=fixed_lists(questions)
        ),
        log.frame(),
        headings=field_texts(st),
        ranks=ranks,
        relevance={qid: chain for qid, chain in relevance.items() if chain},
        relevance_syntax="limesurvey",
    )


_SGQA = re.compile(r"\b\d+X(\d+)X(\d+)([0-9A-Za-z_#]*)")


def _chain(st: LimeSurveyStructure, q: dict, equations) -> tuple[str, ...]:
    """The non-trivial relevance equations among `equations`, SGQA codes named."""
    out = []
    for equation in equations:
        text = str(equation or "").strip()
        if text and text != "1":
            out.append(_named(text, st))
    return tuple(out)


def _named(equation: str, st: LimeSurveyStructure) -> str:
    """`equation` with each SGQA code (``{survey}X{group}X{qid}{subcode}``) written as
    LimeSurvey's question code (``code``, ``code_subcode``, ``code_subcode_0`` for the
    second scale of a dual-scale row); a code naming no question of `st` is left as it is
    (and reported when the equation is read)."""
    by_qid = {q["qid"]: q for q in st.questions}

    def name(m: re.Match) -> str:
        digits = re.match(r"\d+", m.group(2) + m.group(3))
        tail = m.group(2) + m.group(3)
        for k in range(len(digits.group(0)) if digits else 0, 0, -1):
            q = by_qid.get(tail[:k])
            if q is None or str(q.get("gid")) != m.group(1):
                continue
            rest, _hash, scale = tail[k:].partition("#")
            subs = {c for c, _t, _s in st.subquestions.get(q["qid"], [])}
            if rest and rest not in subs | {"other", "comment"}:
                continue
            return "_".join(part for part in (q["code"], rest, scale) if part)
        return m.group(0)

    return _SGQA.sub(name, equation)


def _dual_scale(q: dict, common: dict, st: LimeSurveyStructure, add_list) -> list[dict]:
    """The two questions of each row of a dual-scale array, one per scale.

    LimeSurvey stores each row twice, as ``{sgq}{subcode}#0`` and ``#1`` with
    ``scale_id`` 0 and 1 (``createFieldMap``, application/helpers/common_helper.php);
    its answer options carry the same ``scale_id``. The ids are the variable names
    of its Expression Manager, ``{code}_{subcode}_{scale_id}``.
    """
    code, text = q["code"], q["text"]
    headers = st.scale_headers.get(q["qid"], ("", ""))
    subs = [(c, t) for c, t, scale in st.subquestions.get(q["qid"], []) if scale == "0"]
    out = []
    lists = []
    for scale in (0, 1):
        options = [(c, lab) for c, lab, s in st.answers.get(q["qid"], []) if s == str(scale)]
        lists.append((add_list(f"{code}#{scale}", options), len(options) >= 3))
    for sub, sub_text in subs:
        for scale, (list_name, ordered) in enumerate(lists):
            header = headers[scale] or f"échelle {scale + 1}"
            label = " — ".join(t for t in (text, sub_text, header) if t)
            out.append(
                {
                    "question_id": f"{code}_{sub}_{scale}",
                    "label": label,
                    "type": "likert" if ordered else "single",
                    "list_name": list_name,
                    **common,
                }
            )
    return out
