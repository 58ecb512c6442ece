"""English outputs (``language = "en"``): workbook, HTML report, tables and sentences."""

import re
import string

import pandas as pd
import pytest
from conftest import bare_example
from openpyxl import load_workbook

import diagnostic
from diagnostic.analysis.decisions import apply_decisions, read_decisions
from diagnostic.analysis.statuses import apply_statuses, read_statuses
from diagnostic.analysis.workshop import write_votes_template
from diagnostic.forms import read_form
from diagnostic.i18n import TEXTS, code, label, text
from diagnostic.i18n.workbook import WORDS
from diagnostic.privacy.disclosure import public_of

LINKS = (
    'enjeu_emploi = "taux_chomage"\n'
    'enjeu_logement = "part_logements_vacants"\n'
    'enjeu_tourisme = { indicator = "part_residences_secondaires", worse_when = "lower" }\n'
)
SHEETS_EN = [
    "Summary",
    "Method",
    "Participation",
    "Territory profile",
    "Common issues",
    "Convergence",
    "SWOT",
    "Cross-check",
    "Cooperation projects",
    "Action plan",
    "Actor groups",
    "Shared priorities",
    "In their own words",
    "Data",
    "Dictionary",
    "Anomalies",
]
#: French words that must not be left in the English headers and titles.
FRENCH = re.compile(
    r"\b(Enjeux?|Soutien|Rang|Répondants|Acteurs?|Statut|Ressource|Explication|"
    r"Profil|Thème|Libellé|Fichier|Ligne|Colonne|Valeur|Problème|Réglage|Nom|"
    r"Groupes?|Intitulé|Méthode|Catégorie|Élément|Justification|Indicateur|"
    r"Année|Remarque|Tendance|Gommettes|Lecture|Écart|Référence|Zone|Type de|"
    r"Portrait|Sommaire|Données|Dictionnaire|Pistes?|Priorités|du|des|les|et)\b"
)


@pytest.fixture(scope="module")
def english(tmp_path_factory, example_diag, shared):
    """The example project in English, with six workshop participants (dots on the last and
    second issues) and three issues linked to INSEE indicators."""
    folder = tmp_path_factory.mktemp("english") / "project"
    bare_example(folder)
    ranking = example_diag.issue_ranking
    people = [f"P{i}" for i in range(1, 7)]
    template = write_votes_template(folder / "votes.xlsx", ranking, people)
    wb = load_workbook(template)
    last, second = ranking["issue_id"].iloc[-1], ranking["issue_id"].iloc[1]
    for row in wb["votes"].iter_rows(min_row=2):
        row[4].value = {last: 3, second: 1}.get(row[2].value, 0)
    wb.save(template)
    geo = shared / "geo"
    toml = folder / "diagnostic.toml"
    project = re.sub(
        r'^language = "fr"$', 'language = "en"', toml.read_text(encoding="utf-8"), flags=re.M
    )
    assert 'language = "en"' in project
    project = project.replace(
        '"geo/communes.json"',
        f'"{(geo / "etalab_decoupage-administratif_6.0.0_communes_dep61-09-48.json").as_posix()}"',
    ).replace(
        '"geo/epci.json"',
        f'"{(geo / "etalab_decoupage-administratif_6.0.0_epci_dep61-09-48.json").as_posix()}"',
    )
    comparateur = shared / "indicators" / "insee_base_cc_comparateur_dep61_extract.csv"
    toml.write_text(
        project + f'\n[[indicators]]\nfile = "{comparateur.as_posix()}"\n'
        '\n[workshop]\nvotes = "votes.xlsx"\n\n[issue_indicators]\n' + LINKS,
        encoding="utf-8",
    )
    return diagnostic.run_diagnostic(diagnostic.read_project(toml))


@pytest.fixture(scope="module")
def english_out(tmp_path_factory, english):
    out = tmp_path_factory.mktemp("english_out")
    diagnostic.write_outputs(english, out)
    return out


@pytest.fixture(scope="module")
def english_book(english_out):
    return load_workbook(english_out / "diagnostic.xlsx")


def _header(ws) -> list[str]:
    """The header row of a sheet's table: its first row in the dark header fill."""
    for row in ws.iter_rows(max_row=12):
        if row[0].fill.fgColor.rgb == "FF1F4E5F":
            return [c.value for c in row if c.value is not None]
    return []


def test_english_sheet_names_in_order(english_book):
    assert english_book.sheetnames == SHEETS_EN
    summary = english_book["Summary"]
    assert [summary.cell(r, 1).value for r in range(5, 8)] == ["Sheet", "Method", "Participation"]
    assert summary["B6"].value == "Sources, settings and limits of the analysis"


