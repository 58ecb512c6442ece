import csv
import json
import shutil

import pandas as pd
import pytest
from conftest import EXAMPLE
from openpyxl import load_workbook

from diagnostic import DiagnosticError
from diagnostic.datasets import (
    AGES_FILE,
    APL_FILE,
    APL_REFERENCES_FILE,
    COMPARATEUR_FILE,
    DECISIONS_FILE,
    EPCI_CODE,
    EXPORT_FILE,
    FORM_FILE,
    PROJECT_FILE,
    STATUSES_FILE,
    VOTES_FILE,
    extract_example_data,
    write_example,
)
from diagnostic.territory.indicators import read_indicators

RAW_COMPARATEUR = "indicators/insee_base_cc_comparateur_dep61_extract.csv"
RAW_DENSITY = "indicators/insee_grille_densite_niveau_detaille_2022.xlsx"
RAW_POPULATIONS = "indicators/insee_populations_legales_2025_ensemble.xlsx"


def test_generator_regenerates_the_committed_example_identically(tmp_path):
    shutil.copytree(EXAMPLE / "geo", tmp_path / "geo")
    shutil.copytree(EXAMPLE / "insee", tmp_path / "insee")
    shutil.copytree(EXAMPLE / "drees", tmp_path / "drees")
    write_example(tmp_path)
    for name in (FORM_FILE, EXPORT_FILE, PROJECT_FILE, VOTES_FILE, STATUSES_FILE, DECISIONS_FILE):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name


def test_example_export_looks_like_a_kobo_export():
    ws = load_workbook(EXAMPLE / EXPORT_FILE, read_only=True).active
    header = next(ws.iter_rows(max_row=1, values_only=True))
    assert {"_id", "_uuid", "_submission_time", "_index"} <= set(header)
    assert "ressources/besoins" in header and "ressources/besoins/vehicules" in header
    assert ws.max_row == 151  # header + 148 actors + a duplicate + an empty submission


def test_extraction_rebuilds_the_example_public_files_identically(tmp_path, shared):
    written = extract_example_data(shared, tmp_path)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    assert names == [
        "geo/communes.json",
        "geo/contours_communes.geojson",
        "geo/departements.json",
        "geo/epci.json",
        "geo/regions.json",
        "insee/base_cc_comparateur_orne.csv",
        "insee/grille_densite_normandie.xlsx",
        "insee/references_normandie_france.csv",
    ]
    for path in written:
        assert path.read_bytes() == (EXAMPLE / path.relative_to(tmp_path)).read_bytes(), path
    contours = json.loads((EXAMPLE / "geo/contours_communes.geojson").read_text("utf-8"))
    epci = json.loads((EXAMPLE / "geo/epci.json").read_text("utf-8"))
    members = {m["code"] for e in epci if e["code"] == EPCI_CODE for m in e["membres"]}
    assert {f["properties"]["code"] for f in contours["features"]} == members
    assert len(members) == 33
    # small: about 36 KB of contours for 33 communes
    assert (EXAMPLE / "geo/contours_communes.geojson").stat().st_size < 40_000


def _raw(shared) -> dict:
    with open(shared / RAW_COMPARATEUR, encoding="utf-8", newline="") as f:
        return {r["CODGEO"]: r for r in csv.DictReader(f, delimiter=";")}


def test_example_indicators_recomputed_from_the_raw_insee_file(shared):
    raw = _raw(shared)
    table = read_indicators(EXAMPLE / COMPARATEUR_FILE)
    got = table.set_index(["geo_code", "indicator"])["value"]
    # Mortagne-au-Perche, Bazoches-sur-Hoëne, Saint-Mard-de-Réno
    for code in ("61293", "61029", "61418"):
        r = {k: float(v) for k, v in raw[code].items() if k.startswith(("P22", "SUPERF"))}
        assert got[(code, "taux_chomage")] == pytest.approx(
            r["P22_CHOM1564"] / r["P22_ACT1564"] * 100
        )
        assert got[(code, "part_logements_vacants")] == pytest.approx(
            r["P22_LOGVAC"] / r["P22_LOG"] * 100
        )
        assert got[(code, "densite_population")] == pytest.approx(r["P22_POP"] / r["SUPERF"])
    # by hand, from the line of 61293 in INSEE's file: 3857 inhabitants on 8.6 km²
    assert got[("61293", "densite_population")] == pytest.approx(3857 / 8.6)
    assert got[("61293", "P22_POP")] == 3857


