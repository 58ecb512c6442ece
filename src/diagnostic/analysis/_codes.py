"""Integer codes of the long tables' key columns, so that counts over millions of rows are
`numpy.bincount` calls instead of groupbys, crosstabs or string hashing.

Every function here gives exactly what its pandas equivalent would (same order, same
categories); each docstring names that equivalent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def key_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 for missing) and distinct values of a key column, in the order
    of ``groupby(column, sort=True)``: its categories, or its sorted values.

    A categorical column gives its own codes, so millions of rows are not hashed again.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array.codes.astype(np.intp), column.cat.categories
    codes, uniques = pd.factorize(column, sort=True)
    return codes.astype(np.intp), pd.Index(uniques)


def level_codes(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the sorted distinct levels, as ``np.unique`` gives them, without sorting.

    Likert levels are a few small integers: counted by offset; other values are hashed.
    """
    if len(levels):
        low, high = levels.min(), levels.max()
        if high - low < 1000 and np.array_equal(levels, np.floor(levels)):
            offset = (levels - low).astype(np.intp)
            present = np.flatnonzero(np.bincount(offset))
            renumber = np.full(int(high - low) + 1, -1, dtype=np.intp)
            renumber[present] = np.arange(len(present))
            return renumber[offset], present + low
    codes, values = pd.factorize(levels, sort=True)
    return codes.astype(np.intp), np.asarray(values, dtype=float)


#: Run starts first read by `first_by_code` for the first row of each code (then 4 times
#: more, until every code that occurs is found).
FIRST_BLOCK = 1 << 16


def _first_rows(size: int, keyed: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The least of `at` for each code of `keyed` (`size` codes; none: the largest int)."""
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, keyed, at)
    return first


def first_by_code(values: pd.Series, codes: np.ndarray, keys: pd.Index) -> dict:
    """The first value of `values` seen for each key (keys given as codes into `keys`), as
    ``drop_duplicates(key).set_index(key)[values]`` gives it."""
    codes = np.asarray(codes)
    valid = codes >= 0
    whole = bool(valid.all())  # the usual case: no row to leave out, none copied
    rows = np.empty(0, dtype=np.intp) if whole else np.flatnonzero(valid)  # whole: unused
    n = len(codes) if whole else len(rows)
    if not n:
        return {}
    keyed = codes if whole else codes[rows]
    size = int(keyed.max()) + 1
    # the first row of each code, found by a minimum (no hashing of millions of rows) over
    # the first rows only when they hold every code: a few keys (the issues of a table
    # sorted by actor) all appear there, and `minimum.at` over millions of rows into a few
    # bins is slow (0.3 s for 9.6 million rows, 192 issues)
    block = min(n, FIRST_BLOCK)
    first = _first_rows(size, keyed[:block], np.arange(block) if whole else rows[:block])
    seen = np.flatnonzero(first < np.iinfo(np.int64).max)
    if len(seen) < size and block < n:
        # else, a code first appears where a run of equal codes starts: those rows only
        # (a table sorted by issue: as many as the issues), by longer and longer
        # stretches while a code that occurs is missing
        change = np.empty(n, dtype=bool)
        change[0] = True
        np.not_equal(keyed[1:], keyed[:-1], out=change[1:])
        starts = np.flatnonzero(change)
        keyed, at = keyed[starts], (starts if whole else rows[starts])
        present = np.count_nonzero(np.bincount(keyed, minlength=size))
        block = min(len(starts), FIRST_BLOCK)
        while True:
            first = _first_rows(size, keyed[:block], at[:block])
            seen = np.flatnonzero(first < np.iinfo(np.int64).max)
            if len(seen) == present or block == len(starts):
                break
            block = min(len(starts), 4 * block)
    seen = seen[np.argsort(first[seen], kind="stable")]  # in the order they appear
    return dict(zip(keys[seen], values.iloc[first[seen]].to_numpy(dtype=object)))


def categorical_from_few(values: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """``pd.Categorical(values[codes])`` computed on the few distinct `values` only.

    Categories are those of the values taken (sorted), exactly as if built from the long
    array, without converting millions of Python strings.
    """
    small = pd.Categorical(values)
    taken = small.codes[codes]
    used = np.bincount(taken + 1, minlength=len(small.categories) + 1)[1:] > 0
    if used.all():
        return pd.Categorical.from_codes(taken, dtype=small.dtype)
    renumber = np.append(np.where(used, np.cumsum(used) - 1, -1), -1)  # -1 stays -1
    return pd.Categorical.from_codes(renumber[taken], categories=small.categories[used])


def kept_rows(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``values[mask]``, without a copy of millions of rows when every row is kept."""
    return values if mask.all() else values[mask]


#: Runs shorter than this on average: the values are hashed one by one instead.
SHORTEST_RUN = 64


def run_starts(values) -> np.ndarray | None:
    """Where each run of equal neighbours of `values` starts, when the runs are long
    (`SHORTEST_RUN` on average); None when they are short, or when two neighbours cannot
    be compared (a missing value). A long table's question column is a few hundred runs."""
    if len(values) < SHORTEST_RUN:
        return None
    plain = np.asarray(values, dtype=object)  # a text column's own array: no copy
    try:
        change = plain[1:] != plain[:-1]
    except TypeError:  # pd.NA: its comparison is not a boolean
        return None
    starts = np.flatnonzero(np.r_[True, change])
    return starts if len(starts) * SHORTEST_RUN <= len(values) else None


def indexer_by_runs(index: pd.Index, values, starts: np.ndarray) -> np.ndarray:
    """``index.get_indexer(values)`` for `values` equal on each run starting at `starts`
    (`run_starts`): one value hashed per run."""
    lengths = np.diff(np.r_[starts, len(values)])
    return np.repeat(index.get_indexer(values[starts]).astype(_code_type(index)), lengths)


def _code_type(index: pd.Index) -> type:
    """The narrowest of int32 and int64 holding the codes of `index` (and -1)."""
    return np.int32 if len(index) < 2**31 - 1 else np.int64


def indexer_by_blocks(index: pd.Index, values, starts: np.ndarray) -> np.ndarray:
    """``index.get_indexer(values)``, `values` cut into blocks at `starts`: a block equal,
    value by value, to the last block of its length hashed takes its codes (the actors of
    each question of a long answers table are often the same list, in the same order)."""
    plain = np.asarray(values, dtype=object)  # a text column's own array: no copy
    out: np.ndarray = np.empty(len(values), dtype=_code_type(index))
    last: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    bounds = np.r_[starts, len(values)]
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        seen = last.get(hi - lo)
        if seen is not None and _equal(plain[lo:hi], seen[0]):
            out[lo:hi] = seen[1]
        else:
            codes = index.get_indexer(values[lo:hi])
            out[lo:hi] = codes
            last[hi - lo] = (plain[lo:hi], codes)
    return out


def _equal(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two object arrays of one length hold equal values (a missing value: no)."""
    try:
        return bool((a == b).all())
    except TypeError:  # pd.NA
        return False


def isin_by_runs(values: pd.Series, wanted) -> np.ndarray:
    """``values.isin(wanted)`` as a boolean array, one value hashed per run of equal
    neighbours when the runs are long (`run_starts`)."""
    starts = run_starts(values.array)
    if starts is None:
        return values.isin(wanted).to_numpy(dtype=bool)
    index = pd.Index(pd.unique(np.asarray(list(wanted), dtype=object)), dtype=object)
    return indexer_by_runs(index, values.array, starts) >= 0
