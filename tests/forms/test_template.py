"""The questionnaire to start from: pyxform converts it cleanly, and a Kobo or ODK Central
export of it (simulated here from the form's own sheets, with random answers) is read with
every role and no anomaly."""

import json
import random
import shutil

import pandas as pd
import pytest
from conftest import EXAMPLE
from openpyxl import Workbook, load_workbook

from diagnostic.cli import main
from diagnostic.errors import DiagnosticError
from diagnostic.forms import read_form
from diagnostic.forms.template import questionnaire_sheets, write_questionnaire
from diagnostic.project.file import read_project
from diagnostic.project.run import run_diagnostic
from diagnostic.readers.detect import detect_format

pyxform = pytest.importorskip("pyxform", reason="pyxform est dans l'extra [test]")

ISSUES = [
    "mobilite",
    "sante",
    "emploi",
    "logement",
    "numerique",
    "commerces",
    "foncier",
    "transition",
    "jeunesse",
    "vieillissement",
    "agriculture",
    "tourisme",
    "vie_locale",
]
#: The role each question must have, written from the brief, not from the module.
ROLES = {
    "nom_structure": "actor_name",
    "type_acteur": "actor_type",
    "secteur": "sector",
    "commune": "commune",
    **{f"enjeu_{code}": "issue_importance" for code in ISSUES},
    "enjeu_autre": "free_text",
    "besoins": "need",
    "besoins_autre": "need",
    "offres": "offer",
    "offres_autre": "offer",
    "volonte": "cooperation",
    "accord_nom": "consent",
    "contact_nom": "contact",
    "contact_fonction": "contact",
    "contact_courriel": "contact",
    "contact_telephone": "contact",
    "commentaire": "free_text",
}
RESOURCES = [
    "locaux",
    "materiel",
    "vehicules",
    "competences",
    "emploi_partage",
    "benevoles",
    "achats",
    "logistique",
    "communication",
    "formation",
    "financement",
    "circuits_courts",
    "numerique",
    "energie",
]
#: The 33 communes of the CC du Pays de Mortagne-au-Perche (example project), a few by hand.
SOME_COMMUNES = {"61293": "Mortagne-au-Perche", "61029": "Bazoches-sur-Hoëne"}


def _sheet(path, name):
    rows = list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture(scope="module")
def example_project_copy(tmp_path_factory):
    """The example's geography beside a project with no survey yet (written by each test)."""
    folder = tmp_path_factory.mktemp("projet")
    shutil.copytree(EXAMPLE / "geo", folder / "geo")
    return folder