def test_references_recomputed_from_the_raw_insee_files(example_diag, shared):
    raw = _raw(shared)
    epci = json.loads((EXAMPLE / "geo/epci.json").read_text("utf-8"))
    members = {m["code"] for e in epci if e["code"] == EPCI_CODE for m in e["membres"]}
    ctx = example_diag.context.set_index(["indicator", "geo_level"])["value"]

    def rate(codes, num, den):
        rows = [raw[c] for c in codes if raw[c][den]]
        return sum(float(r[num]) for r in rows) / sum(float(r[den]) for r in rows) * 100

    assert ctx[("taux_chomage", "EPCI")] == pytest.approx(
        rate(members, "P22_CHOM1564", "P22_ACT1564")
    )
    # the Orne: every line of the file (the communes merged since are published empty)
    assert ctx[("taux_chomage", "département")] == pytest.approx(
        rate(raw, "P22_CHOM1564", "P22_ACT1564")
    )
    assert ctx[("part_logements_vacants", "département")] == pytest.approx(
        rate(raw, "P22_LOGVAC", "P22_LOG")
    )
    assert ctx[("P22_POP", "département")] == pytest.approx(
        sum(float(r["P22_POP"]) for r in raw.values() if r["P22_POP"])
    )
    # Normandie, from the national density grid: population in « très peu dense » areas
    ws = load_workbook(shared / RAW_DENSITY, read_only=True)["grille_4_nivDetaille"]
    pop = sparse = pop_fr = sparse_fr = 0.0
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] and str(row[0])[:2] in {"14", "27", "50", "61", "76"}:
            pop += float(row[4])
            sparse += float(row[8]) * float(row[4])
        if row[0] and not str(row[0]).startswith("976"):  # France hors Mayotte
            pop_fr += float(row[4])
            sparse_fr += float(row[8]) * float(row[4])
    assert ctx[("part_pop_tres_peu_dense", "région")] == pytest.approx(sparse / pop * 100)
    # France: the references file, computed from the whole national grid
    assert ctx[("part_pop_tres_peu_dense", "France")] == pytest.approx(sparse_fr / pop_fr * 100)
    # France's population 2018 in the grid: INSEE's 66.99 million, Mayotte excluded
    assert round(pop_fr / 1e6, 2) == 66.99
    # population 2022 of Normandie and France: the populations légales, read here from the
    # « Départements » sheet (the references file takes the « Régions » one)
    sheet = pd.read_excel(
        shared / RAW_POPULATIONS, "Départements", header=7, dtype=str, engine="calamine"
    )
    deps = {
        d: (r, int(p))
        for r, d, p in zip(
            sheet["Code région"], sheet["Code département"], sheet["Population municipale"]
        )
    }
    assert len(deps) == 100  # 96 + 4 DOM, Mayotte outside the field
    assert ctx[("P22_POP", "région")] == sum(p for reg, p in deps.values() if reg == "28")
    assert ctx[("P22_POP", "France")] == sum(p for _, p in deps.values())
    assert ctx[("P22_POP", "région")] == 3339074  # by hand, Normandie's line of the file
    # independent check: INSEE's own Orne total is the sum of the comparateur's communes
    assert deps["61"][1] == ctx[("P22_POP", "département")] == 276144
    # the references are named (Etalab's départements and régions), not coded
    names = example_diag.context.drop_duplicates("geo_level").set_index("geo_level")["geo_name"]
    assert names["département"] == "Orne" and names["région"] == "Normandie"


AGES = ["P22_POP0014", "P22_POP1529", "P22_POP3044", "P22_POP4559"]
AGES += ["P22_POP6074", "P22_POP7589", "P22_POP90P"]


def _ages(path) -> dict:
    with open(path, encoding="utf-8", newline="") as f:
        return {r["CODGEO"]: r for r in csv.DictReader(f, delimiter=";")}


def test_age_groups_copied_from_the_dossier_complet_add_up_to_the_comparateur(shared):
    """The file was copied by hand out of the national dossier complet (paged reads):
    every line's age groups must add up to that commune's population in the comparateur,
    an independent INSEE file."""
    raw, ages = _raw(shared), _ages(EXAMPLE / AGES_FILE)
    populated = {code for code, r in raw.items() if r["P22_POP"]}
    assert set(ages) == populated and len(ages) == 381  # the 4 absorbed codes have no line
    for code, row in ages.items():
        total = sum(float(row[c]) for c in AGES)
        assert total == pytest.approx(float(raw[code]["P22_POP"]), abs=0.01), code
        assert float(row["BPE_2024_D307"]).is_integer(), code
    # by hand, from the dossier complet: Alençon 9 pharmacies, Argentan 6, Mortagne 2
    assert [ages[c]["BPE_2024_D307"] for c in ("61001", "61006", "61293")] == ["9.0", "6.0", "2.0"]
    assert sum(float(r["BPE_2024_D307"]) for r in ages.values()) == 90  # the Orne


