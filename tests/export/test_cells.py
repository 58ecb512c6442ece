import math

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from diagnostic.export.book import open_book
from diagnostic.export.cells import plain, sheet_rows
from diagnostic.export.frames import beside_table, write_frame


@pytest.mark.parametrize(
    "value, expected",
    [
        ("a\x07b\x00", "ab"),
        ("\t=1+1", "\t=1+1"),
        ("", None),
        (float("nan"), None),
        (math.inf, None),
        (pd.NA, None),
        (None, None),
        (np.int64(3), 3),
        (np.float64(0.5), 0.5),
        (True, True),
        (["liste"], "['liste']"),
    ],
)
def test_plain_values(value, expected):
    assert plain(value) == expected


def test_sheet_rows_cleans_column_by_column_like_plain():
    frame = pd.DataFrame(
        {
            "text": pd.array(["=1+1", "", None, "x\x01y"], dtype="string"),
            "count": pd.array([1, None, 3, 4], dtype="Int64"),
            "share": [0.5, np.nan, np.inf, -1.0],
            "mixed": ["n<5", 2, None, 1.5],
        }
    )
    assert sheet_rows(frame) == [
        ("=1+1", 1, 0.5, "n<5"),
        (None, None, None, 2),
        (None, 3, None, None),
        ("xy", 4, -1.0, 1.5),
    ]
    assert [type(v) for v in sheet_rows(frame)[3]] == [str, int, float, float]
    assert sheet_rows(frame.iloc[:, :2]) == [
        tuple(plain(v) for v in row) for row in frame.iloc[:, :2].itertuples(index=False)
    ]


def test_write_frame_streams_table_and_side_cells_row_by_row(tmp_path):
    frame = pd.DataFrame({"label": ["court", "x" * 200, "n<5"], "share": [0.25, 0.5, "n<5"]})
    side = beside_table(
        pd.DataFrame({"Type": ["a", "b", "c", "d"], "N": [1, 2, 3, 4]}), 3, 4, {"N": "0"}
    )
    with open_book(tmp_path / "t.xlsx") as book:
        ws = book.sheet("feuille")
        first, last = write_frame(
            book,
            ws,
            frame,
            3,
            {"label": "Libellé", "share": "Part"},
            {"share": "0.0 %"},
            widths={"label": 50},
            styles={(2, "share"): {"bg_color": "#E6E6E6"}},
            beside=side,
        )
    assert (first, last) == (4, 6)
    ws = load_workbook(tmp_path / "t.xlsx")["feuille"]
    assert [c.value for c in ws[4]] == ["Libellé", "Part", None, None, "Type", "N"]
    assert [[c.value for c in ws[r]][4:] for r in range(5, 9)] == [
        ["a", 1],
        ["b", 2],
        ["c", 3],
        ["d", 4],
    ]
    assert ws["B5"].number_format == "0.0 %" and ws["B7"].number_format == "General"
    assert ws["B7"].fill.fgColor.rgb.endswith("E6E6E6") and ws["A6"].alignment.wrap_text
    assert ws.row_dimensions[6].height == 60  # 200 characters, 55 a line: 4 lines of 15 points
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref == "A4:B7"


def test_participation_counts_by_type_beside_the_table(demo_out, example_diag):
    ws = load_workbook(demo_out / "diagnostic.xlsx")["Participation"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Commune")
    assert [ws.cell(header, c).value for c in (9, 10)] == ["Type d'acteurs", "Répondants"]
    counts = [ws.cell(r, 10).value for r in range(header + 1, header + 7)]
    # every actor of a type of at least 5 actors: the 4 financeurs are counted nowhere
    sizes = example_diag.actors["actor_type"].value_counts()
    assert sum(v for v in counts if v) == sizes[sizes >= 5].sum() == 144
    assert "Financeur" not in [ws.cell(r, 9).value for r in range(header + 1, header + 7)]
    assert ws.cell(header + 1, 10).number_format == "#,##0"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("- une puce", "'- une puce"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-1", "-1"),
        ("-0,5", "-0,5"),
        ("-2.5e3", "-2.5e3"),
        ("Logement", "Logement"),
        ("a=b", "a=b"),
        (3, 3),
        (None, None),
    ],
)
def test_inert_spares_only_true_numbers(value, expected):
    from diagnostic.export.cells import inert

    assert inert(value) == expected


def test_inert_frame_reaches_every_text_dtype():
    from diagnostic.export.cells import inert_frame

    frame = pd.DataFrame(
        {
            "objet": pd.Series(["=1+1", "ok"], dtype=object),
            "str": pd.Series(["@x", "-1"], dtype="str"),
            "string": pd.array(["-1+cmd|x", None], dtype="string"),
            "categorie": pd.Categorical(["+x", "y"]),
            "nombre": [-1, 2],
        }
    )
    out = inert_frame(frame)
    assert out["objet"].tolist() == ["'=1+1", "ok"]
    assert out["str"].tolist() == ["'@x", "-1"]
    assert out["string"].iloc[0] == "'-1+cmd|x" and out["string"].isna().iloc[1]
    assert out["categorie"].tolist() == ["'+x", "y"]
    assert out["nombre"].tolist() == [-1, 2]
    assert frame["objet"].tolist() == ["=1+1", "ok"]  # the input is not modified


def test_kumu_csv_text_of_str_dtype_is_inert(tmp_path):
    import networkx as nx

    from diagnostic.export.network import to_kumu

    g = nx.Graph()
    g.add_node("=cmd|' /C calc'!A0", kind="actor", actor_type="-1+cmd|' /C calc'!A0")
    g.add_node("B", kind="actor", actor_type="@SUM(A1)")
    g.add_edge("=cmd|' /C calc'!A0", "B", relation="+direct", category="-2")
    elements, connections = to_kumu(g, tmp_path)
    cells = [line for path in (elements, connections) for line in path.read_text().splitlines()]
    text = "\n".join(cells)
    assert "'=cmd|' /C calc'!A0" in text and "'-1+cmd|" in text and "'@SUM(A1)" in text
    assert "'+direct" in text
    for line in cells[1:]:
        for cell in line.split(","):
            assert not cell.strip('"').startswith(("=", "+", "@", "-1+")), line


def test_workbook_tables_keep_live_text_as_text_once_edited(tmp_path):
    frame = pd.DataFrame({"texte": ["=1+1", "-1", "-1+cmd|' /C calc'!A0", "ok", "@x"]})
    with open_book(tmp_path / "t.xlsx") as book:
        ws = book.sheet("feuille")
        write_frame(book, ws, frame, 0, {"texte": "Texte"})
    ws = load_workbook(tmp_path / "t.xlsx")["feuille"]
    cells = [ws.cell(r, 1) for r in range(2, 7)]
    assert [c.value for c in cells] == frame["texte"].tolist()  # shown unchanged
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, False, True, False, True]


def test_data_sheet_quotes_the_formula_planted_in_a_comment(tmp_path, example_diag):
    import diagnostic
    from diagnostic.export.cells import is_live

    path = diagnostic.to_workbook(example_diag, tmp_path / "d.xlsx")
    ws = load_workbook(path)["Données"]
    live = [c for row in ws.iter_rows() for c in row if is_live(c.value)]
    assert live, "the example plants a formula in a comment"
    assert all(c.quotePrefix and c.data_type == "s" for c in live)
    plain_text = [c for row in ws.iter_rows(min_row=6) for c in row if c.value == "Important"]
    assert plain_text and not any(c.quotePrefix for c in plain_text)