def test_english_headers_and_titles(english_book):
    ws = english_book["Common issues"]
    assert ws["A1"].value == "Common issues, from the most to the least shared"
    assert _header(ws) == [
        "Rank",
        "Issue",
        "Theme",
        "Respondents",
        "Support",
        "95% CI low",
        "95% CI high",
        "Mean support by type",
        "Types sharing it",
        "Lowest support",
        "Median importance",
        "Consensus",
        "Profile",
        "Explanation",
    ]
    assert _header(english_book["Cooperation projects"])[:4] == [
        "Project",
        "Kind",
        "Summary",
        "Actor types",
    ]
    assert english_book["SWOT"]["A1"].value == "SWOT: strengths, weaknesses, opportunities, threats"
    assert english_book["Cross-check"]["A1"].value == (
        "Cross-check: actors' perception and statistics"
    )
    method = {r[0].value: r[1].value for r in english_book["Method"].iter_rows(min_row=9)}
    assert method["Language of the reports (fr or en)"] == "en"


@pytest.mark.parametrize("sheet", SHEETS_EN[1:])
def test_no_french_left_in_titles_and_headers(english_book, sheet):
    ws = english_book[sheet]
    header = _header(ws)[:3] if sheet == "Data" else _header(ws)  # then question codes
    for words in [sheet, ws["A1"].value, *header]:  # place names (in brackets) are data
        assert not FRENCH.search(re.sub(r"\(.*\)", "", str(words))), words


def test_english_reason_with_its_numbers(english, english_book):
    row = english.issue_ranking.set_index("issue_id").loc["enjeu_sante"]
    # the table holds the code; the workbook puts it in English
    assert (row["rank"], row["tag"]) == (3, "clivant")
    assert row["reason"] == (
        "cited by 2 of 4 actor types (min 42%), median importance 4/5; significant gap of 43 "
        "points between Association or social economy and Business, craft or shop"
    )
    ws = english_book["Common issues"]
    cells = {r[1].value: (r[12].value, r[13].value) for r in ws.iter_rows(min_row=6)}
    assert cells["Access to healthcare"] == ("divisive", row["reason"])


def test_english_explanations_in_the_tables(english, english_out):
    shared = english.opportunities[english.opportunities["kind"] == "mutualisation"]
    sentence = (
        "14 actors (13 “Association or social economy”; 1 “Business, craft or shop”) "
        "need “Volunteers”: pooling is worth studying in a workshop."
    )
    assert shared["explanation"].iloc[0] == sentence
    csv = pd.read_csv(english_out / "tables" / "opportunities.csv")
    assert sentence in set(csv["explanation"])
    assert set(csv["status"]) == {"à valider"}  # statuses stay the French codes: data
    direct = english.opportunities.loc[english.opportunities["kind"] == "direct", "explanation"]
    assert direct.iloc[0].startswith("Actor A-") and " needs “" in direct.iloc[0]
    assert english.clusters["label"].iloc[0] == "Actors mobilised on: Mobility and transport"


def test_english_cross_check_swot_and_workshop(english):
    # the tables hold codes (the French words); the outputs put them in English
    from diagnostic.export.localized import localized

    english = localized(english)
    assert dict(zip(english.regard_croise["issue_id"], english.regard_croise["quadrant"])) == {
        "enjeu_emploi": "perceived, not measured",
        "enjeu_logement": "not a priority",
        "enjeu_tourisme": "not a priority",
    }
    swot = english.afom
    assert list(dict.fromkeys(swot["category"])) == [
        "strengths",
        "weaknesses",
        "opportunities",
        "threats",
    ]
    assert set(swot["source"]) == {"survey", "indicator", "workshop"}
    assert (
        "Better off than the reference; Taux de chômage des 15-64 ans 2022 (%): 9.0 against "
        "11.2 (Orne), gap to the reference −19%, support 65%"
    ) in set(swot["evidence"])
    trends = dict(zip(english.shared_priorities["label"], english.shared_priorities["trend"]))
    assert (
        trends["Tourism appeal"],
        trends["Hiring and jobs"],
        trends["Mobility and transport"],
    ) == ("gaining ground", "stable", "losing ground")
    assert english.rank_comparison.text.startswith(
        "Survey and workshop rankings: Spearman correlation -0.13 over 11 issues; gaining "
        "ground: Tourism appeal, Local shops"
    )


