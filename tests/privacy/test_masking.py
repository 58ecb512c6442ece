"""Personal data: found by default (with or without a form), masked everywhere."""

import json
import re
import shutil
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import EXAMPLE, bare_example, example_with_cells

import diagnostic
from diagnostic.cli import main
from diagnostic.forms import apply_roles
from diagnostic.privacy.detect import header_reason, values_reason
from diagnostic.privacy.masking import mask_text, public_answers
from diagnostic.readers import read_responses

# (text, what must disappear): each form named in issues 14 and 16
SECRETS = [
    ("écrire à jo@exemple.fr svp", "jo@exemple.fr"),
    ("marie(at)exemple.fr", "marie"),
    ("marie [at] exemple [dot] fr", "marie"),
    ("marie (arobase) exemple.fr", "marie"),
    ("06 12 34 56 78", "56 78"),
    ("tél. 06.12.34.56.78", "56.78"),
    ("06-12-34-56-78 le soir", "56-78"),
    ("06/33/44/55/66", "55/66"),
    ("0612345678", "0612345678"),
    ("+33 (0)6 12 34 56 78", "56 78"),
    ("+33 6 12 34 56 78", "56 78"),
    ("appelez le 0033 6 12 34 56 78", "56 78"),
    ("+44 20 7946 0958", "7946"),
    ("SIRET 123 456 789 00012", "00012"),
    ("siret : 12345678900012", "12345678900012"),
    ("SIREN 123 456 789", "456 789"),
    ("notre siren est 123456789", "123456789"),
    ("NIR 1 85 05 78 006 084 36", "006 084"),
    ("sécu 185057800608436", "185057800608436"),
    ("2 69 11 2A 123 456", "123 456"),
    ("IBAN FR76 3000 6000 0112 3456 7890 189", "3456"),
    ("Chez Victor Hugo, 8 rue de la Paix", "Paix"),
    ("Chez Victor Hugo, 8 rue de la Paix", "Victor Hugo"),
    ("12 bis avenue des Tilleuls, 61400 Mortagne-au-Perche.", "Tilleuls"),
    ("3, chemin des vignes", "vignes"),
    ("au 4 impasse du Moulin il y a", "Moulin"),
    ("45 route de Bellême", "Bellême"),
    ("2 place du Marché", "Marché"),
    ("lieu-dit Les Fourches", "Fourches"),
    ("221 Baker Street", "Baker"),
    ("Jean DUPONT viendra", "DUPONT"),
    ("Contactez Martine Lambert pour le local.", "Lambert"),
    ("M. Durand et Mme Guérin", "Durand"),
    ("M. Durand et Mme Guérin", "Guérin"),
    # names without a first name before them (issue 16): surname first, or beside a role
    ("Dupont Jean-Marc, maire", "Dupont"),
    ("MARTIN Jean-Pierre, trésorier", "MARTIN"),
    ("DURAND Marie nous a aidés", "DURAND"),
    ("contact : Lefebvre", "Lefebvre"),
    ("responsable Paul-Henri Garnier", "Garnier"),
    ("Lefebvre, présidente de l'association", "Lefebvre"),
    ("La présidente Colette Renard.", "Renard"),
    ("voir la référente Mme Bazin", "Bazin"),
    # beside a file name or a full stop, numbers stay masked: only a media file named by
    # digits alone is a file name (below)
    ("0612345678.jpg", "0612345678"),
    ("photo de +33 (0)6 12 34 56 78.png", "56 78"),
    ("0033 6 12 34 56 78.mp3", "56 78"),
    ("06/33/44/55/66.jpg", "55/66"),
    ("scan 185057800608436.pdf", "185057800608436"),
    ("siret 12345678900012.", "12345678900012"),
    ("NIR 1 85 05 78 006 084 36.", "006 084"),
    ("sécu 1568794395624", "1568794395624"),
]

# texts a territory's answers hold that must come out unchanged
KEPT = [
    "La fermeture de la ligne de bus pénalise nos salariés.",
    "Budget de 150 000 000 euros en 2024 pour 35 communes",
    "Une salle pour 12 personnes, 3 jours par semaine",
    "3 cours de yoga et 1 place de parking",
    "France Travail nous aide pour le recrutement.",
    "Le 12 mars 2025 à 14h30, réunion à la route de Mortagne",
    "En 2023, 40 % des 1200 habitants",
    "Le Perche est un territoire rural.",
    # beside a role or before a first name, but no person
    "Saint Jean du Sud",
    "Notre Dame",
    "contact : Mairie de Coulimer",
    "Responsable Qualité",
    "Le maire de Ceaucé et la présidente du Conseil",
    "Nous avons un contact avec Mortagne",
    "Mortagne-au-Perche, maire",
    # media files named by ODK Collect / KoboCollect (a timestamp in milliseconds): file
    # names, not NIR, SIRET or SIREN (odk_central_ruodk_quadrat in tests/corpus)
    "1568794395624.jpg",
    "1600000000000.jpg",
    "photo : 1568787004467.JPG, voir",
    "1568794395624.m4a",
    "123456789.png",
    "IMG_20240101_123456.jpg",
]