def _toml(folder, form, export) -> str:
    text = (
        'title = "Aller-retour du questionnaire"\n'
        'territory = ["200036069"]\n'
        f'[[survey]]\nresponses = "{export}"\nform = "{form}"\n'
        '[geography]\ncommunes = "geo/communes.json"\nepci = "geo/epci.json"\n'
    )
    path = folder / "diagnostic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_writes_a_form_and_refuses_to_overwrite_it(tmp_path, capsys):
    target = tmp_path / "questionnaire.xlsx"
    assert main(["questionnaire", str(target)]) == 0
    first = target.read_bytes()
    target.write_bytes(b"edited by hand")
    assert main(["questionnaire", str(target)]) == 2
    err = capsys.readouterr().err
    assert "existe déjà" in err and "--force" in err and "Traceback" not in err
    assert target.read_bytes() == b"edited by hand"  # never overwritten without --force
    assert main(["questionnaire", str(target), "--force"]) == 0
    assert target.read_bytes() == first  # same form, same bytes
    assert main(["questionnaire", str(tmp_path / "q.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_form_sheets_roles_languages_and_settings(tmp_path):
    path = write_questionnaire(tmp_path / "q.xlsx")
    survey = _sheet(path, "survey")
    assert {"label::Français (fr)", "label::English (en)", "diagnostic"} <= set(survey.columns)
    asked = survey[survey["diagnostic"].notna()]
    assert dict(zip(asked["name"], asked["diagnostic"])) == ROLES
    # every row a respondent sees has both labels
    shown = survey[~survey["type"].isin(["start", "end", "end_group"])]
    assert (
        shown["label::Français (fr)"].notna().all() and shown["label::English (en)"].notna().all()
    )
    # one importance scale for every issue, with « ne sait pas »; one resource list
    issues = survey[survey["diagnostic"] == "issue_importance"]
    assert set(issues["type"]) == {"select_one importance"} and len(issues) == 13
    assert set(survey.loc[survey["name"].isin(["besoins", "offres"]), "type"]) == {
        "select_multiple ressources"
    }
    choices = _sheet(path, "choices")
    scale = choices[choices["list_name"] == "importance"]
    assert list(scale["name"]) == ["1", "2", "3", "4", "5", "nsp"]
    assert scale["label::Français (fr)"].iloc[-1] == "Ne sait pas"
    resources = choices.loc[choices["list_name"] == "ressources", "name"]
    assert list(resources) == [*RESOURCES, "autre"]
    settings = _sheet(path, "settings")
    assert settings.loc[0, "default_language"] == "Français (fr)"
    english = write_questionnaire(tmp_path / "en.xlsx", language="en")
    assert _sheet(english, "settings").loc[0, "default_language"] == "English (en)"
    # the toolkit takes the English labels of an English form (language = "en" projects)
    questions = read_form(english).questions.set_index("question_id")["label"]
    assert questions["volonte"] == "Would you cooperate with other actors of the territory?"
    french = read_form(path).questions.set_index("question_id")["label"]
    assert french["volonte"].startswith("Seriez-vous prêt·e à coopérer")


def test_unwritable_place_is_a_french_message(tmp_path, capsys):
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    assert main(["questionnaire", str(tmp_path / "fichier" / "q.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "impossible d'écrire le questionnaire" in err and "Traceback" not in err
    (tmp_path / "rangement.xlsx").mkdir()
    assert main(["questionnaire", str(tmp_path / "rangement.xlsx")]) == 2
    assert "c'est un dossier" in capsys.readouterr().err


def test_unknown_language_is_a_french_message():
    with pytest.raises(DiagnosticError, match="langue inconnue"):
        questionnaire_sheets("de")


def test_project_without_communes_file_is_a_french_message(tmp_path, capsys):
    project = tmp_path / "diagnostic.toml"
    project.write_text('title = "Sans géographie"\n', encoding="utf-8")
    assert main(["questionnaire", str(tmp_path / "q.xlsx"), "--project", str(project)]) == 2
    err = capsys.readouterr().err
    assert "diagnostic.toml" in err and "[geography] communes" in err
    assert not (tmp_path / "q.xlsx").exists()  # nothing written


@pytest.mark.parametrize("with_project", [False, True])
def test_pyxform_converts_without_error_or_warning(tmp_path, with_project, example_project_copy):
    from pyxform.xls2xform import convert

    target = tmp_path / "q.xlsx"
    args = ["questionnaire", str(target)]
    if with_project:
        args += ["--project", str(EXAMPLE / "diagnostic.toml")]
    assert main(args) == 0
    warnings: list[str] = []
    xform = convert(str(target), warnings=warnings).xform
    assert warnings == []
    for name in ROLES:
        assert f"/{name}" in xform, name
    assert 'lang="Français (fr)"' in xform and 'lang="English (en)"' in xform
    if with_project:  # the commune is a list of the 33 communes of the study area
        communes = _sheet(target, "choices").query("list_name == 'communes'")
        assert len(communes) == 33
        for code, name in SOME_COMMUNES.items():
            assert name in set(communes.loc[communes["name"] == code, "label::Français (fr)"])


def _export(form_path, n, seed, communes, platform="kobo") -> tuple[pd.DataFrame, dict]:
    """A platform's export built from the form's survey sheet, with random answers.

    ``kobo``: KoboToolbox XLSX ("XML values and headers", group names in the headers joined
    by "/"), a select_multiple as its space-joined column followed by one 0/1 column per
    option, then Kobo's meta columns. ``odk``: ODK Central CSV (SubmissionDate first, group
    names joined by "-", a select_multiple as one space-joined column, then Central's meta
    columns)."""
    rng = random.Random(seed)
    sep = "/" if platform == "kobo" else "-"
    survey = _sheet(form_path, "survey")
    choices = _sheet(form_path, "choices")
    options = {
        name: list(sub["name"].astype(str))
        for name, sub in choices.groupby("list_name", sort=False)
    }
    truth: dict = {"types": [], "communes": [], "needs": 0, "offers": 0, "issue_5": {}}
    rows = []
    for i in range(n):
        row: dict = {
            "start": f"2026-10-{1 + i % 28:02d}T09:00:00+02:00",
            "end": f"2026-10-{1 + i % 28:02d}T09:20:00+02:00",
        }
        groups: list[str] = []
        for rec in survey.to_dict("records"):
            kind, name = rec["type"], rec["name"]
            if kind == "begin_group":
                groups.append(name)
                continue
            if kind == "end_group":
                groups.pop()
                continue
            if kind in ("start", "end", "note"):
                continue
            col = sep.join([*groups, name])
            base, _, list_name = kind.partition(" ")
            if name == "commune":
                code = rng.choice(sorted(communes))
                truth["communes"].append(code)
                row[col] = code if base == "select_one" else communes[code]
            elif base == "select_one":
                value = rng.choice(options[list_name])
                if name.startswith("enjeu_") and rng.random() < 0.1:
                    value = None  # skipped
                if name == "type_acteur":
                    truth["types"].append(value)
                if name.startswith("enjeu_") and value == "5":
                    truth["issue_5"][name] = truth["issue_5"].get(name, 0) + 1
                row[col] = value
            elif base == "select_multiple":
                ticked = rng.sample(RESOURCES, rng.randint(0, 3))
                truth["needs" if name == "besoins" else "offers"] += len(ticked)
                row[col] = " ".join(ticked) or None
                for option in options[list_name] if platform == "kobo" else ():
                    row[f"{col}/{option}"] = float(option in ticked)
            elif name == "nom_structure":
                row[col] = f"Structure {i + 1} du Perche"
            elif name == "contact_nom":
                row[col] = rng.choice(["Martine Lambert", "Paul Girard", "Léa Guérin"])
            elif name == "contact_courriel":
                row[col] = f"contact{i}@exemple.fr"
            elif name == "contact_telephone":
                row[col] = f"06 12 34 {i:02d} {i:02d}"
            elif name == "contact_fonction":
                row[col] = rng.choice(["Gérante", "Président", "Chargée de mission"])
            elif name == "commentaire" and rng.random() < 0.3:
                row[col] = "Merci pour cette démarche."
            else:
                row[col] = None
        if platform == "kobo":
            row.update(
                {
                    "_id": 500000 + i,
                    "_uuid": f"00000000-0000-4000-8000-{i:012d}",
                    "_submission_time": f"2026-10-{1 + i % 28:02d}T10:00:00",
                    "_validation_status": None,
                    "_notes": "[]",
                    "_status": "submitted_via_web",
                    "_submitted_by": None,
                    "__version__": "vTemplate1",
                    "_tags": "[]",
                    "_index": i + 1,
                }
            )
        else:
            row = {"SubmissionDate": f"2026-10-{1 + i % 28:02d}T10:00:00.000Z", **row}
            row.update(
                {
                    "meta-instanceID": f"uuid:00000000-0000-4000-8000-{i:012d}",
                    "KEY": f"uuid:00000000-0000-4000-8000-{i:012d}",
                    "SubmitterID": 7,
                    "SubmitterName": "enqueteur",
                    "AttachmentsPresent": 0,
                    "AttachmentsExpected": 0,
                    "Status": None,
                    "ReviewState": None,
                    "DeviceID": None,
                    "Edits": 0,
                    "FormVersion": "1",
                }
            )
        rows.append(row)
    return pd.DataFrame(rows), truth


def _write_xlsx(frame: pd.DataFrame, path, sheet: str) -> None:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for rec in frame.itertuples(index=False):
        ws.append([None if (v is None or v != v) else v for v in rec])
    book.save(path)


@pytest.mark.parametrize(
    ("platform", "with_project"), [("kobo", False), ("kobo", True), ("odk", True)]
)
def test_simulated_export_reads_back_with_every_role(
    tmp_path, platform, with_project, example_project_copy
):
    folder = tmp_path / "projet"
    shutil.copytree(example_project_copy, folder)
    form = folder / "questionnaire.xlsx"
    args = ["questionnaire", str(form)]
    # the study area: the members of the example's EPCI (its communes file holds the Orne)
    listed = json.loads((EXAMPLE / "geo" / "epci.json").read_text(encoding="utf-8"))
    area = next(e for e in listed if e["code"] == "200036069")["membres"]
    communes = {c["code"]: c["nom"] for c in area}
    assert len(communes) == 33
    if with_project:
        _toml(folder, form.name, "export.xlsx")
        args += ["--project", str(folder / "diagnostic.toml")]
    assert main(args) == 0
    export, truth = _export(form, 60, seed=19, communes=communes, platform=platform)
    if platform == "kobo":
        name = "export.xlsx"
        _write_xlsx(export, folder / name, "Diagnostic partagé — acteurs")
    else:
        name = "diagnostic_partage.csv"
        export.to_csv(folder / name, index=False, encoding="utf-8")
    project_file = _toml(folder, form.name, name)
    assert detect_format(folder / name) == {"kobo": "kobo_xlsx", "odk": "odk_csv"}[platform]

    assert main(["run", str(project_file), "-o", str(tmp_path / "out")]) == 0
    diag = run_diagnostic(read_project(project_file))
    questions = diag.questions.set_index("question_id")
    assert questions["role"].to_dict() == ROLES
    assert (questions.loc[[f"enjeu_{c}" for c in ISSUES], "type"] == "likert").all()
    roles_words = ("rôle", "role", "non reconnue", "personnel", "ignorée")
    about_roles = diag.anomalies[
        diag.anomalies["problem"].str.contains("|".join(roles_words), case=False)
    ]
    assert about_roles.empty, about_roles.to_dict("records")
    # nothing else either: every row, column and commune of the export was read as written
    assert diag.anomalies.empty, diag.anomalies.to_dict("records")
    # every respondent read, typed and placed on the commune drawn for it
    actors = diag.actors.sort_values("source_row") if "source_row" in diag.actors else diag.actors
    assert len(actors) == 60
    assert (
        actors["actor_type"].value_counts().to_dict()
        == pd.Series(truth["types"]).value_counts().to_dict()
    )
    assert sorted(actors["commune_code"]) == sorted(truth["communes"])
    # every tick a need or an offer, every « très important » counted
    assert len(diag.needs) == truth["needs"] and len(diag.offers) == truth["offers"]
    answers = diag.answers
    for issue, count in truth["issue_5"].items():
        assert ((answers["question_id"] == issue) & (answers["value"] == "5")).sum() == count
    assert (tmp_path / "out" / "diagnostic.xlsx").exists()
    # the form read by the toolkit itself has no anomaly either
    assert read_form(form).anomalies.empty


def test_the_commune_list_of_codes_stays_a_plain_choice(tmp_path):
    """INSEE codes are whole numbers: the commune list must not be read as a rating scale."""
    from pathlib import Path

    from diagnostic.cli import main
    from diagnostic.forms import read_xlsform

    path = tmp_path / "questionnaire.xlsx"
    project = Path(__file__).resolve().parents[2] / "data" / "example" / "diagnostic.toml"
    assert main(["questionnaire", str(path), "--project", str(project)]) == 0
    form = read_xlsform(path)
    commune = form.questions[form.questions["role"] == "commune"].iloc[0]
    assert commune["type"] == "single"
