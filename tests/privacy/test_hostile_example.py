"""Respondent text planted in category answers of a copy of the example: it becomes
« autre » everywhere, and is kept, masked, only in the anomalies."""

import shutil
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

import diagnostic

PERSON = "Jeanne Moreau 0698765432"
MARKUP = "<img src=x onerror=alert(1)>"
WILL = "oui si Paul Martin paul.martin@exemple.fr rappelle"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "projet"
    shutil.copytree(diagnostic.example_project().parent, folder)
    path = folder / "export_kobo_acteurs.xlsx"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("identite/type_acteur") + 1).value = PERSON
    ws.cell(3, header.index("identite/secteur") + 1).value = MARKUP
    ws.cell(4, header.index("cooperation/volonte") + 1).value = WILL
    wb.save(path)
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
