"""LimeSurvey structures (.txt and .lss) and roles sheets."""

import re

import pytest

from diagnostic import DiagnosticError, apply_roles, read_form, read_limesurvey_structure


@pytest.fixture(scope="module")
def nl(shared):
    return read_limesurvey_structure(
        shared / "surveys" / "limesurvey_rse_nl_2017" / "questions_to_import.txt"
    )


def test_txt_structure_questions_and_groups(nl):
    q = nl.questions.set_index("question_id")
    # 45 Q rows; the 9 arrays (F) give one likert question per row: 1+5+1+1+7+5+2+8+2 = 32
    assert len(q) == 76
    assert q["type"].value_counts().to_dict() == {
        "likert": 32,
        "single": 25,
        "text": 12,
        "numeric": 4,
        "multiple": 3,
    }
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
        "likert": 31,
        "single": 30,
        "text": 22,
        "numeric": 7,
        "multiple": 2,
        "date": 1,
        "rank": 1,
    }
    assert q["group"].nunique() == 6
    assert len(form.choices) == 633 + 12 * 2 + 70 + 2
    assert form.choice_values("proj4can")[-1] == "other"
    assert "proj4can_other" in q.index


def _lss_table(name, rows):
    cells = "".join(
        "<row>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in r.items()) + "</row>"
        for r in rows
    )
    return f"<{name}><rows>{cells}</rows></{name}>"


def test_lss_dual_scale_array_reads_both_scales(tmp_path):
    # In a .lss (LimeSurvey/LimeSurvey, application/helpers/export_helper.php), the answers
    # of a dual-scale array (type 1) carry scale_id 0 or 1 and the scale headers are the
    # question attributes dualscale_headerA/B.
    q = {"language": "fr", "gid": "10", "other": "N", "mandatory": "N"}
    xml = (
        "<?xml version='1.0' encoding='UTF-8'?><document>"
        "<LimeSurveyDocType>Survey</LimeSurveyDocType><languages><language>fr</language>"
        "</languages>"
        + _lss_table(
            "groups", [{"gid": "10", "group_name": "Enjeux", "group_order": "0", "language": "fr"}]
        )
        + _lss_table(
            "questions",
            [
                {
                    "qid": "5",
                    "parent_qid": "0",
                    "type": "1",
                    "title": "enj",
                    "question": "<p>Pour chaque enjeu :</p>",
                    "question_order": "1",
                    **q,
                }
            ],
        )
        + _lss_table(
            "subquestions",
            [
                {
                    "qid": "6",
                    "parent_qid": "5",
                    "title": "log",
                    "question": "Logement",
                    "question_order": "1",
                    "scale_id": "0",
                    **q,
                },
                {
                    "qid": "7",
                    "parent_qid": "5",
                    "title": "mob",
                    "question": "Mobilité",
                    "question_order": "2",
                    "scale_id": "0",
                    **q,
                },
            ],
        )
        + _lss_table(
            "answers",
            [
                {
                    "qid": "5",
                    "code": c,
                    "answer": a,
                    "sortorder": str(i),
                    "scale_id": sc,
                    "language": "fr",
                }
                for i, (c, a, sc) in enumerate(
                    [
                        ("1", "Faible", "0"),
                        ("2", "Forte", "0"),
                        ("S1", "Insatisfait", "1"),
                        ("S2", "Satisfait", "1"),
                    ]
                )
            ],
        )
        + _lss_table(
            "question_attributes",
            [
                {
                    "qid": "5",
                    "attribute": "dualscale_headerA",
                    "value": "Importance",
                    "language": "fr",
                },
                {
                    "qid": "5",
                    "attribute": "dualscale_headerB",
                    "value": "Satisfaction",
                    "language": "fr",
                },
            ],
        )
        + "</document>"
    )
    path = tmp_path / "enjeux.lss"
    path.write_text(xml, encoding="utf-8")
    form = read_form(path)
    q = form.questions.set_index("question_id")
    assert q.index.tolist() == ["enj_log_0", "enj_log_1", "enj_mob_0", "enj_mob_1"]
    assert q.loc["enj_mob_1", "label"] == "Pour chaque enjeu : — Mobilité — Satisfaction"
    assert form.choice_values(q.loc["enj_log_0", "list_name"]) == ["1", "2"]
    assert form.choice_values(q.loc["enj_log_1", "list_name"]) == ["S1", "S2"]


