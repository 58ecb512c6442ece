"""Placing respondents by name, participation, maps and the project wiring."""

import json

import pandas as pd
import pytest

import diagnostic
from diagnostic import DiagnosticError, place_actors
from diagnostic.plots import plot_commune_map
from diagnostic.territory import attach_epci, boundary_differences, normalise_name, participation
from diagnostic.territory.names import split_postal_code

ETALAB = "geo/etalab_decoupage-administratif_6.0.0_communes_dep61-09-48.json"
EPCI = "geo/etalab_decoupage-administratif_6.0.0_epci_dep61-09-48.json"
ORNE_GEOJSON = "geo/gregoiredavid_communes-61-orne.geojson"


@pytest.fixture(scope="module")
def communes(shared):
    table = diagnostic.read_communes(shared / ETALAB)
    return attach_epci(table, diagnostic.read_epci(shared / EPCI)[1])


def _actors(names):
    return pd.DataFrame(
        {
            "actor_id": [f"a{i}" for i in range(len(names))],
            "actor_type": "asso",
            "commune_name": pd.array(names, dtype="string"),
            "source_file": "x.xlsx",
            "source_row": range(2, len(names) + 2),
        }
    )


@pytest.mark.parametrize(
    "a, b",
    [
        ("La Ferté-Macé", "Ferté Macé"),
        ("La Ferté Macé", "ferte-mace"),
        ("Ferté-Macé (La)", "la ferte mace"),
        ("L'Aigle", "Aigle"),
        ("L’Aigle", "l aigle"),
        ("St-Langis-lès-Mortagne", "Saint Langis les Mortagne"),
        ("Ste Céronne lès Mortagne", "Sainte-Céronne-lès-Mortagne"),
        ("MORTAGNE AU PERCHE", "Mortagne-au-Perche"),
        ("Bellême", "BELLEME"),
        ("Les Authieux-du-Puits", "Authieux du Puits"),
        ("Cœuvres", "Coeuvres"),
        ("Bellou s/ Huisne", "Bellou-sur-Huisne"),
    ],
)
def test_spellings_meet(a, b):
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(
    "written, code",
    [
        ("La Ferté-Macé", "61168"),
        ("ferte mace", "61168"),
        ("L'Aigle", "61214"),
        ("St Langis les Mortagne", "61414"),
        ("Ste-Céronne-lès-Mortagne", "61373"),
        ("61400 Mortagne au Perche", "61293"),
        ("Mortagne-au-Perch", "61293"),
        ("61293", "61293"),
        ("Le Merlerault", "61275"),
        ("Nonant-le-Pin", "61275"),
        ("Barjac 48000", "48018"),
        ("Barjac (09230)", "09037"),
        ("Montbel 48170", "48100"),
        ("61790", "61447"),
        ("61130", "61130"),  # a bare postal code; a COG code wins
    ],
)
def test_real_spellings_are_placed(communes, written, code):
    placed, _ = place_actors(_actors([written]), communes)
    assert placed["commune_code"].tolist() == [code]


@pytest.mark.parametrize(
    "name, area, code",
    [
        ("Barjac", {"48018"}, "48018"),
        ("Barjac", {"09037", "09001"}, "09037"),
        ("Montbel", {"09200"}, "09200"),
        ("Montbel", {"48100"}, "48100"),
    ],
)
def test_homonyms_are_resolved_within_the_study_area(communes, name, area, code):
    placed, anomalies = place_actors(_actors([name]), communes, area=area)
    assert placed["commune_code"].tolist() == [code]
    assert anomalies["problem"].str.contains("zone d'étude retenue").tolist() == [True]


@pytest.mark.parametrize("name", ["Barjac", "Montbel"])
def test_homonyms_outside_the_area_stay_unplaced_with_candidates(communes, name):
    placed, anomalies = place_actors(_actors([name]), communes, area={"61001"})
    assert placed["commune_code"].isna().all()
    assert "ambigu" in anomalies["problem"].iloc[0] and "(09)" in anomalies["problem"].iloc[0]
    assert anomalies["problem"].iloc[0].count("(48)") == 1


def test_fuzzy_is_strict_and_always_reported(communes):
    placed, anomalies = place_actors(
        _actors(["Mortagne-au-Perch", "Mortagne", "", "Zzz", "48000"]), communes
    )
    assert placed["commune_code"].fillna("-").tolist() == ["61293", "-", "-", "-", "-"]
    assert anomalies[["row", "action"]].values.tolist() == [
        [2, "corrigé"],
        [3, "conservé"],
        [4, "conservé"],
        [5, "conservé"],
        [6, "conservé"],
    ]
    assert "code postal ambigu" in anomalies["problem"].iloc[4]
    assert "les plus proches" in anomalies["problem"].iloc[1]
    assert "Mortagne-au-Perche (61)" in anomalies["problem"].iloc[1]


@pytest.mark.parametrize(
    "text, name, postal",
    [
        ("61400 Mortagne-au-Perche", "Mortagne-au-Perche", "61400"),
        ("Mortagne (61400)", "Mortagne", "61400"),
        ("Bellême", "Bellême", None),
    ],
)
def test_postal_codes_are_split_from_names(text, name, postal):
    assert split_postal_code(text) == (name, postal)


