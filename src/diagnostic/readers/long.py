"""Long tables (`answers`, `asked`, `personal`) built from factorized columns.

A reader looks at each distinct cell of a column once; what a cell gives (its answer
values) is then spread over the rows holding it by integer positions. Each question
contributes one *part*: ``(question_id, rows, pool, index, rank)`` — the respondents
(positions among the kept rows), and for answers each row's value as an `index` into a
small `pool` of strings, with the position each value holds in a ranking (or None).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def long_part(rows: np.ndarray, qid: str, pool=None, index=None, rank=None) -> tuple:
    """One question's part of a long table (see the module docstring)."""
    return qid, rows, pool, index, rank


def explode(codes, parsed: list[list[str]], qid: str, ranked: bool = False) -> tuple:
    """One row per (actor, value) from factorized cells and the values of each distinct cell.

    With `ranked`, each value's position in its cell (1 = first) is its rank: a ranking
    answered in one column lists the options first ranked first.
    """
    lengths = np.array([len(v) for v in parsed] + [0])[codes]
    flat = [v for vals in parsed for v in vals]
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in parsed])]).astype(int)
    take = np.repeat(np.arange(len(codes)), lengths)
    starts = np.repeat(offsets[np.where(codes >= 0, codes, 0)], lengths)
    within = np.arange(len(take)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return long_part(
        take, qid, np.array(flat, dtype=object), starts + within, within + 1 if ranked else None
    )


def stack(parts: list[tuple], ids, columns: list[str]) -> pd.DataFrame:
    """The long table of `long_part` parts, typed as `conform` types it (``string``).

    Every column is filled part by part from a small array of distinct strings (actor ids,
    question ids, each question's values): millions of cells are never built or checked
    one by one, nor one frame per question concatenated, and no index array as long as the
    table is made (on a machine slow to hand out fresh memory, each such array costs as
    much as the column it indexes). A ``rank`` column is added when some part carries ranks.
    """
    parts = [p for p in parts if len(p[1])]
    if not parts:
        return pd.DataFrame(columns=columns)
    ends = np.cumsum([len(p[1]) for p in parts])
    total = int(ends[-1])
    actors, id_cells = np.empty(total, dtype=object), _cells(ids)
    questions = np.empty(total, dtype=object)
    qids = _cells(pd.array(np.array([p[0] for p in parts], dtype=object), dtype="string"))
    pools = None
    if "value" in columns:
        pools, values = (
            [_cells(pd.array(np.asarray(p[2], dtype=object), dtype="string")) for p in parts],
            np.empty(total, dtype=object),
        )
    start = 0
    for k, part in enumerate(parts):
        end = int(ends[k])
        actors[start:end] = id_cells[part[1]]
        questions[start:end] = qids[k]
        if pools is not None:
            values[start:end] = pools[k][part[3]]
        start = end
    data = {"actor_id": _strings(actors), "question_id": _strings(questions)}
    if pools is not None:
        data["value"] = _strings(values)
        if any(p[4] is not None for p in parts):
            data["rank"] = pd.array(
                np.concatenate([np.full(len(p[1]), -1) if p[4] is None else p[4] for p in parts]),
                dtype="Int64",
            )
            data["rank"][data["rank"] < 1] = pd.NA
            columns = [*columns, "rank"]
    return pd.DataFrame(data, columns=columns, copy=False)


def _cells(strings) -> np.ndarray:
    """The object cells of a ``string`` array (strings and NA), without a copy."""
    return np.asarray(strings, dtype=object)


def _strings(cells: np.ndarray):
    """A ``string`` array over `cells`, which hold only strings and NA taken from ``string``
    arrays: wrapped as they are, as `take` does, not checked again one by one."""
    return pd.array(np.array([], dtype=object), dtype="string")._from_backing_data(cells)
