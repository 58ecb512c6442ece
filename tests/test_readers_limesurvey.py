"""LimeSurvey response exports, with and without the survey structure."""

import pytest

from diagnostic import read_form, read_responses
from diagnostic.readers.columns import map_columns


@pytest.fixture(scope="module")
def nl(shared):
    folder = shared / "surveys" / "limesurvey_rse_nl_2017"
    form = read_form(folder / "questions_to_import.txt")
    return folder / "public_data.csv", form, read_responses(folder / "public_data.csv", form)


def test_nl_export_row_accounting(nl):
    _path, _form, s = nl
    assert s.format == "limesurvey_csv"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (77, 77, 0)


def test_every_code_heading_matches_the_structure(nl):
    path, form, s = nl
    from diagnostic.readers.tables import read_table

    frame = read_table(path).frame
    headings = [c for c in frame.columns if c != "colonne_1"]  # the saved pandas index
    assert len(headings) == 130
    assert set(headings) <= map_columns(frame, form).used()
    assert not s.anomalies["problem"].str.contains("inconnue|absente de la liste").any()


@pytest.mark.parametrize("question_id, expected", [
    ("rse1", {"Y": 75, "N": 2}),                   # "Yes"/"No" are the Y/N codes
    ("rse3_SQ001", {"6": 19, "5": 17, "4": 16}),   # full answers: label "4" is code 5
    ("currentEmp13", {"SQ017": 41, "SQ009": 22, "SQ052": 20}),  # [17] is the 17th option
    ("likert2_progRSE1", {"3": 33, "2": 16, "4": 11}),
])
def test_full_answers_become_codes(nl, question_id, expected):
    s = nl[2]
    counts = s.answers[s.answers["question_id"] == question_id]["value"].value_counts()
    assert counts.head(len(expected)).to_dict() == expected


def test_blank_array_cells_mean_not_asked(nl):
    s = nl[2]
    assert (s.asked["question_id"] == "paper5").sum() == 4
    assert (s.asked["question_id"] == "currentEmp13").sum() == 77


@pytest.fixture(scope="module")
def unil(shared):
    path = shared / "surveys" / "limesurvey_unil_journees_patrimoine" / "results-survey4914.xlsx"
    return read_responses(path)


def test_french_full_text_export_without_structure(unil):
    s = unil
    assert s.format == "limesurvey_xlsx"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (348, 348, 0)
    assert s.questions["type"].value_counts().to_dict() == {
        "single": 6, "multiple": 3, "text": 2, "numeric": 2}
    unlabelled = s.anomalies["problem"].str.contains("unlabelled")
    assert unlabelled.sum() == 12


def test_oui_non_columns_make_one_multiple_question(unil):
    s = unil
    qid = "quel_s_jour_s_avez_vous_fait"
    assert s.questions.set_index("question_id").at[qid, "label"] == (
        "Quel(s) jour(s) avez-vous fait des visites?")
    days = s.answers[s.answers["question_id"] == qid]["value"].value_counts().to_dict()
    assert days == {"samedi": 159, "dimanche": 152}
    assert (s.asked["question_id"] == qid).sum() == 348 - 124  # N/A: not shown


def test_other_column_and_odd_headers(unil):
    s = unil
    other = s.answers[s.answers["question_id"] == "vous_habitez_dans_quel_pays_other"]
    assert other["value"].tolist() == ["Norwegen"]
    labels = s.questions["label"].tolist()
    assert "Comment jugez-vous l'offre pour des activités de loisirs}?" in labels
