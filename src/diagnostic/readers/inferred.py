"""A Form guessed from the data alone, when no questionnaire definition is given.

Each column becomes a question whose type is read from its cells; headers of the form
``Question [option]`` sharing one question are grouped: tick-like cells (Oui/Non, Y,
1/0) make one ``multiple`` question, other cells one question per row of a grid.
Cells that read as an ordered scale (known wordings, numbers with or without labelled
ends: see `diagnostic.forms.scales`) make a ``likert`` question whose levels are ordered by
their meaning, the integers missing between two numbered levels included; non-answers
("ne sait pas", "don't know"…) are flagged and come last. Every guessed question is flagged
"unlabelled" in the anomalies, so nobody mistakes the guess for a real questionnaire.
"""

from __future__ import annotations

import re

import pandas as pd

from diagnostic._io.text import fold
from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.forms.model import Form, choice_row, is_missing_code, question_row
from diagnostic.forms.scales import by_words, leading_number, scale_positions
from diagnostic.readers.columns import NOT_ASKED, TICKED, UNTICKED, norm_text
from diagnostic.readers.values import parse_date, parse_number, us_numbers
from diagnostic.schemas import conform

_BRACKET = re.compile(r"^(.*\S)\s*\[([^\]]+)\]\s*$")
_OTHER = {"autre", "other", "autres", "précisez", "other (please specify)"}
_MAX_CHOICES = 15


