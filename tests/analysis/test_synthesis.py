"""Regard croisé: gaps to the reference from the context table, and the project's links."""

import pandas as pd
import pytest
from conftest import bare_example

import diagnostic
from diagnostic import Settings
from diagnostic.analysis.links import IndicatorLink
from diagnostic.analysis.synthesis import indicator_gaps
from diagnostic.schemas import conform

AREA = "zone d'étude"


def _context(rows):
    """A `context` table from (indicator, level, name, value, index) rows."""
    frame = pd.DataFrame(rows, columns=["indicator", "geo_level", "geo_name", "value", "index"])
    return conform(frame.assign(label=frame["indicator"].str.upper()), "context")


CONTEXT = _context(
    [
        ("chomage", AREA, "Zone d'étude", 10.0, None),
        ("chomage", "EPCI", "CC", 10.0, 100.0),
        ("chomage", "département", "Département 61", 8.0, 125.0),
        ("chomage", "France", "France", 7.5, 133.3),
        ("revenu", AREA, "Zone d'étude", 18000.0, None),
        ("revenu", "département", "Département 61", None, None),
        ("revenu", "région", "Région 28", 20000.0, 90.0),
        ("evolution", AREA, "Zone d'étude", -2.0, None),
        ("evolution", "département", "Département 61", 1.0, None),
        ("mediane", AREA, "Zone d'étude", None, None),
        ("mediane", "département", "Département 61", 21000.0, None),
        ("seul", AREA, "Zone d'étude", 3.0, None),
    ]
)


def test_gaps_are_signed_so_that_positive_means_worse_off():
    links = [
        IndicatorLink("emploi", "chomage", "higher"),
        IndicatorLink("pauvrete", "revenu", "lower"),
    ]
    gaps, problems = indicator_gaps(CONTEXT, links)
    expected = pd.DataFrame(
        {
            # 10 % unemployment against 8 %: 25 % worse; the EPCI is never the default reference
            "issue_id": ["emploi", "pauvrete"],
            "gap": [10 / 8 - 1, -(18000 / 20000 - 1)],
            "indicator": ["chomage", "revenu"],
            "indicator_label": ["CHOMAGE", "REVENU"],
            # no département value for the income: the next broader level is taken
            "reference": ["Département 61", "Région 28"],
            "area_value": [10.0, 18000.0],
            "reference_value": [8.0, 20000.0],
        }
    )
    pd.testing.assert_frame_equal(gaps, expected, check_dtype=False)
    assert problems.empty


def test_reference_level_is_a_setting():
    gaps, _ = indicator_gaps(
        CONTEXT, [IndicatorLink("emploi", "chomage", "higher")], Settings(regard_reference="EPCI")
    )
    assert gaps["reference"].tolist() == ["CC"] and gaps["gap"].tolist() == [0.0]


@pytest.mark.parametrize(
    "code, why",
    [
        ("evolution", "rapport à la référence non calculable (valeur nulle ou négative)"),
        ("mediane", "valeur de la zone d'étude indisponible"),
        ("seul", "aucune valeur de référence (département, région, France)"),
    ],
)
def test_links_without_a_gap_are_reported_not_dropped(code, why):
    gaps, problems = indicator_gaps(
        CONTEXT, [IndicatorLink("x", code, "higher")], file="projet.toml"
    )
    assert gaps.empty and len(problems) == 1
    row = problems.iloc[0]
    assert (row["file"], row["column"], row["value"]) == ("projet.toml", "issue_indicators.x", code)
    assert why in row["problem"] and row["action"] == "enjeu laissé hors du regard croisé"


# -- the project file and the run -------------------------------------------------------------


@pytest.fixture(scope="module")
def regard_folder(tmp_path_factory, shared):
    """The example project on the whole Orne (shared COG geography) with INSEE indicators."""
    folder = tmp_path_factory.mktemp("regard") / "projet"
    toml = bare_example(folder)
    geo = shared / "geo"
    text = (
        toml.read_text(encoding="utf-8")
        .replace(
            '"geo/communes.json"',
            f'"{(geo / "etalab_decoupage-administratif_6.0.0_communes_dep61-09-48.json").as_posix()}"',
        )
        .replace(
            '"geo/epci.json"',
            f'"{(geo / "etalab_decoupage-administratif_6.0.0_epci_dep61-09-48.json").as_posix()}"',
        )
    )
    comparateur = shared / "indicators" / "insee_base_cc_comparateur_dep61_extract.csv"
    toml.write_text(
        text + f'\n[[indicators]]\nfile = "{comparateur.as_posix()}"\n', encoding="utf-8"
    )
    return folder


def _project(folder, links: str, settings: str = ""):
    toml = folder / "diagnostic.toml"
    text = toml.read_text(encoding="utf-8").replace("[settings]\n", "[settings]\n" + settings)
    text += "\n[issue_indicators]\n" + links
    path = folder / "avec_regard.toml"
    path.write_text(text, encoding="utf-8")
    return diagnostic.read_project(path)


