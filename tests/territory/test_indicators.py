"""Indicator readers, aggregation and comparisons on the real files of ../shared/data/indicators."""

import pandas as pd
import pytest

import diagnostic
from diagnostic import DiagnosticError, Settings, read_communes, read_epci, read_indicators
from diagnostic.territory import (
    aggregate_indicators,
    attach_epci,
    compare_territories,
    density_classes,
    read_area_names,
)

IND = "indicators"
MORTAGNE = "200036069"


@pytest.fixture(scope="module")
def comparateur(shared):
    return read_indicators(
        shared / IND / "insee_base_cc_comparateur_dep61_extract.csv", with_anomalies=True
    )


@pytest.fixture(scope="module")
def ensemble(shared):
    return read_indicators(shared / IND / "insee_populations_legales_2025_ensemble.xlsx")


@pytest.fixture(scope="module")
def grid(shared):
    return read_indicators(shared / IND / "insee_grille_densite_niveau_detaille_2022.xlsx")


@pytest.fixture(scope="module")
def geography(shared):
    communes = read_communes(
        shared / "geo/etalab_decoupage-administratif_6.0.0_communes_dep61-09-48.json"
    )
    epci, members = read_epci(
        shared / "geo/etalab_decoupage-administratif_6.0.0_epci_dep61-09-48.json"
    )
    return attach_epci(communes, members), epci


def _value(table, code, name):
    hit = table[(table["geo_code"] == code) & (table["indicator"] == name)]
    assert len(hit) == 1, (code, name)
    return hit.iloc[0]


@pytest.mark.parametrize(
    "code, name, value, reason",
    [
        ("61001", "P22_POP", 25667.0, None),
        ("61001", "PIMP21", 41.0, None),  # comma decimal "41,0"
        ("61001", "TP6021", 28.0, None),
        ("61001", "P22_MEN", 13614.3710614355, None),  # fractional census count
        ("61002", "PIMP21", None, "secret statistique"),
        ("61002", "MED21", 20400.0, None),
        ("61017", "P22_POP", None, "non renseigné"),
        ("61192", "NBMENFISC21", 42.0, None),
    ],
)
def test_comparateur_values_secrets_and_blanks(comparateur, code, name, value, reason):
    row = _value(comparateur[0], code, name)
    if value is None:
        assert pd.isna(row["value"]) and reason in row["missing_reason"]
    else:
        assert row["value"] == pytest.approx(value) and pd.isna(row["missing_reason"])


def test_comparateur_keeps_numerators_and_denominators(comparateur):
    table, anomalies = comparateur
    assert anomalies.empty and table["geo_code"].nunique() == 385
    rate = _value(table, "61001", "taux_chomage")
    assert rate["value"] == pytest.approx(1980.69421789779 / 10429.6048489431 * 100)
    assert (rate["numerator"], rate["denominator"]) == pytest.approx(
        (1980.69421789779, 10429.6048489431)
    )
    assert _value(table, "61001", "PIMP21")["numerator"] == pytest.approx(0.41 * 11921)


@pytest.mark.parametrize(
    "file, code, pmun",
    [
        ("insee_populations_legales_2025_ensemble.xlsx", "61001", 25667),
        ("insee_populations_legales_2025_ensemble.xlsx", "2A004", 75343),
        ("insee_populations_legales_donnees_communes_dep61-09-48.csv", "09001", 60),
        ("insee_populations_legales_donnees_communes_dep61-09-48.csv", "61001", 25870),
    ],
)
def test_populations_legales_rebuild_split_codes(shared, ensemble, file, code, pmun):
    table = ensemble if file.endswith("xlsx") else read_indicators(shared / IND / file)
    assert _value(table, code, "PMUN")["value"] == pmun


def test_ensemble_sums_to_the_orne_total_and_reads_the_year(ensemble):
    pmun = ensemble[(ensemble["indicator"] == "PMUN") & ensemble["geo_code"].str.startswith("61")]
    assert len(pmun) == 385 and pmun["value"].sum() == 276144
    assert set(pmun["year"]) == {2022}


