"""Plain tables, Google Forms and ODK Central exports, built inline; format detection."""

import zipfile

import pytest
from conftest import write_xlsform
from openpyxl import Workbook

from diagnostic import DiagnosticError, detect_format, read_form, read_responses


def test_windows_1252_semicolons_decimal_commas_and_title_rows(tmp_path):
    path = tmp_path / "acteurs.csv"
    path.write_bytes(
        "Enquête acteurs du territoire;;;\n"
        ";;;\n"
        "Structure;Effectif;Budget (k€);Création\n"
        "Épicerie solidaire;3;12,5;01/02/2019\n"
        "Garage Durand;12;1 250,75;15/09/2003\n"
        "Comité des fêtes;0;2,0;31/02/2010\n"
        "Ferme Lebœuf;2;;\n"
        ";;;\n;;;\n".encode("cp1252")
    )
    s = read_responses(path)
    assert s.format == "table_csv"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (4, 4, 0)
    q = s.questions.set_index("label")["type"].to_dict()
    assert q == {
        "Structure": "text",
        "Effectif": "numeric",
        "Budget (k€)": "numeric",
        "Création": "text",
    }  # 31/02 is no date: the column stays text
    budget = s.answers[s.answers["question_id"] == "budget_k"]["value"].tolist()
    assert budget == ["12.5", "1250.75", "2"]
    assert s.actors["source_row"].tolist() == [4, 5, 6, 7]  # three lines above the data
    assert s.anomalies["problem"].str.contains("2 ligne\\(s\\) de titre").any()


