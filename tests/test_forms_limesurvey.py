"""LimeSurvey structures (.txt and .lss) and roles sheets."""

import pytest

from diagnostic import DiagnosticError, apply_roles, read_form, read_limesurvey_structure


@pytest.fixture(scope="module")
def nl(shared):
    return read_limesurvey_structure(
        shared / "surveys" / "limesurvey_rse_nl_2017" / "questions_to_import.txt")


def test_txt_structure_questions_and_groups(nl):
    q = nl.questions.set_index("question_id")
    # 45 Q rows; the 9 arrays (F) give one likert question per row: 1+5+1+1+7+5+2+8+2 = 32
    assert len(q) == 76
    assert q["type"].value_counts().to_dict() == {
        "likert": 32, "single": 25, "text": 12, "numeric": 4, "multiple": 3}
    assert q["group"].nunique() == 6
    assert nl.title == "Survey: Research Software Engineering in the Netherlands"
    assert q.at["likert2_progRSE1", "list_name"] == "likert2"
    assert nl.choice_values("currentEmp13")[:2] == ["SQ001", "SQ002"]
    assert len(nl.choice_values("currentEmp13")) == 65 + 1  # + "other" (other = Y)
    assert nl.choice_values("currentEmp13")[-1] == "other"
    assert nl.choice_labels("likert2")["1"] == "Strongly disagree"
    assert q.at["edu1", "label"] == "What is the highest qualification you have obtained?"


def test_lss_structure_counts(shared):
    form = read_form(shared / "surveys" / "limesurvey_lss_ssi_uk_core_2017" / "uk_core_survey.lss")
    q = form.questions.set_index("question_id")
    # the file holds 59 questions, 117 subquestions, 633 answers, 6 groups:
    # 31 array rows (F), 4 numeric (K) and 12 text (Q) subquestions, 2 multiple (M) whose 70
    # subquestions are options, 45 other questions, and 2 "other" texts
    assert len(q) == 94
    assert q["type"].value_counts().to_dict() == {
        "likert": 31, "single": 30, "text": 22, "numeric": 7, "multiple": 2, "date": 1, "rank": 1}
    assert q["group"].nunique() == 6
    assert len(form.choices) == 633 + 12 * 2 + 70 + 2
    assert form.choice_values("proj4can")[-1] == "other"
    assert "proj4can_other" in q.index


@pytest.mark.parametrize("content, match", [
    ("pas une structure\n", "questions.txt.*class, type/scale, name"),
    ("", "questions.txt.*class"),
])
def test_a_bad_txt_structure_is_refused_in_french(tmp_path, content, match):
    path = tmp_path / "questions.txt"
    path.write_text(content)
    with pytest.raises(DiagnosticError, match=match):
        read_limesurvey_structure(path)


def test_lss_with_an_entity_bomb_is_refused(tmp_path):
    path = tmp_path / "bombe.lss"
    path.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                    "<document><LimeSurveyDocType>&b;</LimeSurveyDocType></document>")
    with pytest.raises(DiagnosticError, match="bombe.lss.*XML refusé"):
        read_limesurvey_structure(path)


def test_roles_sheet_applies_to_any_form(nl, tmp_path):
    roles = tmp_path / "roles.csv"
    roles.write_text("question_id,role,theme\ncurrentEmp1,actor_type,\n"
                     "likert2_progRSE1,issue_importance,Carrière\nnexistepas,issue,\n"
                     "socio1,chef,\n", encoding="utf-8")
    form = apply_roles(nl, roles)
    q = form.questions.set_index("question_id")
    assert q.at["currentEmp1", "role"] == "actor_type"
    assert q.at["likert2_progRSE1", "theme"] == "Carrière"
    assert q.at["socio1", "role"] == "other"
    assert form.anomalies[["row", "value"]].values.tolist() == [[4, "nexistepas"], [5, "chef"]]
    assert (nl.questions["role"] == "other").all()  # the original form is untouched


def test_roles_sheet_without_role_column_is_refused(nl, tmp_path):
    roles = tmp_path / "roles.csv"
    roles.write_text("question_id,theme\nsocio1,x\n")
    with pytest.raises(DiagnosticError, match="roles.csv.*ligne 1.*« role »"):
        apply_roles(nl, roles)