@pytest.mark.parametrize("text, secret", SECRETS)
def test_mask_text_hides_each_form(text, secret):
    masked = mask_text(text)
    assert secret not in masked
    assert re.search(r"\[(courriel|téléphone|numéro|adresse|nom) masqu", masked)


@pytest.mark.parametrize("text", KEPT)
def test_mask_text_keeps_ordinary_text(text):
    assert mask_text(text) == text


def test_attachment_names_of_a_real_odk_export_are_not_masked(capsys):
    """The photo columns of the ODK Central corpus file hold file names written by ODK
    Collect (« 1568794395624.jpg »): they are text answers (one file per respondent, as an
    XLSForm image question), masking leaves them as they are, and `inspect` still leaves the
    collector's name out."""
    corpus = Path(__file__).resolve().parents[1] / "corpus" / "odk_central_ruodk_quadrat"
    assert main(["inspect", "--json", str(next(corpus.glob("*.csv")))]) == 0
    report = json.loads(capsys.readouterr().out)
    kinds = {q["question_id"]: q["type"] for q in report["questions"]}
    photos_at = [
        "location_quadrat_photo",
        "habitat_morphological_type_photo",
        "perimeter_mudmap_photo",
    ]
    assert [kinds[q] for q in photos_at] == ["text"] * 3
    choices = {c for q in report["questions"] for c in q["choices"]}
    assert not [c for c in choices if "masqu" in c or "Mayer" in c]
    # read from the file: location-quadrat_photo, habitat-morphological_type_photo and
    # perimeter-mudmap_photo
    photos = [
        "1568794395624.jpg",
        "1568786958640.jpg",
        "1568794560256.jpg",
        "1568787004467.jpg",
        "1568787172983.jpg",
    ]
    assert [mask_text(p) for p in photos] == photos


def test_name_rules_mask_no_commune_and_no_corpus_text(shared):
    """False positives of the surname and role rules: none on the 1,055 commune names of
    the shared COG, nor on the text cells of the corpus' CSV exports (the rules were chosen
    on these, see `diagnostic.privacy.masking`)."""
    cog = pd.read_csv(shared / "geo" / "insee_cog2022_commune_2022_dep61-09-48.csv", dtype=str)
    texts = set(cog["LIBELLE"].dropna())
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    for path in corpus.glob("*/*.csv"):
        frame = pd.read_csv(path, dtype=str, encoding_errors="replace", on_bad_lines="skip")
        # a column the corpus lists as personal (a collector's name) is meant to be masked
        with open(path.parent / "expected.toml", "rb") as f:
            personal = set(tomllib.load(f).get("personal", {}).get("columns", []))
        for col in frame.columns:
            if col not in personal:
                texts |= {v for v in frame[col].dropna() if len(v.split()) >= 2}
    assert len(texts) > 3000
    assert [t for t in texts if "[nom masqué]" in mask_text(t)] == []


def test_mask_text_own_names_where_they_recur():
    names = ["Transports Perche Services", "Martine Lambert", "ml@exemple.fr"]
    text = "Chez transports perche services, Lambert s'occupe des tournées."
    assert mask_text(text, names) == "Chez [nom masqué], [nom masqué] s'occupe des tournées."
    assert mask_text("Rien à signaler", names) == "Rien à signaler"


@pytest.mark.parametrize(
    "header, why",
    [
        ("Your Name", "nom"),
        ("Street Address of House", "adresse"),
        ("Nom et prénom", "prénom"),
        ("Votre nom, prénom et mail", "courriel"),
        ("E-mail", "courriel"),
        ("Adresse électronique", "adresse"),
        ("Courriel :", "courriel"),
        ("N° de tél.", "téléphone"),
        ("Téléphone portable", "téléphone"),
        ("Mobile", "téléphone"),
        ("Phone number", "téléphone"),
        ("SIRET", "SIRET"),
        ("Numéro SIREN de la structure", "SIREN"),
        ("Date de naissance", "naissance"),
        ("Birth date", "naissance"),
        ("IP address", "IP"),
        ("ipaddr", "IP"),
        ("token", "jeton"),
        ("identite/contact_nom", "nom"),
        ("identite/contact_email", "courriel"),
        ("NOM DU RÉPONDANT", "nom"),
        ("Vos coordonnées", "coordonnées"),
        ("Position GPS du domicile", "GPS"),
    ],
)
def test_personal_headers(header, why):
    role, reason = header_reason(header)
    assert role == "contact" and why in reason


