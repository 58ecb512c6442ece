"""Audiences: funder names nobody, collective names consenting structures only and no
contact, consultant marks itself confidential. Every output is searched."""

import dataclasses
import html
import re
import shutil
import zipfile

import pandas as pd
import pytest
from conftest import EXAMPLE, example_people
from openpyxl import load_workbook

import diagnostic
from diagnostic.cli import main
from diagnostic.privacy.audiences import consents, described, shown_names


@pytest.mark.parametrize(
    "value",
    [
        "oui",
        "Oui",
        "OUI ",
        "yes",
        "1",
        "true",
        "d'accord",
        "D’accord",
        "J'accepte",
        "Oui, j'accepte",
    ],
)
def test_yes_values(value):
    assert consents(value)


@pytest.mark.parametrize("value", ["non", "No", "0", "pas d'accord", "je refuse", "", None, "nsp"])
def test_other_values_are_not_consent(value):
    assert not consents(value)


def test_a_choice_label_can_say_yes():
    assert consents("a", "J'accepte que le nom soit montré") and not consents("b", "Je refuse")


def test_described_actor():
    assert described("Association ou structure de l'ESS", "Ceaucé") == "une association de Ceaucé"
    assert described("Entreprise, artisan ou commerce", "Alençon") == "une entreprise d'Alençon"
    assert described("Financeur", "Le Mans") == "un financeur du Mans"


def _texts(out) -> dict[str, str]:
    """Every output as text: the workbook's XML parts, the HTML, CSVs and the GEXF."""
    texts = {}
    with zipfile.ZipFile(out / "diagnostic.xlsx") as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                texts[name] = html.unescape(z.read(name).decode("utf-8"))
    for path in list(out.rglob("*.csv")) + list(out.rglob("*.gexf")) + list(out.glob("*.html")):
        texts[str(path.relative_to(out))] = html.unescape(path.read_text(encoding="utf-8"))
    assert {
        "diagnostic.html",
        "fiches_projets.html",
        "reseau/cooperation.gexf",
        "tables/cooperation_projects.csv",
    } <= set(texts)
    return texts


@pytest.fixture(scope="module")
def outputs(example_diag, tmp_path_factory):
    out = {}
    for audience in ("funder", "collective", "consultant"):
        folder = tmp_path_factory.mktemp(audience)
        diagnostic.write_outputs(example_diag, folder, audience=audience)
        out[audience] = (folder, _texts(folder))
    return out


def _found(texts, words) -> set:
    return {w for w in words if any(w in t for t in texts.values())}


def test_funder_outputs_name_nobody(outputs):
    people, _yes, _no = example_people()
    _folder, texts = outputs["funder"]
    words = set(people["name"]) | set(people["person"]) | set(people["email"])
    assert _found(texts, words) == set()
    assert _found(texts, set(people["phone"])) == set()
    assert "Public : financeurs" in texts["diagnostic.html"]
    assert "CONFIDENTIEL" not in "".join(texts.values())


def test_collective_outputs_name_only_consenting_structures(outputs, example_diag):
    people, yes, no = example_people()
    folder, texts = outputs["collective"]
    assert _found(texts, no) == set()
    assert _found(texts, set(people["person"]) | set(people["email"]) | set(people["phone"])) == (
        set()
    )
    named = _found(texts, yes)
    projects = pd.read_csv(folder / "tables" / "cooperation_projects.csv", dtype=str)
    in_projects = {n.strip() for ns in projects["member_names"] for n in ns.split(" ; ")}
    assert named & in_projects  # consenting members of projects, by name
    assert "Transports Perche Services" in texts["reseau/cooperation.gexf"]  # node labels
    assert "Public : collectif" in texts["diagnostic.html"]
    assert "Transports Perche Services" in texts["diagnostic.html"]  # planted: consents
    # the others are described, never named; « un acteur » below the minimum group size
    shown = set(shown_names(example_diag, "collective").values())
    described_ = {v for v in shown - yes if re.fullmatch(r"une? \S+ (de |d'|du |des ).+", v)}
    assert shown - yes - described_ == {"un acteur"} and described_
    assert in_projects <= yes | described_ | {"un acteur"}


def test_consultant_outputs_are_marked_confidential_everywhere(outputs):
    people, _yes, _no = example_people()
    folder, texts = outputs["consultant"]
    sheets = [k for k in texts if k.startswith("xl/worksheets/sheet")]
    assert len(sheets) >= 14
    for name in sheets:
        assert re.search(r"<oddHeader>[^<]*CONFIDENTIEL</oddHeader>", texts[name]), name
    page = texts["diagnostic.html"]
    assert '<div class="confidential">CONFIDENTIEL</div>' in page
    fiches = texts["fiches_projets.html"]  # every fiche, one printed page each
    assert fiches.count('<section class="fiche"><div class="confidential">CONFIDENTIEL') == 15
    assert re.search(r"@media print\{\.confidential\{position:fixed", page)
    assert page.count("CONFIDENTIEL") >= 2  # the banner and the title
    assert _found(texts, set(people["email"]))  # contacts are there, for the consultant
    book = load_workbook(folder / "diagnostic.xlsx", read_only=True)
    assert book["Sommaire"]["A4"].value.startswith("CONFIDENTIEL — public : consultant")
    assert "Données personnelles" in book.sheetnames


def test_without_consent_question_the_collective_reads_no_name(example_diag, tmp_path):
    questions = example_diag.questions.assign(
        role=example_diag.questions["role"].replace("consent", "other")
    )
    diag = dataclasses.replace(example_diag, questions=questions)
    people, _yes, _no = example_people()
    assert not set(shown_names(diag, "collective").values()) & set(people["name"])
    diagnostic.to_html(diag, tmp_path / "r.html", audience="collective")
    page = html.unescape((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "Aucune question de consentement" in page
    assert not _found({"p": page}, set(people["name"]))


def test_cli_audience_and_the_no_consent_line_said_once(tmp_path, capsys):
    project = tmp_path / "projet"
    shutil.copytree(EXAMPLE, project)
    form = load_workbook(project / "formulaire_acteurs.xlsx")
    survey = form["survey"]
    role = [c.value for c in survey[1]].index("diagnostic")
    for row in survey.iter_rows(min_row=2):
        if row[1].value == "accord_nom":
            row[role].value = "other"
    form.save(project / "formulaire_acteurs.xlsx")
    out = tmp_path / "out"
    code = main(
        ["run", str(project / "diagnostic.toml"), "-o", str(out), "--audience", "collective"]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert err.count("Aucune question de consentement") == 1
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(project / "diagnostic.toml"), "--audience", "everyone"])
    assert exit_.value.code == 2


def test_one_fiche_per_project_names_who_needs_and_who_brings(outputs, example_diag):
    folder, texts = outputs["collective"]
    fiches = texts["fiches_projets.html"]
    projects = example_diag.cooperation_projects
    assert fiches.count('<section class="fiche">') == len(projects)
    assert "page-break-after:always" in fiches
    for title in projects["title"]:  # the places as actors.csv gives them (test_attacker)
        assert f"<h1>{title.rsplit(' — ', 1)[0]} — " in fiches
    assert "<h1>Communication — Saint-Langis-lès-Mortagne" not in fiches
    # the planted swap of the example, both structures agreed to be named
    assert "benevoles ↔ vehicules" in set(projects["resources"])
    assert "Transports Perche Services (Entreprise" in fiches
    assert "Association Les Jardins partagés du Perche (Association" in fiches
    assert fiches.count("Porteur du projet") == len(projects)
