"""Parse a LimeSurvey .lss (XML) survey structure, read safely by `diagnostic._io.text.read_xml`."""

from __future__ import annotations

from pathlib import Path

from diagnostic._io.text import read_xml
from diagnostic.errors import DiagnosticError
from diagnostic.forms.limesurvey import LimeSurveyStructure, clean_text


def _rows(root, table: str) -> list[dict]:
    """The <row> elements of one table, as dicts of text (CDATA unwrapped)."""
    return [
        {child.tag: (child.text or "") for child in row}
        for row in root.findall(f"{table}/rows/row")
    ]


def _order(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def read_lss_records(path: Path, language: str | None) -> LimeSurveyStructure:
    """Read groups, questions, subquestions and answers of one language of a .lss file.

    Handles the layout of LimeSurvey 2/3 (texts in the rows) and of LimeSurvey 4+
    (texts in ``question_l10ns``, ``answer_l10ns``, ``group_l10ns``).
    """
    root = read_xml(path)
    if root.findtext("LimeSurveyDocType") != "Survey":
        raise DiagnosticError(
            "ce fichier XML n'est pas une structure d'enquête LimeSurvey "
            "(<LimeSurveyDocType>Survey</LimeSurveyDocType> absent).",
            file=path.name,
        )
    languages = [e.text for e in root.findall("languages/language") if e.text]
    wanted = language or (languages[0] if languages else None)

    def mine(row):
        return not row.get("language") or not wanted or row["language"] == wanted

    q_texts = {r["qid"]: r.get("question", "") for r in _rows(root, "question_l10ns") if mine(r)}
    a_texts = {r["aid"]: r.get("answer", "") for r in _rows(root, "answer_l10ns") if mine(r)}
    g_texts = {r["gid"]: r.get("group_name", "") for r in _rows(root, "group_l10ns") if mine(r)}
    out = LimeSurveyStructure(path.name, language=wanted)
    settings = [
        r
        for r in _rows(root, "surveys_languagesettings")
        if not wanted or r.get("surveyls_language") == wanted
    ]
    out.title = clean_text(settings[0].get("surveyls_title")) if settings else ""
    groups = sorted(
        (r for r in _rows(root, "groups") if mine(r)), key=lambda r: _order(r.get("group_order"))
    )
    out.groups = {
        r["gid"]: clean_text(r.get("group_name") or g_texts.get(r["gid"], "")) for r in groups
    }
    out.group_relevance = {r["gid"]: r.get("grelevance", "") for r in groups}
    group_rank = {gid: i for i, gid in enumerate(out.groups)}
    questions = [
        r for r in _rows(root, "questions") if mine(r) and r.get("parent_qid", "0") in ("0", "")
    ]
    questions.sort(
        key=lambda r: (group_rank.get(r.get("gid"), 99), _order(r.get("question_order")))
    )
    for r in questions:
        out.questions.append(
            {
                "qid": r["qid"],
                "gid": r.get("gid"),
                "type": r.get("type", ""),
                "code": r.get("title", ""),
                "other": r.get("other") == "Y",
                "text": clean_text(r.get("question") or q_texts.get(r["qid"], "")),
                "mandatory": r.get("mandatory") == "Y",
                "row": None,
                "max_ranks": None,
                "relevance": r.get("relevance", ""),
            }
        )
    subs = [r for r in _rows(root, "subquestions") if mine(r)]
    subs += [
        r for r in _rows(root, "questions") if mine(r) and r.get("parent_qid", "0") not in ("0", "")
    ]
    for r in sorted(subs, key=lambda r: _order(r.get("question_order"))):
        out.sub_relevance[(r["parent_qid"], r.get("title", ""))] = r.get("relevance", "")
        out.subquestions.setdefault(r["parent_qid"], []).append(
            (
                r.get("title", ""),
                clean_text(r.get("question") or q_texts.get(r["qid"], "")),
                r.get("scale_id") or "0",
            )
        )
    for r in sorted(
        (r for r in _rows(root, "answers") if mine(r)), key=lambda r: _order(r.get("sortorder"))
    ):
        label = r.get("answer") or a_texts.get(r.get("aid", ""), "")
        out.answers.setdefault(r["qid"], []).append(
            (r.get("code", ""), clean_text(label), r.get("scale_id") or "0")
        )
    # headers of the two scales of a dual-scale array (question type 1); how many ranks
    headers: dict = {}
    by_qid = {q["qid"]: q for q in out.questions}
    for r in _rows(root, "question_attributes"):
        name = r.get("attribute", "")
        if (
            name == "max_subquestions"
            and r.get("qid") in by_qid
            and str(r.get("value") or "").strip().isdigit()
        ):
            by_qid[r["qid"]]["max_ranks"] = int(r["value"])
        if name in ("dualscale_headerA", "dualscale_headerB") and mine(r):
            headers.setdefault(r["qid"], ["", ""])[name.endswith("B")] = clean_text(r.get("value"))
    out.scale_headers = {qid: tuple(h) for qid, h in headers.items()}
    return out