def test_pharmacies_and_age_shares_against_the_references(example_diag, shared):
    raw, ages = _raw(shared), _ages(EXAMPLE / AGES_FILE)
    epci = json.loads((EXAMPLE / "geo/epci.json").read_text("utf-8"))
    members = {m["code"] for e in epci if e["code"] == EPCI_CODE for m in e["membres"]}
    ctx = example_diag.context.set_index(["indicator", "geo_level"])["value"]

    def per_10000(codes):  # the comparateur's population as denominator (same census)
        count = sum(float(ages[c]["BPE_2024_D307"]) for c in codes)
        return count / sum(float(raw[c]["P22_POP"]) for c in codes) * 10_000

    assert ctx[("pharmacies_10000", "zone d'étude")] == pytest.approx(per_10000(members))
    assert ctx[("pharmacies_10000", "département")] == pytest.approx(per_10000(ages))
    # by hand: Mortagne-au-Perche, 2 pharmacies for 3 857 inhabitants
    table = read_indicators(EXAMPLE / AGES_FILE).set_index(["geo_code", "indicator"])["value"]
    assert table[("61293", "pharmacies_10000")] == pytest.approx(2 / 3857 * 10_000)
    source = example_diag.context.set_index("indicator")["source"]
    assert source["pharmacies_10000"].iloc[0] == "Insee, dossier complet (ages_pharmacies_orne.csv)"
    old = sum(float(ages[c]["P22_POP7589"]) + float(ages[c]["P22_POP90P"]) for c in members)
    everyone = sum(float(raw[c]["P22_POP"]) for c in members)
    assert ctx[("part_pop_75p", "EPCI")] == pytest.approx(old / everyone * 100)
    # no Normandie value: the file holds the Orne only
    assert ("pharmacies_10000", "région") not in ctx.index