def slug(text: str, taken: set[str]) -> str:
    """A short, readable, unique question id from a header ("Vous êtes venu:" -> vous_etes_venu)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    base, out = "", []  # type: ignore[var-annotated]
    for w in words:
        if len("_".join(out + [w])) > 30:
            break
        out.append(w)
    base = "_".join(out) or "q"
    base = base if not base[0].isdigit() else f"q_{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _cells(frame: pd.DataFrame, col: str, not_asked: set[str]) -> list[str]:
    return [str(v).strip() for v in frame[col].dropna() if norm_text(v) not in not_asked]


def _guess_type(cells: list[str]) -> str:
    if not cells:
        return "text"
    numbers = [parse_number(c) is not None for c in cells]
    if any(numbers) and all(n or is_missing_code(c, c) for n, c in zip(numbers, cells)):
        return "numeric"  # numbers, and perhaps "dont_know" (a non-answer, not a number)
    if us_numbers(cells):
        return "numeric"
    if all(parse_date(c) is not None for c in cells):
        return "date"
    distinct = set(cells)
    real = [c for c in distinct if not is_missing_code(c, c)]
    if len(distinct) <= _MAX_CHOICES and len(real) >= 3 and by_words(real):
        return "likert"
    if len(distinct) <= _MAX_CHOICES and len(distinct) <= max(2, len(cells) // 2):
        return "single"
    return "text"


def _in_order(cells: set[str]) -> list[str]:
    """The answers of a single-choice question: in the order their meaning gives (classes
    « Moins de 5 ans », « De 5 à 9 ans »…), else in text order; non-answers last."""
    missing = sorted(c for c in cells if is_missing_code(c, c))
    real = [c for c in cells if c not in missing]
    positions = scale_positions(real)
    return (sorted(real, key=lambda c: (positions[c], c)) if positions else sorted(real)) + missing


def _levels(cells: set[str]) -> list[str]:
    """The levels of a scale read from its cells, lowest first, non-answers last; integers
    missing between two numbered levels (nobody chose 4) are levels too."""
    missing = sorted(c for c in cells if is_missing_code(c, c))
    real = [c for c in cells if c not in missing]
    numbers = [leading_number(c) for c in real]
    whole = [int(n) for n in numbers if n is not None and n == int(n)]
    if len(whole) >= 2:
        real += [str(n) for n in range(min(whole), max(whole) + 1) if n not in set(whole)]
    positions = scale_positions(real) or {}
    return sorted(real, key=lambda c: (positions.get(c, 0.0), c)) + missing


_CODES = re.compile(r"^[a-z][a-z0-9_]*( [a-z][a-z0-9_]*)*$")
_MAX_CODES = 40


def space_joined_codes(cells: list[str]) -> list[str] | None:
    """The choice codes of a select_multiple exported without its form (Kobo, ODK): every
    answer is lower-case codes joined by spaces (``farmer miner carpenter``), some answer
    joins several, and codes recur. None otherwise."""
    if not cells or not all(_CODES.match(c) for c in cells):
        return None
    split = [c.split() for c in cells]
    if sum(len(parts) > 1 for parts in split) < 1:
        return None
    rows_of: dict[str, set[int]] = {}
    for i, parts in enumerate(split):
        for code in parts:
            rows_of.setdefault(code, set()).add(i)
    recurring = {code for code, rows in rows_of.items() if len(rows) >= 2}
    if len(rows_of) > _MAX_CODES or len(recurring) < max(2, len(rows_of) / 2):
        return None
    # some answer joins codes that other answers hold too
    if not any(sum(code in recurring for code in parts) >= 2 for parts in split):
        return None
    # an answer given several times whose words are found nowhere else is one answer of
    # several words (« dont know »), not codes
    rows_of_cell: dict[str, set[int]] = {}
    for i, cell in enumerate(cells):
        rows_of_cell.setdefault(cell, set()).add(i)
    for cell, rows in rows_of_cell.items():
        words = cell.split()
        if len(words) > 1 and len(rows) >= 2 and all(rows_of[w] == rows for w in words):
            return None
    return sorted(rows_of)


def infer_form(frame: pd.DataFrame, file: str, *, meta=(), not_asked=()) -> Form:
    """Guess the questions of an export that comes without its questionnaire.

    Parameters
    ----------
    frame : DataFrame
        The export (raw headers, cells as strings).
    file : str
        Name of the export, for the anomalies.
    meta : iterable of str
        Columns that are not questions.
    not_asked : iterable of str
        Cells meaning "not asked" (LimeSurvey's ``N/A``).

    Returns
    -------
    Form
        Questions with ids made from the headers and labels equal to the headers.
    """
    # imported here: the readers package imports this module
    not_asked = set(NOT_ASKED) | {norm_text(v) for v in not_asked}
    log, taken = AnomalyLog(file, aggregate=True), set()  # type: ignore[var-annotated]
    columns = [c for c in frame.columns if c not in set(meta)]
    bracketed: dict[str, list[tuple[str, str]]] = {}
    for col in columns:
        match = _BRACKET.match(col)
        if match:
            bracketed.setdefault(match.group(1), []).append((match.group(2), col))
    plain = {col for col in columns if not _BRACKET.match(col)}
    questions, choices, done = [], [], set()  # type: ignore[var-annotated]
    # Kobo/ODK option columns of a select_multiple exported without its answer column:
    # ``HHITEMS/Computer``, ``HHITEMS/Radio``… holding 0/1
    slashed: dict[str, list[tuple[str, str]]] = {}
    for col in columns:
        stem, _sep, option = col.rpartition("/")
        if stem and option and stem not in plain:
            slashed.setdefault(stem, []).append((option, col))
    ticks_only = lambda cols: all(  # noqa: E731
        {norm_text(c) for c in _cells(frame, c, set())} <= TICKED | UNTICKED | not_asked
        for c in cols
    )
    slashed = {
        stem: subs
        for stem, subs in slashed.items()
        if len(subs) >= 2 and ticks_only([c for _o, c in subs])
    }
    first_of = {subs[0][1]: stem for stem, subs in slashed.items()}

    def add(qid, label, qtype, cells, col):
        list_name = None
        if qtype in ("single", "likert", "multiple"):
            list_name = qid
            for order, value in enumerate(
                _levels(set(cells)) if qtype == "likert" else _in_order(set(cells)), 1
            ):
                choices.append(choice_row(qid, value, value, order))
        questions.append(question_row(qid, label, qtype, list_name))
        log.add(
            f"question sans formulaire (« unlabelled ») : type « {qtype} » déduit des réponses",
            KEPT,
            column=col,
        )

    for col in columns:
        if col in done:
            continue
        if col in first_of:  # one multiple question for the option columns of its stem
            stem = first_of[col]
            qid = slug(stem, taken)
            for order, (option, _col) in enumerate(slashed[stem], 1):
                choices.append(choice_row(qid, option, option, order))
            questions.append(question_row(qid, stem, "multiple", qid))
            log.add(
                "question sans formulaire (« unlabelled ») : choix multiple déduit des "
                f"colonnes « {stem}/... »",
                KEPT,
                column=col,
            )
            done.update(c for _o, c in slashed[stem])
            continue
        match = _BRACKET.match(col)
        stem = match.group(1) if match else None
        if stem and stem in bracketed and stem not in done:
            subs = [s for s in bracketed[stem] if not (stem in plain and norm_text(s[0]) in _OTHER)]
            ticks = all(
                {norm_text(c) for c in _cells(frame, s[1], set())} <= TICKED | UNTICKED | not_asked
                for s in subs
            )
            if subs and ticks:
                qid = slug(stem, taken)
                for order, (sub, _col) in enumerate(subs, 1):
                    choices.append(choice_row(qid, slug(sub, set()), sub, order))
                questions.append(question_row(qid, stem, "multiple", qid))
                log.add(
                    "question sans formulaire (« unlabelled ») : choix multiple déduit des "
                    f"colonnes « {stem} [...] »",
                    KEPT,
                    column=subs[0][1],
                )
                done.update(c for _s, c in subs)
            done.add(stem)
            if col in done:
                continue
        if stem and stem in plain and norm_text(match.group(2)) in _OTHER:  # type: ignore[union-attr]
            continue  # "Question [Autre]": the text of the "other" choice, added below
        cells = _cells(frame, col, not_asked)
        qid = slug(col, taken)
        codes = space_joined_codes(cells)
        # the option columns Kobo adds beside the answer (``q/code``, ``q.code``), one per
        # choice of the list, ticked or not: they make the question multiple and complete
        # its list
        options = {
            c: c[len(col) + 1 :]
            for c in columns
            if c[: len(col) + 1] in (f"{col}/", f"{col}.")
            and _CODES.match(c[len(col) + 1 :])
            and " " not in c[len(col) + 1 :]
            and {norm_text(v) for v in _cells(frame, c, set())} <= TICKED | UNTICKED | not_asked
        }
        if codes is not None or len(options) >= 2:
            if codes is None and all(_CODES.match(c) for c in cells):
                codes = [t for c in cells for t in c.split()]
            add(qid, col, "multiple", sorted(set(codes or ()) | set(options.values())), col)
            done.update(options)
        else:
            add(qid, col, _guess_type(cells), cells, col)
        for sub, other_col in bracketed.get(col, []):
            if norm_text(sub) in _OTHER:
                questions.append(question_row(f"{qid}_other", other_col, "text"))
                done.add(other_col)
    return Form(
        file,
        file,
        None,
        conform(pd.DataFrame(questions), "questions"),
        conform(pd.DataFrame(choices), "choices"),
        log.frame(),
    )
