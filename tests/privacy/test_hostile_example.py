"""Respondent text planted in category answers of a copy of the example: it becomes
« autre » everywhere, and is kept, masked, only in the anomalies."""

import shutil
import zipfile

import pandas as pd
import pytest
from conftest import example_with_cells
from openpyxl import load_workbook

import diagnostic

PERSON = "Jeanne Moreau 0698765432"
MARKUP = "<img src=x onerror=alert(1)>"
WILL = "oui si Paul Martin paul.martin@exemple.fr rappelle"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "projet"
    cells = {
        (2, "identite/type_acteur"): PERSON,
        (3, "identite/secteur"): MARKUP,
        (4, "cooperation/volonte"): WILL,
    }
    example_with_cells(folder, cells)
    diag = diagnostic.run_diagnostic(diagnostic.read_project(folder / "diagnostic.toml"))
    out = folder / "sorties"
    diagnostic.write_outputs(diag, out)
    return diag, out


def _texts(out):
    """Every output as text, by name: CSV, GEXF and HTML files, and each sheet's cells."""
    texts = {}
    for path in out.rglob("*"):
        if path.suffix in (".csv", ".gexf", ".html"):
            texts[str(path.relative_to(out))] = path.read_text(encoding="utf-8")
    book = load_workbook(out / "diagnostic.xlsx", read_only=True)
    for ws in book.worksheets:
        cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
        texts[f"xlsx:{ws.title}"] = "\n".join(cells)
    with zipfile.ZipFile(out / "diagnostic.xlsx") as z:  # sheet names, charts' labels
        texts["xlsx:charts"] = "\n".join(
            z.read(n).decode("utf-8")
            for n in z.namelist()
            if n == "xl/workbook.xml" or n.startswith("xl/charts/")
        )
    return texts


def test_planted_answers_become_other(planted):
    diag, _out = planted
    by_row = diag.actors.set_index("source_row")
    assert by_row.at[2, "actor_type"] == "autre"
    assert by_row.at[3, "sector"] == "autre"
    assert by_row.at[4, "cooperation"] == "autre"
    types = set(diag.choices.loc[diag.choices["list_name"] == "types", "value"])
    assert set(diag.actors["actor_type"].dropna()) <= types
    other = diag.choices[(diag.choices["value"] == "autre")].set_index("list_name")["label"]
    assert other["types"] == "Autre" and other["secteurs"] == "Autre"


def test_raw_values_only_in_the_anomalies_and_masked_when_shown(planted):
    diag, out = planted
    found = diag.anomalies[diag.anomalies["problem"].str.contains("remplacée par « autre »")]
    # the consultant's table keeps the raw value; every output masks it
    assert found[["row", "column", "value", "action"]].values.tolist() == [
        [2, "identite/type_acteur", PERSON, "corrigé"],
        [3, "identite/secteur", MARKUP, "corrigé"],
        [4, "cooperation/volonte", WILL, "corrigé"],
    ]
    table = pd.read_csv(out / "tables" / "anomalies.csv", dtype=str)
    shown = table[table["problem"].str.contains("remplacée par « autre »")]
    assert shown["row"].tolist() == ["2", "3", "4"]
    assert shown["value"].iloc[1] == MARKUP
    assert "[téléphone masqué]" in shown["value"].iloc[0]
    assert "[courriel masqué]" in shown["value"].iloc[2]


def test_no_output_shows_the_planted_text_as_a_category(planted):
    _diag, out = planted
    texts = _texts(out)
    assert "tables/actors.csv" in texts and "xlsx:Données" in texts
    for name, content in texts.items():
        assert "0698765432" not in content, name
        assert "paul.martin@exemple.fr" not in content, name
        if name in ("tables/anomalies.csv", "xlsx:Anomalies"):
            continue
        assert "Jeanne Moreau" not in content, name
        assert "Paul Martin" not in content, name
        assert MARKUP not in content, name
        assert "onerror=alert" not in content, name
    actors = pd.read_csv(out / "tables" / "actors.csv")
    # the planted type became « autre », a type of 1 actor: the public view merges it with
    # the 4 financeurs into « autres » (5 actors, published as a type)
    assert "autres" in set(actors["actor_type"]) and "autre" in set(actors["cooperation"])
    assert (actors["actor_type"] == "autres").sum() == 5 and len(actors) == 148
    assert "Autre" in texts["xlsx:Données"]


def test_a_sector_asked_as_free_text_is_no_category(tmp_path):
    """The form asks the sector as text: every answer becomes « autre » in the actors and
    the answers; the respondent's words stay only in the anomalies, masked when exported."""
    folder = tmp_path / "projet"
    shutil.copytree(diagnostic.example_project().parent, folder)
    form = folder / "formulaire_acteurs.xlsx"
    wb = load_workbook(form)
    survey = wb["survey"]
    row = next(r for r in survey.iter_rows(min_row=2) if r[1].value == "secteur")
    row[0].value = "text"
    wb.save(form)
    path = folder / "export_kobo_acteurs.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index("identite/secteur") + 1
    answered = sum(1 for r in range(2, ws.max_row + 1) if ws.cell(r, col).value)
    ws.cell(2, col).value = PERSON
    wb.save(path)
    diag = diagnostic.run_diagnostic(diagnostic.read_project(folder / "diagnostic.toml"))
    sectors = diag.actors["sector"].dropna()
    assert set(sectors) == {"autre"} and len(sectors) > 100
    found = diag.anomalies[diag.anomalies["problem"].str.contains("texte libre")]
    assert found["value"].str.contains(PERSON, regex=False).any()
    assert (found["column"] == "identite/secteur").all() and answered >= len(sectors)
    out = folder / "sorties"
    diagnostic.write_outputs(diag, out)
    texts = _texts(out)
    for name, content in texts.items():
        assert "Jeanne Moreau" not in content and "0698765432" not in content, name
    data = texts["xlsx:Données"]
    assert "Artisanat et BTP" not in data  # the example's sectors were its list's labels
