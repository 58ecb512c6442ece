"""Match full-text export headings ("Question text [sub-question]") to question codes.

LimeSurvey exports may carry question texts instead of codes above their columns (see
`diagnostic.forms.limesurvey_fields` for how LimeSurvey writes them). Given the structure
file, every column's expected heading is known: a heading is first matched exactly, after
normalisation (HTML, entities, case, spaces, ``_`` for spaces); a dual-scale heading by its
row and the scale's number; a ranking's heading by its question and the rank's number; the
one bracketed column of a question (the comment of a list with comment, the "other" of a
list) by its question, whatever the word in brackets; what is left, by fuzzy similarity
(rapidfuzz), only above `THRESHOLD` and only when no other question comes close
(abbreviated headings are compared with the expected texts cut at the same length). A heading close to several
questions is never guessed: it is left out and reported. The comments on the options of a
multiple choice with comments all have the same heading ("Question [Comment]"): each is
known by its place, right after its option's column (`option_comments`).
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections import defaultdict

import pandas as pd

from diagnostic.forms.model import FieldText, Form
from diagnostic.readers.columns import ColumnMap, looks_ticked

#: Minimal similarity (0-100) of a heading and the expected text of a column.
THRESHOLD = 90.0
#: How far ahead of the second-best question the best one must be.
MARGIN = 5.0
_TAGS = re.compile(r"<[^>]+>")
#: The last bracket of a dual-scale heading: "[Scale 1]", in any language.
_SCALE = re.compile(r"\[[^\[\]]*?(\d)\s*\]\s*$")
#: The trailing bracketed parts of a heading.
_PARTS = re.compile(r"(?:\s*\[[^\[\]]*\])+\s*$")
#: The last bracketed part of a heading, and the number it ends with ("[Rank 2]", "[Rang 2]").
_LAST = re.compile(r"\[([^\[\]]*?)(\d+)?\s*\]\s*$")
#: The suffix given to a repeated heading when the file was read: "Question [Comment] (2)".
_REPEATED = re.compile(r"\s*\(\d+\)\s*$")


def heading_key(text) -> str:
    """A heading as compared: no HTML or entities, case, spaces and underscores aside."""
    text = html.unescape(_TAGS.sub(" ", str(text)))
    text = text.replace("\xa0", " ").replace("_", " ").replace("{", "").replace("}", "")
    text = re.sub(r"\s*\[\s*", "[", re.sub(r"\s+", " ", text).strip())
    return re.sub(r"\s*\]", "]", text).casefold()


def cut_length(heading: str) -> int | None:
    """The length LimeSurvey cut texts to in an abbreviated heading, or None.

    Each text longer than the length ends with ".." (``ellipsize`` in Writer.php).
    """
    heading = str(heading)
    match = _PARTS.search(heading)
    texts = [heading[: match.start()] if match else heading]
    if match:
        texts += re.findall(r"\[([^\[\]]*)\]", match.group(0))
    lengths = [len(t.strip()[:-2]) for t in texts if t.strip().endswith("..")]
    return max(lengths) if lengths else None


def match_headings(
    headings: list[str],
    fields: list[FieldText],
    *,
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
) -> tuple[dict, dict]:
    """Match each heading to at most one field, and each field to at most one heading.

    Returns
    -------
    matched : dict
        heading -> (FieldText, how, score), how being ``full_text``, ``abbreviated`` (the
        expected text cut as the heading is) or ``fuzzy``.
    ambiguous : dict
        heading -> (``questions`` when the heading is close to several questions, or
        ``columns`` when several headings claim one question, question ids).
    """
    from rapidfuzz import fuzz, process  # only with a structure's headings: a faster start

    siblings = _siblings(fields)
    # the comments on the options of a multiple choice share one heading: known by place
    fields = [f for f in fields if not f.comment_of]
    by_key: dict[str, list[FieldText]] = defaultdict(list)
    for f in fields:
        by_key[heading_key(f.text)].append(f)
    by_row: dict[tuple, list[FieldText]] = defaultdict(list)
    for f in fields:
        if f.scale is not None:
            by_row[heading_key(f"{f.question} [{f.parts[0]}]"), f.scale].append(f)
    claims: dict[int, list] = defaultdict(list)
    ambiguous: dict[str, tuple[str, list[str]]] = {}
    pending = []
    for heading in headings:
        key = heading_key(heading)
        scale = _SCALE.search(str(heading))
        found = by_key.get(key) or (
            by_row.get((heading_key(str(heading)[: scale.start()]), int(scale.group(1)) - 1))
            if scale
            else None
        )
        found = found or _sibling(str(heading), siblings)
        if found and len(found) == 1:
            claims[id(found[0])].append((heading, found[0], "full_text", 100.0))
        elif found:
            ambiguous[heading] = ("questions", [f.question_id for f in found])
        else:
            pending.append(heading)
    free = [f for f in fields if id(f) not in claims]
    pools: dict[tuple, tuple[list[FieldText], list[str]]] = {}
    dual = any(f.scale is not None for f in free)
    for heading in pending:
        tries = [(str(heading), None)]
        found = _SCALE.search(str(heading))  # type: ignore[assignment]
        if found and dual:
            # a dual-scale row is compared without its scale, among the rows of that scale;
            # failing that, as any heading (a row text may end with a number)
            tries.insert(0, (str(heading)[: found.start()], int(found.group(1)) - 1))  # type: ignore[arg-type, attr-defined]
        for text, scale in tries:
            length = cut_length(text)
            if (length, scale) not in pools:
                pools[length, scale] = _pool(free, length, scale)
            pool, texts = pools[length, scale]
            best = process.extract(
                heading_key(text),
                texts,
                scorer=fuzz.ratio,
                limit=2,
                score_cutoff=threshold - margin,
            )
            if not best or best[0][1] < threshold:
                continue
            if len(best) > 1 and best[0][1] - best[1][1] < margin:
                ambiguous[heading] = ("questions", [pool[i].question_id for _t, _s, i in best])
                break
            field, score = pool[best[0][2]], round(best[0][1], 1)
            kind = "abbreviated" if length and score == 100 else "fuzzy"
            claims[id(field)].append((heading, field, kind, score))
            break
    matched = {}
    for found in claims.values():
        if len(found) == 1:
            heading, field, how, score = found[0]  # type: ignore[misc]
            matched[heading] = (field, how, score)  # type: ignore[has-type]
        else:  # several headings for one column: none of them is trusted
            for heading, field, _how, _score in found:  # type: ignore[misc]
                ambiguous[heading] = ("columns", [field.question_id])
    return matched, ambiguous


def _siblings(fields: list[FieldText]) -> dict:
    """(question text, rank) -> the rank field; question text -> its bracketed fields, for
    the questions whose other columns have no brackets (lists with comment or "other")."""
    out: dict = defaultdict(list)
    for f in fields:
        if f.rank is not None:
            out[heading_key(f.question), f.rank].append(f)
        elif len(f.parts) == 1 and f.option is None and f.scale is None:
            out[heading_key(f.question)].append(f)
    return out


def _sibling(heading: str, siblings: dict) -> list[FieldText] | None:
    """The field of a heading "Question [word]" known by its question alone, whatever the
    word (its language): a rank by its number, or the only bracketed field of its question."""
    last = _LAST.search(heading)
    if not last:
        return None
    stem = heading_key(heading[: last.start()])
    if last.group(2) and siblings.get((stem, int(last.group(2)))):
        return siblings[stem, int(last.group(2))]
    found = siblings.get(stem)
    return found if found and len(found) == 1 and found[0].rank is None else None


def option_comments(frame: pd.DataFrame, fields, single: dict, split: dict) -> dict:
    """The comment columns of multiple choices with comments, each right after its option.

    LimeSurvey writes the comment on an option just after the option's column, under the
    same heading for every option, "Question [Comment]" (``createFieldMap``: its
    ``subquestion`` is ``gT("Comment")``; "Other comment" after the "other" text).

    Returns
    -------
    dict
        column -> the comment's question id (``Q1_SQ001comment``, ``Q1_othercomment``).
    """
    texts = {f.question_id: heading_key(f.question) for f in fields if f.comment_of}
    if not texts:
        return {}
    holds = {c: f"{q}_{v}comment" for q, m in split.items() for v, c in m.items()}
    holds.update(
        {
            c: f"{q[: -len('_other')]}_othercomment"
            for q, c in single.items()
            if q.endswith("_other")
        }
    )
    used = set(single.values()) | {c for m in split.values() for c in m.values()}
    columns, out = list(frame.columns), {}
    for before, column in zip(columns, columns[1:]):
        qid = holds.get(before)
        last = _LAST.search(_REPEATED.sub("", column))
        if (
            qid in texts
            and column not in used
            and last
            and heading_key(_REPEATED.sub("", column)[: last.start()]) == texts[qid]
        ):
            out[column] = qid
    return out


def _pool(
    fields: list[FieldText], length: int | None, scale: int | None
) -> tuple[list[FieldText], list[str]]:
    """The fields a heading may be, and their expected texts as compared (cut at `length`
    characters for an abbreviated heading; without the scale part for a dual-scale row)."""
    if scale is not None:
        fields = [f for f in fields if f.scale == scale]
        shown = [dataclasses.replace(f, parts=f.parts[:1]) for f in fields]
    else:
        shown = fields
    return fields, [heading_key(f.abbreviated(length) if length else f.text) for f in shown]


def map_full_texts(frame: pd.DataFrame, form: Form, columns: ColumnMap, ignore=()) -> ColumnMap:
    """Add to `columns` the columns of `frame` whose full-text heading `form` explains.

    Parameters
    ----------
    frame : DataFrame
        The export.
    form : Form
        With `Form.headings` (a LimeSurvey structure); without them `columns` is returned.
    columns : ColumnMap
        What `map_columns` recognised already (codes, "code. text", labels).
    ignore : iterable of str
        Meta columns.

    Returns
    -------
    ColumnMap
        A new map; `notes` says why each ambiguous heading was left out.
    """
    if not form.headings:
        return columns
    ignore, used = set(ignore), columns.used()
    headings = [
        c for c in frame.columns if c not in used and c not in ignore and not c.startswith("_")
    ]
    fields = [
        f
        for f in form.headings
        if f.question_id not in columns.single
        and (f.option is None or f.option not in columns.split.get(f.question_id, {}))
        and (f.rank is None or f.rank not in columns.ranks.get(f.question_id, {}))
    ]
    matched, ambiguous = match_headings(headings, fields)
    single, split = dict(columns.single), {q: dict(m) for q, m in columns.split.items()}
    ranks = {q: dict(m) for q, m in columns.ranks.items()}
    how, notes = dict(columns.how), dict(columns.notes)
    for heading, (field, kind, score) in matched.items():
        if field.rank is not None:
            ranks.setdefault(field.question_id, {})[field.rank] = heading
        elif field.option is None:
            single[field.question_id] = heading
        elif looks_ticked(frame, heading):
            split.setdefault(field.question_id, {})[field.option] = heading
        else:
            notes[heading] = (
                f"en-tête de l'option « {field.option} » de la question "
                f"{field.question_id}, mais ses cellules ne sont pas des cases "
                "cochées (Oui/Non, Y/vide) : colonne ignorée"
            )
            continue
        how[heading] = (kind, score)
    for heading, (kind, qids) in ambiguous.items():
        names = ", ".join(dict.fromkeys(qids))
        notes[heading] = (
            f"en-tête en texte intégral proche de plusieurs questions du formulaire ({names})"
            if kind == "questions"
            else f"plusieurs colonnes de l'export portent l'en-tête de la question {names}"
        ) + " : colonne ignorée ; remplacez l'en-tête par le code de la question pour la charger"
    for heading, qid in option_comments(frame, fields, single, split).items():
        single[qid], how[heading] = heading, ("full_text", 100.0)
        notes.pop(heading, None)
    return dataclasses.replace(
        columns, single=single, split=split, ranks=ranks, how=how, notes=notes
    )