def test_merged_header_cells_are_combined(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Structure", "Besoins", None, "Commune"])
    ws.append([None, "Locaux", "Véhicules", None])
    ws.merge_cells("B1:C1")
    ws.append(["Asso A", "Oui", "Non", "Mende"])
    ws.append(["SARL B", "Non", "Oui", "Foix"])
    ws.append(["SCOP C", "Oui", "Oui", "Alençon"])
    wb.save(tmp_path / "merged.xlsx")
    s = read_responses(tmp_path / "merged.xlsx")
    assert s.format == "table_xlsx"
    assert (s.account.rows_read, s.account.rows_loaded) == (3, 3)
    besoins = s.questions.set_index("question_id").loc["besoins"]
    assert besoins["type"] == "multiple"
    values = s.answers[s.answers["question_id"] == "besoins"]["value"].tolist()
    assert values == ["locaux", "locaux", "vehicules", "vehicules"]


def test_google_forms_checkboxes_with_commas_in_options(tmp_path):
    path = tmp_path / "reponses.csv"
    path.write_text(
        "Horodateur,Votre structure,Ressources partagées,Priorités [Mobilité],Priorités [Logement]\n"
        '2024/03/01 10:00:00,Asso,"Locaux, salles",Forte,Faible\n'
        '2024/03/01 11:00:00,Mairie,"Locaux, salles, Véhicules",Forte,Forte\n'
        "2024/03/02 09:00:00,SCOP,Véhicules,Faible,Forte\n"
        '2024/03/02 09:30:00,Garage,"Matériel, Véhicules",Forte,Faible\n'
        "2024/03/02 10:30:00,Ferme,Matériel,Faible,Faible\n",
        encoding="utf-8",
    )
    s = read_responses(path)
    assert s.format == "google_forms_csv"
    assert s.account.rows_read == s.account.rows_loaded == 5
    shared_q = s.questions.set_index("label").loc["Ressources partagées"]
    assert shared_q["type"] == "multiple"
    ticks = s.answers[s.answers["question_id"] == shared_q["question_id"]]["value"]
    assert ticks.value_counts().to_dict() == {"Véhicules": 3, "Locaux, salles": 2, "Matériel": 2}
    grid = s.questions[s.questions["label"].str.startswith("Priorités")]
    assert grid["type"].tolist() == ["single", "single"]


def _odk_form(tmp_path):
    survey = [
        ["type", "name", "label"],
        ["begin_group", "structure", "Structure"],
        ["select_one typ", "type_acteur", "Type"],
        ["text", "commune", "Commune"],
        ["end_group", "", ""],
        ["begin_repeat", "salaries", "Salariés"],
        ["integer", "age", "Âge"],
        ["select_one poste", "poste", "Poste"],
        ["begin_repeat", "formations", "Formations suivies"],
        ["text", "intitule", "Intitulé"],
        ["end_repeat", "", ""],
        ["end_repeat", "", ""],
    ]
    choices = [
        ["list_name", "name", "label"],
        ["typ", "asso", "Association"],
        ["typ", "entreprise", "Entreprise"],
        ["poste", "direction", "Direction"],
        ["poste", "atelier", "Atelier"],
    ]
    return read_form(write_xlsform(tmp_path / "form.xlsx", survey, choices))


def _odk_zip(tmp_path):
    path = tmp_path / "acteurs.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "acteurs.csv",
            "SubmissionDate,structure-type_acteur,structure-commune,meta-instanceID,KEY\n"
            "2024-05-01T10:00:00Z,asso,Mende,uuid:a,uuid:a\n"
            "2024-05-01T11:00:00Z,entreprise,Foix,uuid:b,uuid:b\n"
            "2024-05-02T09:00:00Z,cooperative,Alençon,uuid:c,uuid:c\n"
            "2024-05-02T10:00:00Z,,,uuid:d,uuid:d\n",
        )
        # rows 5-8: no such submission, no PARENT_KEY, an empty submission, an empty row
        z.writestr(
            "acteurs-salaries.csv",
            "age,poste,PARENT_KEY,KEY\n"
            "34,direction,uuid:a,uuid:a/salaries[1]\n"
            "51,chauffeur,uuid:a,uuid:a/salaries[2]\n"
            "28,atelier,uuid:b,uuid:b/salaries[1]\n"
            "40,atelier,uuid:z,uuid:z/salaries[1]\n"
            "30,atelier,,\n"
            "45,direction,uuid:d,uuid:d/salaries[1]\n"
            ",,uuid:c,uuid:c/salaries[1]\n",
        )
        z.writestr(
            "acteurs-salaries-formations.csv",  # a repeat inside the repeat
            "intitule,PARENT_KEY,KEY\n"
            "Comptabilité,uuid:a/salaries[1],uuid:a/salaries[1]/formations[1]\n"
            "Soudure,uuid:b/salaries[1],uuid:b/salaries[1]/formations[1]\n"
            "Gestion,uuid:a/salaries[1],uuid:a/salaries[1]/formations[2]\n",
        )
    return path


def test_odk_central_zip_with_repeat_csv(tmp_path):
    path = _odk_zip(tmp_path)
    s = read_responses(path, _odk_form(tmp_path))
    assert detect_format(path) == s.format == "odk_zip"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (4, 3, 1)
    assert s.repeats == {"acteurs-salaries": 7, "acteurs-salaries-formations": 3}
    types = s.answers[s.answers["question_id"] == "type_acteur"]["value"]
    assert types.tolist() == ["asso", "entreprise", "cooperative"]  # "structure-type_acteur"
    out = s.anomalies[s.anomalies["problem"].str.contains("absente de la liste")]
    assert out[["file", "row", "value"]].values.tolist() == [
        ["acteurs.zip", 4, "cooperative"],
        ["acteurs.zip, acteurs-salaries.csv", 3, "chauffeur"],
    ]