LINKS = (
    'enjeu_emploi = "taux_chomage"\n'
    'enjeu_logement = "part_logements_vacants"\n'
    'enjeu_vieillissement = "evolution_population"\n'
    'enjeu_tourisme = { indicator = "part_residences_secondaires", worse_when = "lower" }\n'
)


@pytest.fixture(scope="module")
def regard_diag(regard_folder):
    return diagnostic.run_diagnostic(_project(regard_folder, LINKS))


def test_project_links_read_with_their_direction(regard_folder):
    project = _project(regard_folder, LINKS)
    assert project.issue_indicators == (
        IndicatorLink("enjeu_emploi", "taux_chomage", "higher"),  # from the catalogue
        IndicatorLink("enjeu_logement", "part_logements_vacants", "higher"),
        IndicatorLink("enjeu_vieillissement", "evolution_population", "lower"),
        IndicatorLink("enjeu_tourisme", "part_residences_secondaires", "lower"),
    )  # from the file


def _value(ctx, code, level):
    rows = ctx[(ctx["indicator"] == code) & (ctx["geo_level"] == level)]
    return float(rows["value"].iloc[0])


def test_run_places_linked_issues_against_the_departement(regard_diag):
    d = regard_diag
    r = d.regard_croise.set_index("issue_id")
    assert sorted(r.index) == ["enjeu_emploi", "enjeu_logement", "enjeu_tourisme"]
    # the whole Orne is the reference: its unemployment rate is recomputed from its communes
    area, dep = (
        _value(d.context, "taux_chomage", AREA),
        _value(d.context, "taux_chomage", "département"),
    )
    assert area == pytest.approx(9.006, abs=1e-3) and dep == pytest.approx(11.177, abs=1e-3)
    assert r.loc["enjeu_emploi", "gap"] == pytest.approx(area / dep - 1)
    assert r.loc["enjeu_emploi", "reference"] == "Orne"  # named by the example's departements.json
    support = d.issue_ranking.set_index("issue_id")["support_by_type_mean"]
    assert r.loc["enjeu_emploi", "support"] == pytest.approx(support["enjeu_emploi"])
    # cited by most actors, but less unemployment than in the Orne
    assert r.loc["enjeu_emploi", "quadrant"] == "perçu non objectivé"
    assert r.loc["enjeu_logement", "quadrant"] == "non prioritaire"
    second = _value(d.context, "part_residences_secondaires", AREA) / _value(
        d.context, "part_residences_secondaires", "département"
    )
    assert r.loc["enjeu_tourisme", "gap"] == pytest.approx(-(second - 1))


def test_run_reports_the_link_it_could_not_use(regard_diag):
    found = regard_diag.anomalies[
        regard_diag.anomalies["column"] == "issue_indicators.enjeu_vieillissement"
    ]
    assert len(found) == 1 and found["file"].iloc[0] == "avec_regard.toml"
    assert "evolution_population" in found["problem"].iloc[0]


def test_afom_cites_the_indicator_with_both_values(regard_diag):
    items = regard_diag.afom[regard_diag.afom["source"] == "indicateur"]
    assert set(items["item"]) == {"Recrutement et emploi", "Logement", "Attractivité touristique"}
    assert set(items["category"]) == {"atouts"}  # the area is better off on all three
    emploi = items[items["item"] == "Recrutement et emploi"]["evidence"].iloc[0]
    assert "Taux de chômage des 15-64 ans 2022 (%) : 9,0 contre 11,2 (Orne)" in emploi


def test_report_and_tables_show_the_regard_croise(tmp_path, regard_diag):
    out = diagnostic.write_outputs(regard_diag, tmp_path / "out")
    page = out["html"].read_text(encoding="utf-8")
    assert '<h2 id="s6">Regard croisé</h2>' in page and "perçu non objectivé" in page
    table = pd.read_csv(out["regard_croise"])
    assert table["issue_id"].tolist() == ["enjeu_emploi", "enjeu_logement", "enjeu_tourisme"]


@pytest.mark.parametrize(
    "links, settings, message",
    [
        ('enjeu_inconnu = "taux_chomage"\n', "", "enjeu inconnu « enjeu_inconnu »"),
        (
            'enjeu_emploi = { indicator = "pas_un_indicateur", worse_when = "higher" }\n',
            "",
            "l'indicateur « pas_un_indicateur » n'est dans aucun fichier d'indicateurs",
        ),
    ],
)
def test_run_stops_on_links_that_name_nothing(regard_folder, links, settings, message):
    with pytest.raises(diagnostic.DiagnosticError, match=message):
        diagnostic.run_diagnostic(_project(regard_folder, links, settings))