def test_participation_counts_establishments_and_density(communes):
    actors = pd.DataFrame(
        {
            "actor_type": ["asso", "asso", "entreprise", "entreprise"],
            "commune_code": ["61293", "61293", None, "61038"],  # Bellême: outside the area
        }
    )
    ind = pd.DataFrame(
        {
            "geo_level": "commune",
            "geo_code": ["61293", "61293", "61038"],
            "indicator": ["ETTOT24", "degre_densite", "ETTOT24"],
            "value": [200.0, 3.0, 107.0],
        }
    )
    table = participation(actors, communes, {"61293"}, ind)
    row = table[table["commune_code"] == "61293"].iloc[0]
    assert (
        row["respondents"],
        row["establishments"],
        row["per_100_establishments"],
        row["density_class"],
    ) == (2, 200, 1.0, "peu dense")
    # the unplaced actor and the one outside the area on one row: no code, no establishments
    rest = table[table["commune_code"].isna()]
    assert rest[["commune", "actor_type", "respondents"]].values.tolist() == [
        ["(commune non placée)", "entreprise", 2]
    ]
    assert rest[["establishments", "per_100_establishments"]].isna().all().all()
    assert "61038" not in set(table["commune_code"].dropna())


def test_commune_map_reports_vintage_differences(shared, communes):
    current = communes[(communes["departement"] == "61") & (communes["type"] == "COM")]
    values = pd.Series(1.0, index=current["commune_code"])
    fig, anomalies = plot_commune_map(shared / ORNE_GEOJSON, values, title="Répondants")
    trace = fig.to_dict()["data"][0]
    assert trace["type"] == "choropleth" and len(trace["locations"]) == 389
    assert "Répondants" in fig.layout.title.text  # in the plots' title style
    only_data = anomalies[anomalies["problem"].str.startswith("commune des données")]
    only_map = anomalies[anomalies["problem"].str.startswith("contour sans donnée")]
    assert not only_data["value"].str.contains("61275", na=False).any()  # same code, new commune

    def values(lines) -> int:  # one line per problem: « … (9 valeurs) »
        counts = lines["problem"].str.extract(r"\((\d+) valeurs\)")[0]
        return int(counts.astype(float).fillna(1).sum()) if len(lines) else 0

    assert values(only_map) - values(only_data) == 389 - 381


def test_geojson_without_codes_is_a_french_error(tmp_path):
    bad = tmp_path / "c.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [{"properties": {}}]}))
    with pytest.raises(DiagnosticError, match=r"c\.geojson.*propriété « code »"):
        plot_commune_map(bad, pd.Series(dtype=float))


def test_boundary_differences_on_a_tiny_collection():
    geo = {"features": [{"properties": {"code": "61001"}}, {"properties": {"code": "61002"}}]}
    found = boundary_differences(geo, ["61001", "61999"], file="c.geojson")
    assert found[["value", "action"]].values.tolist() == [
        ["61999", "conservé"],
        ["61002", "conservé"],
    ]


def test_example_project_still_writes_context_and_participation(example_diag, demo_out):
    context = pd.read_csv(demo_out / "tables" / "context.csv", dtype={"geo_code": str})
    part = pd.read_csv(demo_out / "tables" / "participation.csv")
    assert context.loc[context["indicator"] == "population", "value"].tolist() == [13531, 13531]
    # every respondent counted, except a type below min_group_size (the 4 financeurs)
    sizes = example_diag.actors["actor_type"].value_counts()
    small = sizes[sizes < example_diag.settings.min_group_size]
    assert small.to_dict() == {"financeur": 4}
    assert part["respondents"].sum() == len(example_diag.actors) - 4


def test_project_wires_changes_boundaries_and_indicators(tmp_path, shared):
    project = tmp_path / "diagnostic.toml"
    example = diagnostic.example_project().parent
    project.write_text(
        f"""
territory = ["200036069"]
[[survey]]
responses = "{example / "export_kobo_acteurs.xlsx"}"
form = "{example / "formulaire_acteurs.xlsx"}"
[geography]
communes = "{shared / ETALAB}"
epci = "{shared / EPCI}"
changes = "{shared / "geo/insee_cog2019_mvtcommune2019_dep61-09-48.csv"}"
boundaries = "{shared / ORNE_GEOJSON}"
[[indicators]]
file = "{shared / "indicators/insee_base_cc_comparateur_dep61_extract.csv"}"
""",
        encoding="utf-8",
    )
    spec = diagnostic.read_project(project)
    assert spec.changes.name.startswith("insee_cog2019_mvt") and len(spec.indicators) == 1
    diag = diagnostic.run_diagnostic(spec)
    dep = diag.context[
        (diag.context["indicator"] == "P22_POP") & (diag.context["geo_level"] == "département")
    ]
    assert dep["value"].tolist() == [276144]
    assert diag.participation["establishments"].notna().any()
    assert diag.anomalies["file"].eq("gregoiredavid_communes-61-orne.geojson").any()


def test_project_with_a_missing_indicator_file_is_a_french_error(tmp_path):
    example = diagnostic.example_project().parent
    project = tmp_path / "diagnostic.toml"
    project.write_text(
        f"""
[[survey]]
responses = "{example / "export_kobo_acteurs.xlsx"}"
[geography]
communes = "{example / "geo/communes.json"}"
[[indicators]]
file = "absent.csv"
""",
        encoding="utf-8",
    )
    with pytest.raises(DiagnosticError, match="diagnostic.toml.*introuvable : absent.csv"):
        diagnostic.read_project(project)