def test_odk_repeat_answers_attached_to_their_submission(tmp_path):
    s = read_responses(_odk_zip(tmp_path), _odk_form(tmp_path))
    accounts = [(a.file, a.rows_read, a.rows_loaded, a.rows_rejected) for a in s.repeat_accounts]
    assert accounts == [
        ("acteurs.zip, acteurs-salaries.csv", 7, 3, 4),
        ("acteurs.zip, acteurs-salaries-formations.csv", 3, 3, 0),
    ]
    row_of = dict(zip(s.actors["actor_id"], s.actors["source_row"]))
    inside = s.answers[s.answers["instance"].notna()]
    got = sorted(
        (row_of[a], q, int(i), v)
        for a, q, v, i, _r in inside.itertuples(index=False)
        if q != "intitule"
    )
    assert got == [
        (2, "age", 1, "34"),
        (2, "age", 2, "51"),
        (2, "poste", 1, "direction"),
        (2, "poste", 2, "chauffeur"),
        (3, "age", 1, "28"),
        (3, "poste", 1, "atelier"),
    ]
    courses = inside[inside["question_id"] == "intitule"]
    assert [
        (row_of[a], int(i), v)
        for a, i, v in zip(courses["actor_id"], courses["instance"], courses["value"])
    ] == [(2, 1, "Comptabilité"), (3, 1, "Soudure"), (2, 2, "Gestion")]
    # outside repeats, nothing changes: no instance
    assert s.answers.loc[s.answers["question_id"] == "commune", "instance"].isna().all()
    asked = s.asked[s.asked["question_id"] == "age"]["actor_id"].map(row_of)
    assert sorted(asked) == [2, 3]
    assert s.questions.set_index("question_id")["repeat"].dropna().to_dict() == {
        "age": "salaries",
        "poste": "salaries",
        "intitule": "formations",
    }


def test_odk_repeat_rows_without_parent_are_rejected_in_french(tmp_path):
    s = read_responses(_odk_zip(tmp_path), _odk_form(tmp_path))
    rejected = s.anomalies[
        (s.anomalies["action"] == "rejeté")
        & (s.anomalies["file"] == "acteurs.zip, acteurs-salaries.csv")
    ]
    assert rejected["row"].tolist() == [5, 6, 7, 8]
    assert rejected["column"].fillna("").tolist() == ["PARENT_KEY"] * 3 + [""]
    assert rejected["value"].fillna("").tolist() == ["uuid:z", "", "uuid:d", ""]
    problems = rejected["problem"].tolist()
    assert problems[0] == (
        "ligne de répétition sans soumission parente : aucune soumission n'a « KEY » = uuid:z"
    )
    assert "« PARENT_KEY » vide" in problems[1]
    assert problems[2] == ("ligne de répétition dont la soumission parente (ligne 5) est rejetée")
    assert problems[3] == "ligne de répétition vide (aucune réponse)"


@pytest.mark.parametrize(
    "header, suffix, expected",
    [
        ("_id;_uuid;_submission_time;q1", "csv", "kobo_csv"),
        ("SubmissionDate,g-q1,KEY", "csv", "odk_csv"),
        ("id,submitdate,lastpage,Q1", "csv", "limesurvey_csv"),
        ("ID réponse;Date de soumission;Q1", "csv", "limesurvey_csv"),
        ("Q1[SQ001],Q1[SQ002],Q2", "csv", "limesurvey_csv"),
        ("Horodateur,Votre nom,Q2", "csv", "google_forms_csv"),
        ("Nom;Commune;Effectif", "csv", "table_csv"),
    ],
)
def test_detect_format_from_headers(tmp_path, header, suffix, expected):
    path = tmp_path / f"export.{suffix}"
    sep = ";" if ";" in header else ","
    path.write_text(header + "\n" + sep.join(["x"] * len(header.split(sep))) + "\n")
    assert detect_format(path) == expected


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("export.pdf", b"%PDF", "export.pdf.*non reconnu"),
        ("export.zip", b"pas un zip", "export.zip.*ZIP illisible"),
        ("absent.csv", None, "absent.csv.*introuvable"),
    ],
)
def test_bad_inputs_are_refused_in_french(tmp_path, name, content, match):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DiagnosticError, match=match):
        read_responses(path)
