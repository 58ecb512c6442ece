"""Geography readers, code normaliser and vintages, on the real files of ../shared/data/geo."""

import pandas as pd
import pytest

import diagnostic
from diagnostic import DiagnosticError, read_communes, read_epci
from diagnostic.anomalies import AnomalyLog
from diagnostic.territory import (
    check_commune_code,
    match_report,
    normalise_codes,
    to_vintage,
    vintage_mapping,
)

GEO = "geo"
ETALAB = "geo/etalab_decoupage-administratif_6.0.0_communes_dep61-09-48.json"
EPCI_XLSX = "indicators/insee_EPCI_au_01-01-2024.xlsx"


@pytest.fixture(scope="module")
def etalab(shared):
    communes = read_communes(shared / ETALAB)
    epci, members = read_epci(
        shared / "geo/etalab_decoupage-administratif_6.0.0_epci_dep61-09-48.json"
    )
    return diagnostic.territory.attach_epci(communes, members)


def _rows(anomalies: pd.DataFrame) -> int:
    """Rows an anomalies table speaks of: a line « … (12 lignes : 2, 5…) » counts 12."""
    counts = anomalies["problem"].str.extract(r"\((\d+) lignes : ")[0]
    return int(counts.astype(float).fillna(1).sum())


@pytest.fixture(scope="module")
def insee_epci(shared):
    return read_epci(shared / EPCI_XLSX, with_anomalies=True)


@pytest.mark.parametrize(
    "value, code, problem",
    [
        ("61001", "61001", None),
        ("9001", "09001", "zéro initial perdu"),
        (9001, "09001", "zéro initial perdu"),
        (61001.0, "61001", None),
        ("61001.0", "61001", None),
        ("2a004", "2A004", None),
        ("2B4", "2B004", "code corse"),
        (" 48095 ", "48095", None),
        ("20004", None, "2A ou 2B"),
        ("610", None, "invalide"),
        ("abcde", None, "invalide"),
        (None, None, "vide"),
        (float("nan"), None, "vide"),
    ],
)
def test_commune_codes_are_normalised_or_explained(value, code, problem):
    got, why = check_commune_code(value)
    assert got == code
    assert (why is None) if problem is None else (problem in why)


def test_split_codes_and_rejections_become_anomalies():
    log = AnomalyLog("f.csv")
    codes = normalise_codes(["1", "275", "x"], log, column="COM", departements=["9", "61", "61"])
    assert codes.tolist() == ["09001", "61275", pd.NA]
    assert log.frame()[["row", "column", "value", "action"]].values.tolist() == [
        [4, "COM", "61 + X", "rejeté"]
    ]


@pytest.mark.parametrize(
    "file, dep, counts",
    [
        ("insee_cog2022_commune_2022_dep61-09-48.csv", "61", {"COM": 385, "COMD": 139}),
        ("insee_cog2022_commune_2022_dep61-09-48.csv", "48", {"COM": 152, "COMD": 44, "COMA": 4}),
        ("insee_cog2019_commune2019_dep61-09-48.csv", "61", {"COM": 385, "COMD": 142}),
        (
            "cog2021_commune2021_excel-damaged_dep61-09-48.csv",
            "09",
            {"COM": 327, "COMD": 8, "COMA": 1},
        ),
        ("insee_cog2018_comsimp2018_dep61-09-48.txt", "61", {"COM": 389}),
        ("insee_cog2018_comsimp2018_dep61-09-48.txt", "09", {"COM": 331}),
        (
            "etalab_decoupage-administratif_6.0.0_communes_dep61-09-48.json",
            "61",
            {"COM": 381, "COMD": 144},
        ),
    ],
)
def test_read_communes_detects_every_format(shared, file, dep, counts):
    communes = read_communes(shared / GEO / file)
    assert list(communes.columns) == diagnostic.schemas.columns("communes")
    got = communes.loc[communes["departement"] == dep, "type"].value_counts().to_dict()
    assert got == counts


