"""XLSForm reading on real forms: legacy .xls, Kobo artefacts, bilingual labels, repeats."""

import pytest
from conftest import write_xlsform

from diagnostic import read_form, read_xlsform


@pytest.fixture(scope="module")
def abidjan(shared):
    return read_xlsform(shared / "surveys" / "kobo_epfl_abidjan_2022" / "Abidjan_2022.xls")


def test_legacy_xls_form_in_french(abidjan):
    q = abidjan.questions
    assert len(q) == 93
    # StreetFood (« 0 à 1 fois par semaine » … « 5 fois par semaine ou plus ») is a scale
    assert q["type"].value_counts().to_dict() == {
        "single": 55,
        "likert": 1,
        "text": 22,
        "numeric": 8,
        "multiple": 4,
        "geo": 3,
    }
    assert len(abidjan.choices) == 258
    assert q.set_index("question_id").at["Enum_Name", "label"] == "Nom de l'enqueteur"


def test_duplicate_names_and_editor_columns_are_anomalies(abidjan):
    a = abidjan.anomalies
    dup = a[a["problem"].str.contains("en double")]
    assert dup["row"].tolist() == [19, 62, 125]
    assert dup["value"].tolist() == ["group_HH_members", "HandWashHabits1", "group_HH_location"]
    assert sorted(a.loc[a["problem"].str.contains("éditeur"), "column"]) == [
        "$given_name",
        "colonne_4",
    ]


def test_repeat_questions_are_known(abidjan):
    assert abidjan.repeats["Name"] == "Rep_names_HH"
    assert sum(r == "Rep_Bio_HH" for r in abidjan.repeats.values()) == 20


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", "Modalités de l'entretien"),
        ("Français (fr)", "Modalités de l'entretien"),
        ("french", "Modalités de l'entretien"),
        ("en", "Survey modality"),
        (None, "Survey modality"),
    ],
)
def test_bilingual_impact_form_labels_selectable(shared, language, expected):
    form = read_xlsform(shared / "surveys" / "xlsform_impact_msna_idem" / "form.xlsx", language)
    q = form.questions.set_index("question_id")
    assert len(q) == 530
    assert q.at["survey_modality", "label"] == expected
    assert q.at["fsl_source_food_ranked", "type"] == "rank"
    assert q.at["household_geopoint", "type"] == "geo"
    assert len(form.choices) == 3538 and len(form.repeats) == 45


def test_or_other_adds_the_choice_and_the_text_question(tmp_path):
    survey = [
        ["type", "name", "label::Français (fr)", "label::English (en)"],
        ["select_one secteur or_other", "secteur", "Secteur ?", "Sector?"],
        ["rank secteur", "priorites", "Classez", "Rank"],
    ]
    choices = [
        ["list_name", "name", "label::Français (fr)", "label::English (en)"],
        ["secteur", "agri", "Agriculture", "Farming"],
    ]
    settings = [["default_language"], ["Français (fr)"]]
    form = read_form(write_xlsform(tmp_path / "f.xlsx", survey, choices, settings))
    assert form.questions[["question_id", "type"]].values.tolist() == [
        ["secteur", "single"],
        ["secteur_other", "text"],
        ["priorites", "rank"],
    ]
    assert form.choice_values("secteur") == ["agri", "other"]
    assert form.choice_labels("secteur")["agri"] == "Agriculture"