def test_density_grid_header_with_newlines_and_orne_classes(grid):
    classes = density_classes(grid)
    orne = classes[classes.index.str.startswith("61")].value_counts().to_dict()
    assert orne == {"très peu dense": 189, "peu dense": 186, "intermédiaire": 10}
    assert classes["61001"] == "intermédiaire"


def test_area_population_is_the_sum_of_its_communes(ensemble, geography):
    communes, _ = geography
    area = communes.loc[
        (communes["epci_code"] == MORTAGNE) & (communes["type"] == "COM"), "commune_code"
    ]
    members = pd.DataFrame({"geo_level": "zone", "geo_code": "z", "commune_code": area})
    agg = aggregate_indicators(ensemble[ensemble["indicator"] == "PMUN"], members)
    expected = ensemble[(ensemble["indicator"] == "PMUN") & ensemble["geo_code"].isin(set(area))]
    assert len(expected) == 33 and agg["value"].iloc[0] == expected["value"].sum() == 13515


def test_rates_are_recomputed_from_counts_not_averaged():
    ind = pd.DataFrame(
        {
            "geo_level": "commune",
            "geo_code": ["a", "b", "c"],
            "indicator": ["taux_chomage"] * 2 + ["MED21"],
            "year": 2022,
            "value": [10.0, 50.0, 20000.0],
            "numerator": [1.0, 5.0, None],
            "denominator": [10.0, 10.0, None],
        }
    )
    members = pd.DataFrame({"geo_level": "zone", "geo_code": "z", "commune_code": ["a", "b"]})
    agg = aggregate_indicators(ind[ind["indicator"] == "taux_chomage"], members)
    assert agg[["value", "numerator", "denominator"]].iloc[0].tolist() == [30.0, 6.0, 20.0]
    both = pd.DataFrame({"geo_level": "zone", "geo_code": "z", "commune_code": ["c", "a"]})
    median = aggregate_indicators(ind[ind["indicator"] == "MED21"], both)
    assert pd.isna(median["value"].iloc[0]) and "non additif" in median["missing_reason"].iloc[0]


def test_merged_commune_gets_the_sum_of_its_former_communes(ensemble, comparateur, geography):
    communes, epci = geography
    context, moved = compare_territories(
        pd.concat([ensemble, comparateur[0]]), communes, {"61275"}, epci=epci
    )
    area = context[(context["geo_level"] == "zone d'étude")].set_index("indicator")["value"]
    # ensemble 2025 (limits 2024): 754 + the four absorbed communes = comparateur's 1435
    assert area["PMUN"] == area["P22_POP"] == 1435
    # one line per problem: the four absorbed codes are named on a « corrigé » line
    for code in ("61017", "61188", "61192", "61310"):
        lines = moved[moved["value"].str.contains(code, regex=False, na=False)]
        assert set(lines["action"]) == {"corrigé"}, code


def test_study_area_against_epci_departement_region_france(ensemble, comparateur, grid, geography):
    communes, epci = geography
    area = set(communes.loc[communes["epci_code"] == MORTAGNE, "commune_code"])
    context, _ = compare_territories(
        pd.concat([ensemble, comparateur[0], grid]),
        communes,
        area,
        Settings(notable_gap_index=15),
        epci=epci,
    )
    pmun = context[context["indicator"] == "PMUN"].set_index("geo_level")["value"]
    assert pmun.to_dict() == {
        "zone d'étude": 13515,
        "EPCI": 13515,
        "département": 276144,
        "région": 3339074,
        "France": 67760573,
    }
    rsec = context[
        (context["indicator"] == "part_residences_secondaires")
        & (context["geo_level"] == "département")
    ].iloc[0]
    assert rsec["index"] == pytest.approx(17.155705 / 10.595287 * 100, rel=1e-5)
    assert rsec["gap"] == pytest.approx(6.56, abs=0.01) and bool(rsec["notable"])
    assert "région" not in set(context.loc[context["indicator"] == "P22_POP", "geo_level"])
    med = context[(context["indicator"] == "MED21")]
    assert med["value"].isna().all() and med["missing_reason"].str.contains("non additif").all()