@pytest.mark.parametrize(
    "header",
    [
        "Type de structure",
        "Vous êtes :",
        "identite/type_acteur",
        "identite/commune",
        "Nom de votre commune",
        "Nom de la commune",
        "Commune",
        "Nombre de salariés",
        "À qui s'adresse votre action ?",
        "enjeux/enjeu_mobilite",
        "Application mobile utilisée",
        "Ordinateur portable",
        "Un outil tel que celui-ci vous aiderait-il ?",
        "Nom du projet",
        "cooperation/commentaire",
    ],
)
def test_headers_not_personal(header):
    assert header_reason(header) is None


def test_structure_name_header_is_the_actor_name():
    assert header_reason("Nom de votre structure")[0] == "actor_name"
    assert header_reason("identite/nom_structure")[0] == "actor_name"


def test_values_that_look_personal():
    assert "courriels" in values_reason("Q7", ["a@b.fr", "c@d.fr", "e@f.fr", "ras"])
    assert "téléphone" in values_reason("Q8", ["06 12 34 56 78", "0712345678"])
    assert "adresses" in values_reason("Q9", ["8 rue de la Paix", "3 chemin des Vignes"])
    names = ["Jean Dupont", "Marie Curie", "Paul Martin", "Sophie Bernard"]
    assert "noms" in values_reason("Qui êtes-vous ?", names)
    # names no first-name list knows: two or three capitalised words, almost all different
    others = ["Kwame Mensah", "Soizic Le Floch", "Ana da Silva", "Wei Zhang", "Olu Ade"]
    assert "noms propres" in values_reason("Qui êtes-vous ?", others, answered=5)
    assert values_reason("Qui êtes-vous ?", others, answered=40) is None  # repeated: a list
    types = ["Association", "Entreprise", "Commune", "Financeur", "Coopérative"]
    assert values_reason("Vous êtes :", types, answered=5) is None
    # the same names under a header about something else, or communes: not personal
    assert values_reason("Quel projet ?", names) is None
    assert values_reason("Votre commune", ["La Chapelle-Montligeon", "Bellême", "Sées"]) is None
    assert values_reason("Q1", ["Oui", "Non"]) is None


def _google_forms(path):
    pd.DataFrame(
        {
            "Horodateur": [f"2024/01/0{i} 10:00:00" for i in range(1, 6)],
            "Qui êtes-vous ?": ["Jean Dupont", "Marie Curie", "Paul Martin", "Sophie Bernard", "X"],
            "Q7": ["a@b.fr", "c@d.fr", "e@f.fr", "g@h.fr", "i@j.fr"],
            "Type de structure": ["Association", "Entreprise", "Association", "Commune", "Autre"],
            "Votre commune": ["Mortagne-au-Perche", "Bellême", "Sées", "Alençon", "Rémalard"],
        }
    ).to_csv(path, index=False)
    return path


def test_survey_without_form_sets_personal_columns_aside(tmp_path):
    survey = read_responses(_google_forms(tmp_path / "r.csv"))
    roles = dict(zip(survey.questions["label"], survey.questions["role"]))
    assert roles == {
        "Qui êtes-vous ?": "contact",
        "Q7": "contact",
        "Type de structure": "other",
        "Votre commune": "other",
    }
    aside = survey.anomalies[survey.anomalies["problem"].str.startswith("données personnelles")]
    assert sorted(aside["column"]) == ["Q7", "Qui êtes-vous ?"]  # one line per column
    assert set(survey.answers["value"]).isdisjoint({"Jean Dupont", "a@b.fr"})
    assert "a@b.fr" in set(survey.personal["value"])
    assert survey.choices[survey.choices["value"] == "Jean Dupont"].empty


def test_roles_sheet_overrules_detection(tmp_path):
    path = _google_forms(tmp_path / "r.csv")
    first = read_responses(path)
    inferred = diagnostic.Form(
        path.name, path.name, None, first.questions, first.choices, first.anomalies.iloc[0:0]
    )
    sheet = tmp_path / "roles.csv"
    sheet.write_text("question_id,role\nq7,other\n", encoding="utf-8")
    survey = read_responses(path, apply_roles(inferred, sheet))
    roles = dict(zip(survey.questions["question_id"], survey.questions["role"]))
    assert roles["q7"] == "other" and roles["qui_etes_vous"] == "contact"
    aside = survey.anomalies[survey.anomalies["problem"].str.startswith("données personnelles")]
    assert list(aside["column"]) == ["Qui êtes-vous ?"]


PLANTED = {
    "Your Name": "Zorglub Quenotte{i}",
    "Street Address of House": "{i} rue Xavier Plantin",
    "Nom et prénom": "Ophélie Vrombard{i}",
}


