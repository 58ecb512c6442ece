import pytest
from conftest import EXAMPLE, write_xlsform
from openpyxl import Workbook

from diagnostic import DiagnosticError, read_xlsform


def test_example_form_questions_types_and_roles():
    form = read_xlsform(EXAMPLE / "formulaire_acteurs.xlsx")
    q = form.questions.set_index("question_id")
    assert len(q) == 25
    assert q["type"].value_counts().to_dict() == {
        "likert": 11,
        "text": 8,
        "single": 4,
        "multiple": 2,
    }
    assert q.at["enjeu_logement", "role"] == "issue_importance"
    assert q.at["enjeu_logement", "theme"] == "Cadre de vie"
    assert q.at["besoins", "group"] == "ressources"
    assert q.at["type_acteur", "label"] == "Quel type de structure êtes-vous ?"
    assert form.choice_values("volonte") == ["oui", "peut_etre", "non"]
    assert q.at["accord_nom", "role"] == "consent"
    nsp = form.choices[(form.choices["list_name"] == "importance")].set_index("value")
    assert nsp.at["nsp", "is_missing_code"] and not nsp.at["5", "is_missing_code"]


def test_language_can_be_chosen():
    form = read_xlsform(EXAMPLE / "formulaire_acteurs.xlsx", language="en")
    labels = form.questions.set_index("question_id")["label"]
    assert labels["type_acteur"] == "What kind of organisation are you?"


def _form(tmp_path, survey_rows):
    choices = [["list_name", "name", "label"], ["yn", "oui", "Oui"], ["yn", "non", "Non"]]
    survey = [["type", "name", "label"], *survey_rows]
    return write_xlsform(tmp_path / "form.xlsx", survey, choices)


def test_duplicate_names_and_unknown_types_become_anomalies(tmp_path):
    path = _form(
        tmp_path,
        [
            ["begin group", "g", "Groupe"],
            ["select_one yn", "q1", "Q1"],
            ["text", "q1", "Encore Q1"],
            ["sketch", "q2", "Q2"],
            ["end group", "", ""],
        ],
    )
    form = read_xlsform(path)
    assert form.questions["question_id"].tolist() == ["q1", "q2"]
    assert form.questions["group"].tolist() == ["g", "g"]
    problems = form.anomalies[["row", "column", "problem"]]
    assert problems["row"].tolist() == [4, 5]
    assert "en double" in problems["problem"].iloc[0]
    assert "inconnu" in problems["problem"].iloc[1]


def test_a_workbook_without_survey_sheet_is_refused_in_french(tmp_path):
    path = tmp_path / "pas_un_formulaire.xlsx"
    Workbook().save(path)
    with pytest.raises(DiagnosticError, match="pas_un_formulaire.xlsx.*survey"):
        read_xlsform(path)