def test_english_statuses_shown_in_english_and_read_back(english, tmp_path):
    # the collective's workbook: the one filled in at the workshop (carrier included)
    book = load_workbook(
        diagnostic.to_workbook(english, tmp_path / "c.xlsx", audience="collective")
    )
    ws = book["Cooperation projects"]
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"to validate,validated,ongoing,rejected"'
    head = _header(ws)
    status, carrier = head.index("Status") + 1, head.index("Carrier") + 1
    first = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Project") + 1
    assert ws.cell(first, status).value == "to validate"
    ws.cell(first, status).value = "validated"
    ws.cell(first, carrier).value = "CC du Perche"
    ws.cell(first + 1, status).value = "rejected"
    path = tmp_path / "decided.xlsx"
    book.save(path)
    # the collective's sheet lists the public projects (without the withheld financeurs):
    # each decision reaches the consultant's project with the same other members
    hidden = public_of(english).withheld
    sheet = read_decisions(path)

    def others(members) -> frozenset:
        return frozenset(m for m in str(members).split(";") if m and m not in hidden)

    decided = {
        others(m): s for m, s in zip(sheet["members"], sheet["status"]) if s != "to validate"
    }
    assert sorted(decided.values()) == ["rejected", "validated"]
    kept, problems = apply_decisions(english.cooperation_projects, path, hidden=hidden)
    words = {"validated": "validé", "rejected": "écarté"}
    expected = [words.get(decided.get(others(m), ""), "à valider") for m in kept["members"]]
    assert kept["status"].tolist() == expected and expected.count("à valider") == len(kept) - 2
    chosen = kept["members"].map(others) == others(sheet["members"].iloc[0])
    assert kept.loc[chosen, "carrier"].tolist() == ["CC du Perche"] and problems.empty
    # the pairs' statuses, written in English in their table, are read back in French
    pairs = english.opportunities.head(3).assign(status=["validated", "rejected", "to validate"])
    pairs.to_csv(tmp_path / "pistes.csv", index=False)
    back = apply_statuses(english.opportunities, tmp_path / "pistes.csv")
    assert back["status"].iloc[:3].tolist() == ["validé", "écarté", "à valider"]
    assert read_statuses(tmp_path / "pistes.csv")["kind"].iloc[0] == "reciprocal"


def test_english_html_report(english_out):
    page = (english_out / "diagnostic.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Report produced on " in page
    assert re.findall(r"<h2[^>]*>([^<]+)</h2>", page) == [
        "Contents",
        "Participation",
        "Territory profile",
        "Common issues",
        "Convergence",
        "SWOT",
        "Cross-check",
        "Cooperation projects",
        "Action plan",
        "Cooperation leads",
        "Actor groups",
        "Shared priorities",
        "In their own words",
        "Method",
        "Anomalies",
    ]
    assert "<th>Explanation</th>" in page and "Rapport produit" not in page
    assert "<h3>Strengths (" in page
    figures = [
        "Responding actors by type",
        "Support by actor type",
        "Priorities: survey and workshop",
        "Cross-check: perception and statistics",
        "Statistical gap to the reference",
    ]
    assert all(title in page for title in figures)
    assert not any(
        french in page
        for french in ("Soutien par type", "Acteurs répondants par", "Regard croisé : perception")
    )


def test_form_without_english_labels_falls_back(tmp_path):
    form = diagnostic.example_project().parent / "formulaire_acteurs.xlsx"
    sheets = pd.read_excel(form, sheet_name=None, engine="openpyxl")
    french = tmp_path / "french_only.xlsx"
    with pd.ExcelWriter(french) as writer:
        for name, frame in sheets.items():
            frame.drop(columns=[c for c in frame.columns if "English" in c]).to_excel(
                writer, sheet_name=name, index=False
            )
    questions = read_form(french, language="en").questions
    assert (
        questions.set_index("question_id").loc["enjeu_sante", "label"]
        == (
            read_form(form, language="fr")
            .questions.set_index("question_id")
            .loc["enjeu_sante", "label"]
        )
    )


def _fields(template) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("key", sorted(TEXTS) + sorted(WORDS))
def test_every_text_has_english_with_the_same_fields(key):
    entry = {**TEXTS, **WORDS}[key]
    fr, en = entry["fr"], entry["en"]
    assert type(fr) is type(en)
    if isinstance(fr, str):  # English may leave out a field (the French plural « s »)
        assert _fields(en) <= _fields(fr) and _fields(fr) - _fields(en) <= {"s"}
    elif isinstance(fr, tuple):
        assert len(fr) == len(en) and [_fields(a) for a in fr] == [_fields(b) for b in en]
    elif key != "afom_labels":  # keyed by the categories of each language
        assert list(fr) == list(en)


def test_lookup_falls_back_to_french():
    assert text("issues.cited", "de", n=1, s="", total=2, low=50) == (
        "cité par 1 type d'acteurs sur 2 (min 50 %)"
    )
    assert label("sous-estimé", "en") == "underrated" and code("underrated") == "sous-estimé"
    assert label("validé", "fr") == "validé" and code("validated") == "validé"


def test_tables_hold_codes_and_the_outputs_words(english, english_out):
    # the same run in English: codes in the Diagnostic's tables, English in the CSV tables
    assert set(english.issue_ranking["tag"]) <= {
        "transversal",
        "spécifique à un groupe",
        "clivant",
        "peu partagé",
    }
    assert set(english.afom["category"]) == {"atouts", "faiblesses", "opportunités", "menaces"}
    csv = pd.read_csv(english_out / "tables" / "issue_ranking.csv")
    shown = dict(zip(csv["issue_id"], csv["tag"]))
    words = {
        "transversal": "cross-cutting",
        "spécifique à un groupe": "specific to one group",
        "clivant": "divisive",
        "peu partagé": "little shared",
    }
    assert shown == {
        i: words[t] for i, t in zip(english.issue_ranking["issue_id"], english.issue_ranking["tag"])
    }
