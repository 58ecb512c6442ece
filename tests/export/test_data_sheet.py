"""The data annex: above a size, the Données sheet leaves the workbook for a CSV file."""

import csv
from dataclasses import replace

import pandas as pd
import pytest
from openpyxl import load_workbook

import diagnostic
from diagnostic.export import data_sheet


def _sheet_table(ws) -> list[list]:
    """The Données sheet from its header row (the row starting with « Acteur ») down."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "Acteur")
    return rows[start:]


def _csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _as_csv_text(value) -> str:
    """How a sheet cell reads in a CSV file written by pandas (independent of our code)."""
    if value is None:
        return ""
    if isinstance(value, str):
        live = value[:1] in ("=", "+", "-", "@", "\t", "\r")
        try:
            float(value.replace(",", "."))
            live = False  # a true negative number stays as it is
        except ValueError:
            pass
        return "'" + value if live else value
    return repr(float(value))


@pytest.fixture(scope="module")
def both(tmp_path_factory, example_diag):
    """The example's workbook written twice: with its Données sheet, then with the
    threshold lowered below its size (the annex beside it, built 40 actors at a time)."""
    sheet_dir = tmp_path_factory.mktemp("sheet")
    annex_dir = tmp_path_factory.mktemp("annex")
    diagnostic.to_workbook(example_diag, sheet_dir / "diagnostic.xlsx")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(data_sheet, "ANNEX_ABOVE", 100)
        mp.setattr(data_sheet, "ANNEX_PART", 40)
        diagnostic.to_workbook(example_diag, annex_dir / "diagnostic.xlsx")
    return sheet_dir, annex_dir


def test_small_survey_keeps_its_data_sheet(both):
    sheet_dir, _ = both
    assert not (sheet_dir / "diagnostic_donnees.csv").exists()
    assert "Données" in load_workbook(sheet_dir / "diagnostic.xlsx").sheetnames


def test_annex_holds_the_data_sheet_cell_by_cell(both, example_diag):
    sheet_dir, annex_dir = both
    old = _sheet_table(load_workbook(sheet_dir / "diagnostic.xlsx", read_only=True)["Données"])
    new = _csv(annex_dir / "diagnostic_donnees.csv")
    assert len(new) == len(old) > 100  # header + one row per published actor
    assert new[0] == old[0]
    width = len(old[0])
    for i, (a, b) in enumerate(zip(old[1:], new[1:]), start=1):
        expected = [_as_csv_text(v) for v in (list(a) + [None] * width)[:width]]
        assert b == expected, f"ligne {i}"


def test_workbook_without_data_sheet_says_where_the_answers_are(both):
    _, annex_dir = both
    book = load_workbook(annex_dir / "diagnostic.xlsx")
    assert not [s for s in book.sheetnames if s.startswith("Données")]
    summary = [r[0] for r in book["Sommaire"].iter_rows(values_only=True)]
    assert "Données" not in summary
    method = [r[0] for r in book["Méthode"].iter_rows(values_only=True) if r[0]]
    note = next(t for t in method if "diagnostic_donnees.csv" in t)
    assert "148 acteurs" in note and "plus de 100 cellules" in note


def test_write_outputs_returns_and_swaps_in_the_annex(tmp_path, example_diag, monkeypatch):
    monkeypatch.setattr(data_sheet, "ANNEX_ABOVE", 100)
    paths = diagnostic.write_outputs(example_diag, tmp_path)
    assert paths["data"] == tmp_path / "diagnostic_donnees.csv"
    assert paths["data"].is_file()


def test_live_text_in_the_annex_gets_an_apostrophe(tmp_path, example_diag):
    from dataclasses import replace

    answers = example_diag.answers.copy()
    row = answers.index[answers["question_id"] == "commentaire"][0]
    answers.loc[row, "value"] = "=HYPERLINK(1)"
    diag = replace(example_diag, answers=answers)
    path = data_sheet.write_annex(diag, tmp_path / "d.csv")
    cells = [c for r in _csv(path) for c in r]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells


def test_annex_parts_mask_each_respondents_own_name(tmp_path, example_diag):
    """Built 40 actors at a time, the annex still masks a respondent's own structure name
    in their free text (an actor of the third part), and only in their text."""
    late, other = example_diag.actors["actor_id"].iloc[[100, 5]].tolist()
    assert example_diag.personal.loc[
        (example_diag.personal["actor_id"] == late)
        & (example_diag.personal["field"] == "nom_structure"),
        "value",
    ].tolist() == ["Foyer rural Perrin"]
    answers = example_diag.answers
    mine = answers["actor_id"].isin([late, other]) & (answers["question_id"] == "commentaire")
    said = pd.DataFrame(
        {
            "actor_id": [late, other],
            "question_id": "commentaire",
            "value": [
                "Le Foyer rural Perrin prête sa salle",
                "Le Foyer rural Perrin prête sa salle",
            ],
        }
    )
    answers = pd.concat([answers[~mine], said], ignore_index=True).astype(answers.dtypes.to_dict())
    diag = replace(example_diag, answers=answers)
    path = data_sheet.write_annex(diag, tmp_path / "annexe.csv", part=40)
    rows = _csv(path)
    column = rows[0].index("commentaire")
    cells = {row[0]: row[column] for row in rows[1:]}
    assert cells[late] == "Le [nom masqué] prête sa salle"
    assert cells[other] == "Le Foyer rural Perrin prête sa salle"  # not their own name


def test_data_table_places_each_answer_in_its_actors_row():
    """Rows in the actors' order; a repeat group's answers in the order of its rows
    whatever the order they come in; several choices in the form's order, an answer the
    list does not hold after them; an actor outside the table leaves no row."""
    from types import SimpleNamespace

    questions = pd.DataFrame(
        {
            "question_id": ["age", "aides", "nom"],
            "label": ["Âge", "Aides", "Nom"],
            "type": ["text", "select_multiple", "text"],
            "role": [None, None, "actor_name"],
            "list_name": [None, "aides", None],
            "repeat": ["membres", None, None],
        }
    )
    choices = pd.DataFrame(
        {"list_name": ["aides"] * 2, "value": ["a", "b"], "label": ["Argent", "Bénévoles"]}
    )
    answers = pd.DataFrame(
        {
            "actor_id": ["A2", "A2", "A1", "A2", "A2", "A2", "A9", "A1"],
            "question_id": ["age", "age", "aides", "aides", "aides", "aides", "age", "nom"],
            "value": ["40", "12", "b", "zz", "b", "a", "33", "Paul"],
            "instance": pd.array([2, 1, None, None, None, None, 1, None], dtype="Int64"),
        }
    )
    actors = pd.DataFrame(
        {"actor_id": ["A2", "A1"], "actor_type": ["asso", "ent"], "commune_code": ["1", "2"]}
    )
    diag = SimpleNamespace(questions=questions, choices=choices, answers=answers, actors=actors)
    table = data_sheet.data_table(diag, "consultant")
    assert table.columns.tolist() == ["actor_id", "actor_type", "commune_code", "age", "aides"]
    assert table["actor_id"].tolist() == ["A2", "A1"]
    assert table["age"].iloc[0] == "12 ; 40" and pd.isna(table["age"].iloc[1])
    assert table["aides"].tolist() == ["Argent ; Bénévoles ; zz", "Bénévoles"]