def test_damaged_2021_file_gets_its_ariege_codes_back(shared):
    communes, anomalies = read_communes(
        shared / GEO / "cog2021_commune2021_excel-damaged_dep61-09-48.csv", with_anomalies=True
    )
    ariege = communes[communes["departement"] == "09"]
    assert ariege["commune_code"].str.fullmatch(r"09\d{3}").all()
    assert communes.loc[communes["commune_code"] == "09001", "name"].tolist() == ["Aigues-Juntes"]
    aulos = communes[communes["commune_code"] == "09028"].iloc[0]
    assert (aulos["type"], aulos["parent_code"], aulos["region"]) == ("COMD", "09296", "76")
    # 345 codes completed, one line per column and problem (COM, COMPARENT)
    assert _rows(anomalies) == 345 and set(anomalies["action"]) == {"corrigé"}
    assert anomalies["column"].tolist() == ["COM", "COMPARENT"]
    assert anomalies.iloc[0]["row"] == 2 and anomalies.iloc[0]["value"].startswith("9001 ; ")


def test_comsimp_keeps_articles_and_windows_1252_accents(shared):
    communes = read_communes(shared / GEO / "insee_cog2018_comsimp2018_dep61-09-48.txt")
    names = dict(zip(communes["commune_code"], communes["name"]))
    assert (names["61017"], names["61214"], names["61168"]) == (
        "Les Authieux-du-Puits",
        "L'Aigle",
        "La Ferté Macé",
    )


def test_unknown_communes_file_is_a_french_error(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match=r"x\.csv.*format de fichier des communes"):
        read_communes(bad)


def test_insee_epci_workbook_skips_titles_and_the_sans_objet_pseudo_epci(insee_epci):
    epci, members, anomalies = insee_epci
    assert len(epci) == 1255 and "ZZZZZZZZZ" not in set(epci["epci_code"])
    assert members.loc[members["commune_code"] == "61293", "epci_code"].tolist() == ["200036069"]
    assert _rows(anomalies) == 4 and anomalies["problem"].str.contains("sans objet").all()


def test_every_orne_commune_of_the_comparateur_finds_its_2024_epci(shared, insee_epci):
    base = pd.read_csv(
        shared / "indicators/insee_base_cc_comparateur_dep61_extract.csv",
        sep=";",
        dtype=str,
        usecols=["CODGEO"],
    )
    assert len(base) == 385
    report = match_report(
        base["CODGEO"],
        insee_epci[1]["commune_code"],
        file="comparateur",
        reference_name="EPCI 2024",
    )
    assert report.empty


def test_merlerault_le_pin_absorbs_its_former_communes(etalab):
    mapping = vintage_mapping(etalab)
    absorbed = mapping[mapping["new_code"] == "61275"]
    assert absorbed["old_code"].tolist() == ["61017", "61188", "61192", "61310"]
    assert absorbed["reason"].str.contains("anciensCodes").all()


def test_2018_codes_reach_the_2022_geography_through_mvtcommune(shared):
    c2022 = read_communes(shared / GEO / "insee_cog2022_commune_2022_dep61-09-48.csv")
    changes = diagnostic.read_changes(shared / GEO / "insee_cog2019_mvtcommune2019_dep61-09-48.csv")
    old = read_communes(shared / GEO / "insee_cog2018_comsimp2018_dep61-09-48.txt")
    orne = old.loc[old["departement"] == "61", "commune_code"]
    codes, anomalies = to_vintage(orne, c2022, changes, file="comsimp2018")
    assert codes.notna().all() and codes.nunique() == 385
    assert _rows(anomalies) == 4 and set(anomalies["action"]) == {"corrigé"}


def test_a_code_no_table_knows_is_reported(etalab):
    codes, anomalies = to_vintage(pd.Series(["61001", "61999"]), etalab, file="f")
    assert codes.tolist() == ["61001", pd.NA]
    assert anomalies["problem"].str.contains("absent").tolist() == [True]