def _apl(path) -> dict:
    """The « APL 2023 » sheet's communes, read with openpyxl (the toolkit reads calamine)."""
    sheet = load_workbook(path, read_only=True)["APL 2023"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Code commune INSEE")
    assert rows[header][4] == "Population standardisée 2021 pour la médecine générale"
    return {r[0]: r for r in rows[header + 2 :] if r[0]}


def test_doctors_accessibility_weighted_by_standardised_population(example_diag):
    apl = _apl(EXAMPLE / APL_FILE)
    # every commune of the five Normandie départements in DREES's 2023 file, and only those
    departements = pd.Series([c[:2] for c in apl]).value_counts().to_dict()
    assert departements == {"76": 708, "27": 585, "14": 528, "50": 445, "61": 385}
    # by hand, from the file: Mortagne-au-Perche
    assert apl["61293"][1:5] == ("Mortagne-au-Perche", 4.108, 2.875, 4232.582)
    epci = json.loads((EXAMPLE / "geo/epci.json").read_text("utf-8"))
    members = {m["code"] for e in epci if e["code"] == EPCI_CODE for m in e["membres"]}
    orne = [c for c in apl if c.startswith("61")]

    def weighted(codes, at=2):  # DREES's note: weight by the standardised population
        return sum(apl[c][at] * apl[c][4] for c in codes) / sum(apl[c][4] for c in codes)

    ctx = example_diag.context.set_index(["indicator", "geo_level"])["value"]
    for code, at in (("apl_medecins_generalistes", 2), ("apl_medecins_generalistes_65", 3)):
        assert ctx[(code, "zone d'étude")] == pytest.approx(weighted(members, at), rel=1e-12)
        assert ctx[(code, "département")] == pytest.approx(weighted(orne, at), rel=1e-12)
        assert ctx[(code, "région")] == pytest.approx(weighted(apl, at), rel=1e-12)
    # France: DREES's national file (34 954 communes, 3.8 MB, not shipped) summed with
    # math.fsum over openpyxl's cells, by independent code: 3.74457 and 3.29469
    assert ctx[("apl_medecins_generalistes", "France")] == pytest.approx(3.7445727, abs=1e-7)
    assert ctx[("apl_medecins_generalistes_65", "France")] == pytest.approx(3.2946851, abs=1e-7)
    assert len(members) == 33 and members <= set(apl)
    # the 2023 file has the four former codes of Merlerault-le-Pin (2025): moved, and said
    moved = example_diag.anomalies[example_diag.anomalies["file"] == APL_FILE.split("/")[1]]
    assert moved["value"].tolist() == ["61017 ; 61188 ; 61192 ; 61310"]
    # the regard croisé reads access to care against the doctors (less access is worse)
    regard = example_diag.regard_croise.set_index("issue_id")
    assert regard.loc["enjeu_sante", "indicator"] == "apl_medecins_generalistes"
    assert regard.loc["enjeu_sante", "reference_value"] == pytest.approx(weighted(orne))


def test_extraction_takes_normandie_and_france_from_the_national_apl_file(tmp_path, shared):
    from openpyxl import Workbook

    national = tmp_path / "apl_generalistes.xlsx"
    wb = Workbook()
    wb.active.title = "Paramètres"
    ws = wb.create_sheet("APL 2023")
    ws.append(["Indicateur d'accessibilité potentielle localisée (APL) 2023"])
    ws.append([])
    header = ["Code commune INSEE", "Commune", "APL aux médecins généralistes"]
    header += ["APL aux médecins généralistes de moins de 65 ans"]
    ws.append(header + ["Population standardisée 2021 pour la médecine générale", "Pop."])
    ws.append([None, None, "En nombre de consultations"])
    ws.append(["01001", "Ain", 2.0, 1.0, 100.0, 90])
    ws.append(["61293", "Mortagne-au-Perche", 4.0, 3.0, 300.0, 280])
    ws.append(["97411", "Saint-Denis", 1.0, 0.5, 600.0, 650])
    wb.save(national)
    written = extract_example_data(shared, tmp_path / "ex", apl=national)
    assert written[-2:] == [tmp_path / "ex" / APL_FILE, tmp_path / "ex" / APL_REFERENCES_FILE]
    rows = list(load_workbook(written[-2]).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("Indicateur") and rows[2][:2] == tuple(header[:2])
    assert rows[4:] == [("61293", "Mortagne-au-Perche", 4.0, 3.0, 300.0, 280)]
    lines = written[-1].read_text("utf-8").splitlines()
    # by hand: (2 × 100 + 4 × 300 + 1 × 600) = 2 000 and (100 + 300 + 600) = 1 000
    assert lines[1].startswith("France;FR;apl_medecins_generalistes;2023;2000.0;1000.0;Drees")
    # under 65: 1 × 100 + 3 × 300 + 0.5 × 600 = 1 300
    assert lines[2].startswith("France;FR;apl_medecins_generalistes_65;2023;1300.0;1000.0;")
    ref = read_indicators(written[-1]).set_index("indicator")["value"]
    assert ref["apl_medecins_generalistes"] == 2.0


def test_extraction_takes_the_ages_and_pharmacies_from_a_national_file(tmp_path, shared):
    national = tmp_path / "dossier_complet_light.csv"
    national.write_text(
        "CODGEO;P16_POP;BPE_2024_D307;" + ";".join(AGES) + "\n"
        "01001;767.0;0.0;1;2;3;4;5;6;7\n"
        "61001;26129.0;9.0;3955.5;5611;3951;4529;4487;2559;571.25\n"
        "62001;1784.0;1.0;1;1;1;1;1;1;1\n",
        encoding="utf-8",
    )
    written = extract_example_data(shared, tmp_path / "ex", dossier_complet=national)
    assert written[-1] == tmp_path / "ex" / AGES_FILE
    assert written[-1].read_text("utf-8") == (
        "CODGEO;" + ";".join(AGES) + ";BPE_2024_D307\n"
        "61001;3955.5;5611;3951;4529;4487;2559;571.25;9.0\n"
    )
    national.write_text("CODGEO;P16_POP\n61001;1\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match="P22_POP0014"):
        extract_example_data(shared, tmp_path / "ex", dossier_complet=national)


def test_example_workshop_votes_and_decisions(example_diag):
    with open(EXAMPLE / VOTES_FILE, encoding="utf-8", newline="") as f:
        votes = list(csv.DictReader(f))
    dots: dict = {}
    for v in votes:
        dots[v["participant"]] = dots.get(v["participant"], 0) + int(v["gommettes"])
    assert len(dots) == 14 and all(3 <= n <= 5 for n in dots.values())
    assert example_diag.votes["dots"].sum() == sum(dots.values())
    assert len(example_diag.shared_priorities) == 11
    with open(EXAMPLE / STATUSES_FILE, encoding="utf-8", newline="") as f:
        decided = list(csv.DictReader(f))
    assert [d["status"] for d in decided].count("validé") == 6
    opp = example_diag.opportunities.set_index(["kind", "actors", "category"])["status"]
    for d in decided:
        assert opp[(d["kind"], d["actors"], d["category"])] == d["status"]
    assert (opp == "écarté").sum() == 2 and (opp == "validé").sum() == 6
    with open(EXAMPLE / DECISIONS_FILE, encoding="utf-8", newline="") as f:
        projects = list(csv.DictReader(f))
    table = example_diag.cooperation_projects.set_index("project_id")
    assert [table.loc[p["project_id"], "status"] for p in projects] == [
        "en cours",
        "validé",
        "écarté",
    ]
    assert table.loc[projects[0]["project_id"], "carrier"] == "CC du Pays de Mortagne-au-Perche"
    # the regard croisé: the four issues linked in diagnostic.toml
    assert set(example_diag.regard_croise["issue_id"]) == {
        "enjeu_emploi",
        "enjeu_logement",
        "enjeu_sante",
        "enjeu_vieillissement",
    }