@pytest.mark.parametrize(
    "links, message",
    [
        (
            'enjeu_emploi = "densite_population"\n',
            "le sens de l'indicateur « densite_population » n'est pas connu",
        ),
        ('enjeu_emploi = { indicator = "taux_chomage", worse_when = "plus" }\n', "n'est pas connu"),
        ("enjeu_emploi = 3\n", "indiquez un code d'indicateur"),
        (
            'enjeu_commerce = { indicator = "ETTOT24", worse_when = "lower" }\n',
            r"« ETTOT24 » \(Établissements actifs 2024\) est un effectif",
        ),
    ],
)
def test_project_file_errors_name_the_key(regard_folder, links, message):
    with pytest.raises(diagnostic.DiagnosticError, match=message) as error:
        _project(regard_folder, links)
    assert error.value.file == "avec_regard.toml"


def test_reference_setting_is_checked(regard_folder):
    with pytest.raises(diagnostic.DiagnosticError, match="regard_reference.*EPCI, département"):
        _project(regard_folder, LINKS, 'regard_reference = "canton"\n')


def test_links_without_indicator_files_are_refused(tmp_path):
    folder = tmp_path / "projet"
    bare_example(folder)
    with pytest.raises(diagnostic.DiagnosticError, match="aucun fichier d'indicateurs"):
        diagnostic.run_diagnostic(_project(folder, 'enjeu_emploi = "taux_chomage"\n'))


def test_quadrant_chart(regard_diag):
    s = regard_diag.settings
    fig = diagnostic.plot_regard_croise(
        regard_diag.regard_croise, s.priority_threshold, s.gap_threshold
    ).to_dict()
    names = [t["name"] for t in fig["data"]]
    assert names == ["perçu non objectivé", "non prioritaire"]
    assert fig["data"][0]["y"] == pytest.approx(
        regard_diag.regard_croise.query("quadrant == 'perçu non objectivé'")["support"].tolist()
    )
    lines = fig["layout"]["shapes"]
    assert lines[0]["x0"] == s.gap_threshold and lines[1]["y0"] == s.priority_threshold
    captions = [a["text"] for a in fig["layout"]["annotations"]]
    assert captions == [
        "<b>Enjeu confirmé</b>",
        "<b>Perçu non objectivé</b>",
        "<b>Sous-estimé</b>",
        "<b>Non prioritaire</b>",
    ]


def test_workbook_regard_sheet_with_its_quadrant_chart(tmp_path, regard_diag):
    import re
    import zipfile

    from openpyxl import load_workbook

    path = diagnostic.to_workbook(regard_diag, tmp_path / "classeur.xlsx")
    wb = load_workbook(path)
    names = wb.sheetnames
    assert names.index("Regard croisé") == names.index("AFOM") + 1
    ws = wb["Regard croisé"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Enjeu")
    assert rows[header][:4] == ["Enjeu", "Lecture", "Soutien", "Indicateur"]
    body = {r[0]: r for r in rows[header + 1 : header + 4]}
    r = regard_diag.regard_croise.set_index("label")
    emploi = body["Recrutement et emploi"]
    assert emploi[1] == "perçu non objectivé"
    assert emploi[2] == pytest.approx(r.loc["Recrutement et emploi", "support"])
    assert emploi[7] == pytest.approx(r.loc["Recrutement et emploi", "gap"])
    cell = ws.cell(header + 2, 3)
    assert cell.number_format == "0.0 %"
    # the quadrant cell coloured as in the HTML report's chart
    quadrant = next(
        ws.cell(i + 1, 2)
        for i in range(header + 1, header + 4)
        if ws.cell(i + 1, 2).value == "perçu non objectivé"
    )
    assert quadrant.fill.fgColor.rgb.endswith("E9C46A")
    with zipfile.ZipFile(path) as z:
        scatter = [
            n
            for n in z.namelist()
            if re.fullmatch(r"xl/charts/chart\d+\.xml", n) and b"<c:scatterChart>" in z.read(n)
        ]
        assert len(scatter) == 1
        xml = z.read(scatter[0]).decode()
    # one series per quadrant present, the axes crossing at the two thresholds
    assert xml.count("<c:ser>") == 2
    assert '<c:crossesAt val="0.1"/>' in xml and '<c:crossesAt val="0.5"/>' in xml


def test_quadrant_labels_of_close_issues_go_above_and_below(example_diag):
    """In the example, employment (gap −19 %, 65 %) and access to care (−14 %, 64 %) are
    neighbours: one label above its point, the other below, so that they do not overlap."""
    s = example_diag.settings
    fig = diagnostic.plot_regard_croise(
        example_diag.regard_croise, s.priority_threshold, s.gap_threshold
    ).to_dict()
    place = {
        text: position
        for trace in fig["data"]
        if trace.get("mode") == "markers+text"
        for text, position in zip(trace["text"], trace["textposition"])
    }
    assert {place["Recrutement et emploi"], place["Accès aux soins"]} == {
        "top center",
        "bottom center",
    }
    assert place["Logement"] == "top center"