@pytest.mark.parametrize(
    "content, match",
    [
        ("pas une structure\n", "questions.txt.*class, type/scale, name"),
        ("", "questions.txt.*class"),
    ],
)
def test_a_bad_txt_structure_is_refused_in_french(tmp_path, content, match):
    path = tmp_path / "questions.txt"
    path.write_text(content)
    with pytest.raises(DiagnosticError, match=match):
        read_limesurvey_structure(path)


def test_lss_with_an_entity_bomb_is_refused(tmp_path):
    path = tmp_path / "bombe.lss"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        "<document><LimeSurveyDocType>&b;</LimeSurveyDocType></document>"
    )
    with pytest.raises(DiagnosticError, match="bombe.lss.*XML refusé"):
        read_limesurvey_structure(path)


def test_roles_sheet_applies_to_any_form(nl, tmp_path):
    roles = tmp_path / "roles.csv"
    roles.write_text(
        "question_id,role,theme\ncurrentEmp1,actor_type,\n"
        "likert2_progRSE1,issue_importance,Carrière\nnexistepas,issue,\n"
        "socio1,chef,\n",
        encoding="utf-8",
    )
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


def test_lss_relevance_equations_read(shared):
    # uk_core_survey.lss: 146 <relevance> entries, 133 of them « 1 » (always shown); the 13
    # others, on questions, name the cited question by its SGQA code (survey X group X qid)
    form = read_form(shared / "surveys" / "limesurvey_lss_ssi_uk_core_2017" / "uk_core_survey.lss")
    assert form.relevance_syntax == "limesurvey"
    assert len(form.relevance) == 13
    # read by hand in the file: qid 21 (paper3) is shown when qid 20 (paper2, group 4) is Y
    assert form.relevance["paper3"] == ('((paper2.NAOK == "Y"))',)
    assert form.relevance["edu2"] == (
        '((edu1.NAOK == "3" or edu1.NAOK == "4" or edu1.NAOK == "5" or edu1.NAOK == "7"))',
    )
    assert form.relevance["ukrs3"] == ('((ukrse2.NAOK == "-oth-"))',)
    # a multiple-numeric question (K): the condition goes to each of its subquestions
    assert form.relevance["open1can_SQ001"] == ('((open01can.NAOK == "Y"))',)
    sgqa = [c for chain in form.relevance.values() for c in chain if re.search(r"\d+X\d+X", c)]
    assert sgqa == []


def test_txt_relevance_equations_read(nl):
    # questions_to_import.txt: 10 questions with a condition (column « relevance »), three
    # of them lists with « other », whose text box gets the same condition
    assert nl.relevance_syntax == "limesurvey"
    assert set(nl.relevance) == {
        "edu2",
        "edu2_other",
        "currentEmp2",
        "currentEmp2_other",
        "currentEmp4",
        "currentEmp4_other",
        "currentEmp20",
        "paper3",
        "paper4",
        "paper5",
        "open1can_SQ001",
        "open3can_SQ001",
        "train2",
        "train3",
    }
    assert nl.relevance["paper5"] == ('((paper4.NAOK == "N") AND (paper2.NAOK == "Y"))',)


def test_lss_group_and_array_row_relevance_are_chained(tmp_path):
    q = {"language": "fr", "gid": "10", "other": "N", "mandatory": "N", "question_order": "1"}
    xml = (
        "<?xml version='1.0' encoding='UTF-8'?><document>"
        "<LimeSurveyDocType>Survey</LimeSurveyDocType><languages><language>fr</language>"
        "</languages>"
        + _lss_table(
            "groups",
            [
                {"gid": "9", "group_name": "Filtre", "group_order": "0", "language": "fr"},
                {
                    "gid": "10",
                    "group_name": "Enjeux",
                    "group_order": "1",
                    "language": "fr",
                    "grelevance": "1X9X4.NAOK == 'Y'",
                },
            ],
        )
        + _lss_table(
            "questions",
            [
                {**q, "gid": "9", "qid": "4", "parent_qid": "0", "type": "Y", "title": "f"},
                {**q, "qid": "5", "parent_qid": "0", "type": "F", "title": "enj", "relevance": "1"},
            ],
        )
        + _lss_table(
            "subquestions",
            [
                {**q, "qid": "6", "parent_qid": "5", "title": "log", "relevance": "1"},
                {**q, "qid": "7", "parent_qid": "5", "title": "mob", "relevance": "1X9X4 == 'Y'"},
            ],
        )
        + "</document>"
    )
    path = tmp_path / "enjeux.lss"
    path.write_text(xml, encoding="utf-8")
    form = read_form(path)
    assert form.relevance == {
        "enj_log": ("f.NAOK == 'Y'",),
        "enj_mob": ("f.NAOK == 'Y'", "f == 'Y'"),
    }
