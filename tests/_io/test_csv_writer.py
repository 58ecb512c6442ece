"""Every CSV we publish is written column by column (`atomic.write_csv`,
`write_csv_parts`): the bytes must be those pandas' ``to_csv`` writes, cell by cell."""

import io
import os
import random

import numpy as np
import pandas as pd
import pytest

from diagnostic._io import atomic
from diagnostic._io.atomic import write_csv, write_csv_parts

N = os.linesep


def test_a_table_by_hand(tmp_path):
    """Quoted as the csv module quotes (a comma, a quote, a line break), not a carriage
    return alone nor spaces; NA empty; numbers as Python writes them."""
    frame = pd.DataFrame(
        {
            "acteur": ["A-1", "A-2", None, "A-4"],
            "phrase": ["Besoin : « local », partagé", 'dit "oui"', "l1\nl2", "cr\rlf"],
            "score": [0.1, -0.0, np.nan, 1e16],
            "n": [1, 2, 3, 40],
            "oui": [True, False, True, False],
            "note": pd.array([1.5, None, 2.0, None], dtype="Float64"),
            "type": pd.Categorical(["ferme", "ferme", None, "asso, coop"]),
        }
    )
    path = write_csv(frame, tmp_path / "t.csv")
    cr = "cr\rlf" if N == "\n" else '"cr\rlf"'  # quoted only when the line end holds it
    assert path.read_bytes().decode() == N.join(
        [
            "acteur,phrase,score,n,oui,note,type",
            'A-1,"Besoin : « local », partagé",0.1,1,True,1.5,ferme',
            'A-2,"dit ""oui""",-0.0,2,False,,ferme',
            ',"l1\nl2",,3,True,2.0,',
            f'A-4,{cr},1e+16,40,False,,"asso, coop"',
            "",
        ]
    )


def _column(kind, n, rng):
    texts = ["a", "a,b", 'x"y', "l1\nl2", "cr\rx", " sp ", "", "é—€", "'=1", "None", "nan"]
    pick = lambda values: [rng.choice(values) for _ in range(n)]  # noqa: E731
    return {
        "objects": lambda: pd.Series(pick([*texts, None, np.nan]), dtype=object),
        "string": lambda: pd.Series(pick([*texts, None]), dtype="string"),
        "floats": lambda: pd.Series(
            pick([0.1, -0.0, 1e20, 1e-7, np.inf, np.nan, 2 / 3, 123456789.125]), dtype=float
        ),
        "float32": lambda: pd.Series(pick([0.1, np.nan, 1e-7]), dtype="float32"),
        "ints": lambda: pd.Series([rng.randint(-5, 10**12) for _ in range(n)], dtype="int64"),
        "bools": lambda: pd.Series(pick([True, False]), dtype=bool),
        "Int64": lambda: pd.Series(pick([1, None, 30]), dtype="Int64"),
        "Float64": lambda: pd.Series(pick([0.1, None, -0.0, 2 / 3]), dtype="Float64"),
        "boolean": lambda: pd.Series(pick([True, None, False]), dtype="boolean"),
        "categories": lambda: pd.Series(pick(["a", "b,c", None]), dtype="category"),
        "number categories": lambda: pd.Series(pick([0.1, 2.0, None]), dtype="category"),
        # not merged although equal: 1, 1.0 and True; 0.0 and -0.0; numpy scalars; a list
        "mixed": lambda: pd.Series(
            pick([1, True, 1.0, -0.0, 0.0, None, pd.NA, np.float64(0.1), [1, 2], "a,b"]),
            dtype=object,
        ),
        "dates": lambda: pd.Series(pd.date_range("2026-01-01", periods=n, freq="h")),
    }[kind]()


KINDS = [
    "objects",
    "string",
    "floats",
    "float32",
    "ints",
    "bools",
    "Int64",
    "Float64",
    "boolean",
    "categories",
    "number categories",
    "mixed",
    "dates",
]


@pytest.mark.parametrize("seed", range(40))
def test_random_frames_are_written_as_pandas_writes_them(seed, monkeypatch):
    rng = random.Random(seed)
    monkeypatch.setattr(atomic, "CSV_BLOCK", rng.choice([1, 3, 1 << 16]))
    n = rng.choice([0, 1, 2, 7, 50])
    names = [rng.choice(["a", "b,c", 'q"', "é"]) + str(i) for i in range(rng.randint(1, 5))]
    frame = pd.DataFrame({name: _column(rng.choice(KINDS), n, rng) for name in names})
    for header in (True, False):
        ours, theirs = io.StringIO(), io.StringIO()
        atomic._write_frame(frame, ours, header)
        frame.to_csv(theirs, index=False, header=header)
        assert ours.getvalue() == theirs.getvalue()


def test_parts_are_one_table_with_one_header(tmp_path):
    one = pd.DataFrame({"id": ["A-1", "A-2"], "commune": ["Bellême", "Soligny"]})
    two = pd.DataFrame({"id": ["A-3"], "commune": [None]})
    path = write_csv_parts(iter([one, two.iloc[:0], two]), tmp_path / "parts.csv")
    assert path.read_text(encoding="utf-8") == N.join(
        ["id,commune", "A-1,Bellême", "A-2,Soligny", "A-3,", ""]
    )


def test_quoted_characters_are_the_csv_modules():
    """Asked of the csv module: a comma, a quote and the line end's characters."""
    expected = ',"' + ("\r\n" if N == "\r\n" else "\n")
    assert sorted(atomic._quoted_characters()) == sorted(expected)