def _output_texts(out):
    """The text of every output file, the workbook's XML parts unzipped."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    yield f"{path.name}:{name}", book.read(name).decode("utf-8", "replace")
        else:
            yield path.name, path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("with_form", [False, True])
def test_planted_names_reach_no_output(tmp_path, with_form):
    project = tmp_path / "example"
    if with_form:
        shutil.copytree(EXAMPLE, project)
    else:  # without a form, no issue to link an indicator or a vote to
        bare_example(project)
    export = project / "export_kobo_acteurs.xlsx"
    book = openpyxl.load_workbook(export)
    sheet = book.active
    first = sheet.max_column + 1
    for j, (header, pattern) in enumerate(PLANTED.items()):
        sheet.cell(1, first + j, header)
        for i in range(2, sheet.max_row + 1):
            sheet.cell(i, first + j, pattern.format(i=i))
    book.save(export)
    if not with_form:
        toml = project / "diagnostic.toml"
        toml.write_text(
            "".join(x for x in toml.read_text("utf-8").splitlines(True) if "form =" not in x),
            encoding="utf-8",
        )
    frame = pd.read_excel(export, dtype=str, engine="openpyxl")
    secrets = set()
    for header in PLANTED:
        secrets |= set(frame[header])
    personal = ("identite/nom_structure", "identite/contact_nom", "identite/contact_email")
    for column in (*personal, "identite/telephone"):
        secrets |= set(frame[column].dropna())
    diag = diagnostic.run_diagnostic(diagnostic.read_project(project / "diagnostic.toml"))
    out = tmp_path / "out"
    diagnostic.write_outputs(diag, out)
    files = 0
    for name, text in _output_texts(out):
        files += 1
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{name}: {leaked[:3]}"
    assert files >= 10
    if not with_form:
        aside = diag.anomalies[diag.anomalies["problem"].str.startswith("données personnelles")]
        assert set(PLANTED) <= set(aside["column"])
        assert aside["column"].is_unique


def test_donnees_masks_the_respondents_own_names():
    questions = pd.DataFrame(
        {
            "question_id": ["nom", "comment"],
            "role": ["actor_name", "free_text"],
            "type": ["text", "text"],
        }
    )
    answers = pd.DataFrame(
        {
            "actor_id": ["A-1", "A-1", "A-2"],
            "question_id": ["nom", "comment", "comment"],
            "value": ["Ferme Duval", "La Ferme Duval prête son tracteur", "Ferme Duval ? inconnue"],
        }
    )
    personal = pd.DataFrame({"actor_id": ["A-1"], "field": ["nom"], "value": ["Ferme Duval"]})
    out = public_answers(answers, questions, personal)
    assert out["value"].tolist() == [
        "La [nom masqué] prête son tracteur",
        "Ferme Duval ? inconnue",  # another respondent's text: not their own name
    ]


def _example_with(tmp_path, **cells):
    """The example with `cells` on its first respondent's row (``identite__x``: ``identite/x``)."""
    cells = {(2, header.replace("__", "/")): value for header, value in cells.items()}
    return example_with_cells(tmp_path / "example", cells)


def test_inspect_masks_values_unless_asked(tmp_path, capsys):
    project = _example_with(
        tmp_path,
        identite__commune="Chez Victor Hugo, 8 rue de la Paix",
        identite__type_acteur="Jeanne Moreau 0698765432",
    )
    args = ["inspect", str(project / "export_kobo_acteurs.xlsx"), "--form"]
    args += [str(project / "formulaire_acteurs.xlsx"), "--json"]
    assert main(args) == 0
    shown = capsys.readouterr().out
    report = json.loads(shown)
    assert report["format"] == "kobo_xlsx"
    for secret in ("Victor Hugo", "rue de la Paix", "0698765432", "Lambert"):
        assert secret not in shown
    assert "[adresse masquée]" in shown and "[téléphone masqué]" in shown
    assert main(args + ["--show-personal"]) == 0
    shown = capsys.readouterr().out
    assert "Chez Victor Hugo, 8 rue de la Paix" in shown
    assert "Jeanne Moreau 0698765432" in shown


def test_anomalies_sheet_and_table_mask_raw_commune_text(tmp_path):
    project = _example_with(tmp_path, identite__commune="Chez Victor Hugo, 8 rue de la Paix")
    diag = diagnostic.run_diagnostic(diagnostic.read_project(project / "diagnostic.toml"))
    assert "Chez Victor Hugo, 8 rue de la Paix" in set(diag.anomalies["value"].dropna())
    out = tmp_path / "out"
    diagnostic.write_outputs(diag, out)
    for name, text in _output_texts(out):
        assert "Victor Hugo" not in text and "de la Paix" not in text, name
    table = pd.read_csv(out / "tables" / "anomalies.csv", dtype=str)
    assert "Chez [nom masqué], [adresse masquée]" in set(table["value"].dropna())