def test_unknown_indicator_file_is_a_french_error(tmp_path):
    bad = tmp_path / "stats.csv"
    bad.write_text("X;Y\n1;2\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match=r"stats\.csv.*fichier d'indicateurs non reconnu"):
        read_indicators(bad)


def test_unreadable_value_is_an_anomaly_not_a_silent_nan(tmp_path):
    f = tmp_path / "base.csv"
    f.write_text("CODGEO;P22_POP;MED21\n9001;12;s\n61002;douze;20400\n", encoding="utf-8")
    table, anomalies = read_indicators(f, with_anomalies=True)
    assert anomalies[["row", "column", "value", "action"]].values.tolist() == [
        [2, "CODGEO", "9001", "corrigé"],
        [3, "P22_POP", "douze", "conservé"],
    ]
    assert _value(table, "09001", "MED21")["missing_reason"] == "secret statistique (Insee)"


def test_settings_describe_the_new_thresholds():
    names = {name for name, _, _ in Settings().describe()}
    assert {"notable_gap_index", "notable_gap_points"} <= names
    assert diagnostic.schemas.columns("indicators")[-1] == "missing_reason"


def test_context_names_the_survey_as_source_of_the_respondent_rows(example_diag):
    ctx = example_diag.context.set_index("indicator")
    assert ctx.loc["respondents", "source"] == "Enquête auprès des acteurs"
    assert ctx.loc["respondents", "value"] == 148
    assert ctx.loc["population", "source"].iloc[0].startswith("Etalab")


def test_references_are_named_from_the_departements_and_regions_files(
    shared, comparateur, grid, geography
):
    communes, epci = geography
    area = set(communes.loc[communes["epci_code"] == MORTAGNE, "commune_code"])
    indicators = pd.concat([comparateur[0], grid])
    unnamed, _ = compare_territories(indicators, communes, area, epci=epci)
    names = {
        "département": read_area_names(
            shared / "geo/etalab_decoupage-administratif_6.0.0_departements.json"
        ),
        "région": read_area_names(shared / "geo/insee_cog2019_region2019.csv"),  # INSEE's COG
    }
    named, _ = compare_territories(indicators, communes, area, epci=epci, area_names=names)

    def labels(context):
        return context.drop_duplicates("geo_level").set_index("geo_level")["geo_name"].to_dict()

    # by hand: département 61 is the Orne, région 28 Normandie (Etalab and the COG agree)
    assert labels(named) == {
        "zone d'étude": "Zone d'étude",
        "EPCI": "CC du Pays de Mortagne-au-Perche",
        "département": "Orne",
        "région": "Normandie",
        "France": "France",  # the density grid is national
    }
    # without a name, a reference is called by its code; codes and values are the same
    assert labels(unnamed)["département"] == "Département 61"
    assert labels(unnamed)["région"] == "Région 28"
    columns = ["indicator", "geo_level", "geo_code", "value"]
    pd.testing.assert_frame_equal(named[columns], unnamed[columns])


def test_area_names_from_an_unknown_file_is_a_plain_message(tmp_path):
    bad = tmp_path / "noms.csv"
    bad.write_text("code;nom\n61;Orne\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match="DEP ou REG, LIBELLE"):
        read_area_names(bad)
    wrong = tmp_path / "departements.json"
    wrong.write_text('[{"code": "61"}]', encoding="utf-8")
    with pytest.raises(DiagnosticError, match="code » et « nom"):
        read_area_names(wrong)


def _apl_workbook(path, sheets: dict) -> None:
    """A workbook laid out as DREES's APL file: a parameters sheet, then one sheet per year
    with title rows, a header, a units line and the communes."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Paramètres"
    wb.active.append(["Paramètres de l'indicateur d'APL aux médecins généralistes"])
    for name, (population, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append([f"Indicateur d'accessibilité potentielle localisée (APL) {name[4:]}"])
        ws.append([])
        ws.append(["Note : l'APL communal doit être pondéré par la population standardisée."])
        ws.append(
            [
                "Code commune INSEE",
                "Commune",
                "APL aux médecins généralistes",
                "APL aux médecins généralistes de moins de 65 ans",
                *population,
            ]
        )
        ws.append([None, None, "En nombre de consultations", "En nombre de consultations"])
        for row in rows:
            ws.append(row)
    wb.save(path)


def test_drees_apl_latest_sheet_weighted_by_standardised_population(tmp_path):
    path = tmp_path / "apl_generalistes.xlsx"
    population = ["Population standardisée 2021 pour la médecine générale", "Population totale"]
    _apl_workbook(
        path,
        {
            "APL 2022": (population, [["61293", "Mortagne", 9.0, 9.0, 1.0, 1]]),
            "APL 2023": (
                population,
                [
                    ["61293", "Mortagne-au-Perche", 4.0, 3.0, 1000.0, 900],
                    ["61001", "Alençon", "2,0", None, 3000.0, 3100],
                ],
            ),
        },
    )
    table, anomalies = read_indicators(path, with_anomalies=True)
    assert anomalies.empty
    apl = table[table["indicator"] == "apl_medecins_generalistes"].set_index("geo_code")
    assert apl["year"].tolist() == [2023, 2023]  # the latest sheet, not the first
    assert apl.loc["61293", ["value", "numerator", "denominator"]].tolist() == [4.0, 4000.0, 1000]
    assert apl.loc["61001", "value"] == 2.0  # a decimal comma is read
    members = pd.DataFrame(
        {"geo_level": "zone", "geo_code": "z", "commune_code": ["61293", "61001"]}
    )
    # by hand: (4 × 1 000 + 2 × 3 000) / (1 000 + 3 000) = 2.5, not the mean of 4 and 2
    agg = aggregate_indicators(apl.reset_index(), members)
    assert agg["value"].iloc[0] == 2.5
    under65 = table[table["indicator"] == "apl_medecins_generalistes_65"]
    agg = aggregate_indicators(under65, members)
    assert pd.isna(agg["value"].iloc[0])
    assert agg["missing_reason"].iloc[0].startswith("donnée manquante pour 1 commune(s) sur 2")
    assert table["source"].iloc[0] == (
        "Drees, accessibilité potentielle localisée aux médecins généralistes 2023 "
        "(apl_generalistes.xlsx)"
    )


def test_drees_apl_without_standardised_population_is_a_french_error(tmp_path):
    path = tmp_path / "apl.xlsx"
    _apl_workbook(path, {"APL 2023": (["Population totale"], [["61293", "M", 4.0, 3.0, 900]])})
    with pytest.raises(DiagnosticError, match=r"apl\.xlsx.*Population standardisée"):
        read_indicators(path)


def test_density_grid_unreadable_population_is_one_anomaly_at_its_row(tmp_path):
    """The population is parsed once: an unreadable one is said once, at its own row
    (two title rows above the header here), and its shares stay without a value."""
    from openpyxl import Workbook

    path = tmp_path / "grille.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Grille communale de densité"])
    ws.append([])
    ws.append(["Code \nCommune", "Libellé", "Typo degré de \nDensité", "Population \nmunicipale"])
    ws.cell(3, 5, "Part \npopulation \nTrès peu dense \n(4)")
    ws.append(["61001", "Alençon", "2", "26129", 0.1])
    ws.append(["61293", "Mortagne-au-Perche", "3", "quatre mille", 0.5])
    wb.save(path)
    table, anomalies = read_indicators(path, with_anomalies=True)
    assert anomalies[["row", "column", "value"]].values.tolist() == [
        [5, "PMUN_GRILLE", "quatre mille"]
    ]
    sparse = table[table["indicator"] == "part_pop_tres_peu_dense"].set_index("geo_code")
    assert sparse.loc["61001", "numerator"] == pytest.approx(2612.9)  # 0.1 × 26 129
    assert pd.isna(sparse.loc["61293", "value"])
