"""Ranking answers, kept with their order: one `answers` row per ranked option.

A ranking comes either in one cell, the options' values joined by spaces, first ranked
first (XLSForm ``rank``, as Kobo and ODK export it), or in one column per rank, each cell
holding the option put at that rank (LimeSurvey ``Q1[1]``, ``Q1[2]``…; the levels of a
Kobo form-builder ranking). Either way each ranked option becomes one row of the `answers`
table, its code in ``value`` and its position in ``rank`` (1 = first).

What a respondent cannot have meant is reported, never dropped silently: an option absent
from the question's list is kept as written (and reported), an option ranked twice keeps
its first (best) rank, its later mention being dropped and reported, and an empty rank
above a filled one is reported, the ranks being kept as written.
"""

from __future__ import annotations

import numpy as np

from diagnostic.anomalies import KEPT, REPAIRED, AnomalyLog
from diagnostic.readers.columns import norm_text
from diagnostic.readers.long import long_part
from diagnostic.readers.values import choice_lookup, prefers_labels

_UNKNOWN = "valeur absente de la liste de choix du formulaire"


def split_ranked(text: str, lookup: dict | None) -> tuple[list[str], tuple | None]:
    """The options of a ranking answered in one cell, first ranked first.

    Returns
    -------
    values : list of str
        Choice codes (unknown options as written), each option once.
    problem : (str, str) or None
        What to report for the cell, and the action taken.

    Examples
    --------
    >>> split_ranked("eau routes", {"eau": "eau", "routes": "routes"})
    (['eau', 'routes'], None)
    >>> split_ranked("eau eau", {"eau": "eau"})[1][1]
    'corrigé'
    """
    values, problems, first = [], [], {}  # type: ignore[var-annotated]
    for position, part in enumerate(str(text).split(), start=1):
        code = lookup.get(norm_text(part)) if lookup is not None else part
        if code is None:
            problems.append(f"{_UNKNOWN} : « {part} »")
            code = part
        if code in first:
            problems.append(_twice(code, first[code], position))
            continue
        first[code] = position
        values.append(code)
    if not problems:
        return values, None
    twice = any("deux fois" in p for p in problems)
    return values, (" ; ".join(problems), REPAIRED if twice else KEPT)


def _twice(code: str, first: int, again: int) -> str:
    return (
        f"option « {code} » classée deux fois (rangs {first} et {again}) : "
        f"seul le rang {first} est gardé"
    )


def rank_lookup(cells, values: list[str], labels: list[str]) -> dict:
    """Normalised code or label -> code for the cells of a ranking's columns."""
    return choice_lookup(values, labels, prefers_labels(cells, values, labels))


def ranked_columns(
    qid: str,
    columns: dict[int, str],
    coded: dict,
    blanks: dict,
    keep: np.ndarray,
    rows: np.ndarray,
    choices: tuple[list, list],
    log: AnomalyLog,
) -> tuple[tuple, tuple]:
    """Read a ranking answered in one column per rank.

    Parameters
    ----------
    qid : str
        The ranking question.
    columns : dict
        rank (1, 2…) -> column of the export.
    coded, blanks : dict
        Each column's factorization (codes, distinct values) and, for each distinct value
        (and NA, last), whether it is empty or "not asked" (see `survey_from_frame`).
    keep : array of bool
        The rows of the file that are loaded; `rows` gives their file row numbers.
    choices : (values, labels)
        The question's choice list (empty when the form has none).
    log : AnomalyLog
        Where the file's anomalies go.

    Returns
    -------
    answers, asked : tuple
        `long_part` parts: one answer per ranked option with its rank, and the respondents
        who ranked something.
    """
    order = sorted(columns)
    cells = {}
    for position in order:
        col = columns[position]
        codes, uniques = coded[col]
        cells[position] = (codes[keep], uniques, blanks[col])
    values, labels = choices
    lookup = None
    if values:
        seen = [
            u
            for _c, uniques, blank in cells.values()
            for u, empty in zip(uniques, blank)
            if not empty
        ]
        lookup = rank_lookup(seen, values, labels)
    read = {}
    for position, (codes, uniques, blank) in cells.items():
        known = [
            None if empty else (lookup.get(norm_text(u)) if lookup else str(u).strip())
            for u, empty in zip(uniques, blank)
        ]
        read[position] = (codes, uniques, blank, known)
    filled = np.column_stack([~blank[codes] for codes, _u, blank, _k in read.values()])
    out_rows, out_values, out_ranks = [], [], []
    for r in np.flatnonzero(filled.any(axis=1)):
        last = order[int(np.flatnonzero(filled[r]).max())]
        first: dict = {}
        for position, (codes, uniques, blank, known) in read.items():
            col, k = columns[position], codes[r]
            if blank[k]:
                if position < last:
                    log.add(
                        f"rang {position} vide alors que le rang {last} est rempli : "
                        "rangs gardés tels qu'écrits",
                        KEPT,
                        row=int(rows[r]),
                        column=col,
                    )
                continue
            value = known[k]
            if value is None:
                value = str(uniques[k]).strip()
                log.add(_UNKNOWN, KEPT, row=int(rows[r]), column=col, value=value)
            if value in first:
                log.add(
                    _twice(value, first[value], position),
                    REPAIRED,
                    row=int(rows[r]),
                    column=col,
                    value=value,
                )
                continue
            first[value] = position
            out_rows.append(r)
            out_values.append(value)
            out_ranks.append(position)
    answered = np.flatnonzero(filled.any(axis=1))
    answers = long_part(
        np.array(out_rows, dtype=np.intp),
        qid,
        np.array(out_values, dtype=object),
        np.arange(len(out_values)),
        np.array(out_ranks, dtype=np.int64),
    )
    return answers, long_part(answered, qid)
