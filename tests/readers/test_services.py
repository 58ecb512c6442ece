"""Microsoft Forms, SurveyMonkey and Webform exports on minimal reproductions of their layout
(the real files are in tests/corpus/: msforms_hotdog_fa24, surveymonkey_lead_feedback,
webform_fr_vikidia, webform_fr_vikidia_rsaved)."""

from __future__ import annotations

import pandas as pd
import pytest

from diagnostic import read_responses
from diagnostic.readers import detect_format
from diagnostic.readers.inferred import option_order, tick_runs


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _account(s) -> tuple[int, int, int]:
    return s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected


def test_microsoft_forms_french_columns_are_not_questions(tmp_path):
    path = _write(
        tmp_path,
        "forms.csv",
        "ID,Heure de début,Heure de fin,Adresse de messagerie,Nom,Votre secteur ?\n"
        "1,01/03/2024 10:00,01/03/2024 10:05,anne@exemple.fr,Anne Durand,Agriculture\n"
        "2,01/03/2024 11:00,01/03/2024 11:02,paul@exemple.fr,Paul Roux,Commerce\n"
        "3,01/03/2024 12:00,01/03/2024 12:09,anonymous,,Commerce\n",
    )
    assert detect_format(path) == "microsoft_forms_csv"
    s = read_responses(path)
    assert _account(s) == (3, 3, 0)
    assert s.questions["label"].tolist() == ["Votre secteur ?"]
    assert set(s.personal["field"]) == {"Adresse de messagerie", "Nom"}
    assert "Anne Durand" not in set(s.answers["value"])


def test_microsoft_forms_quiz_marks_are_not_answers(tmp_path):
    """A quiz export: « Total points », « Quiz feedback » and « Points - Q » / « Feedback -
    Q » beside each question (column layout of a Microsoft Forms quiz download)."""
    path = _write(
        tmp_path,
        "quiz.csv",
        "Id,Start time,Completion time,Email,Name,Total points,Quiz feedback,"
        "Last modified time,Capital of France?,Points - Capital of France?,"
        "Feedback - Capital of France?\n"
        "1,9/9/26 18:01,9/9/26 18:02,anonymous,,1,,,Paris,1,\n"
        "2,9/9/26 18:03,9/9/26 18:05,anonymous,,0,,,Lyon,0,Non\n"
        "3,9/9/26 18:04,9/9/26 18:06,anonymous,,1,,,Paris,1,\n",
    )
    s = read_responses(path)
    assert s.format == "microsoft_forms_csv"
    assert s.questions["label"].tolist() == ["Capital of France?"]
    assert sorted(s.answers["value"]) == ["Lyon", "Paris", "Paris"]


def test_surveymonkey_two_header_lines_and_option_columns(tmp_path):
    """Line 2 holds « Response » under a one-column question and each option's text under
    a checkbox's columns, whose cells hold that text when ticked."""
    path = _write(
        tmp_path,
        "sm.csv",
        "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,"
        "Last Name,Custom Data 1,Do you agree?,Which tools do you use?,,\n"
        ",,,,,,,,,Response,Email,Phone,Letters\n"
        "11,7,07/31/2023 04:21:36 PM,07/31/2023 04:29:08 PM,10.0.0.1,,,,,Yes,Email,,Letters\n"
        "12,7,07/31/2023 05:00:00 PM,07/31/2023 05:09:00 PM,10.0.0.2,,,,,No,,Phone,\n"
        "13,7,08/01/2023 09:00:00 AM,08/01/2023 09:03:00 AM,10.0.0.3,,,,,Yes,Email,Phone,\n",
    )
    assert detect_format(path) == "surveymonkey_csv"
    s = read_responses(path)
    assert _account(s) == (3, 3, 0)
    q = s.questions.set_index("label")
    assert q.at["Do you agree?", "type"] == "single"
    assert q.at["Which tools do you use?", "type"] == "multiple"
    tools = s.answers[s.answers["question_id"] == q.at["Which tools do you use?", "question_id"]]
    assert sorted(tools["value"]) == ["email", "email", "letters", "phone", "phone"]
    assert "IP Address" in set(s.personal["field"])
    assert "10.0.0.1" not in set(s.answers["value"])


WEBFORM = (
    '"Enquête"\t""\t""\t""\t""\t""\t""\t""\t""\t""\n'
    '"Détails de la soumission"\t""\t""\t""\t""\t""\t""\t'
    '"Comment nous avez-vous connus ?"\t""\t""\n'
    '"Séquentiel"\t"SID"\t"Heure de soumission"\t"Brouillon"\t"Adresse IP"\t"UID"\t'
    '"Nom d\'utilisateur"\t"Par la presse"\t"Par des proches"\t"Autre"\n'
    '"1"\t"101"\t"13/07/2021 - 10:34"\t"0"\t"0.0.0.0"\t"0"\t"Anonymous"\t"X"\t""\t""\n'
    '"2"\t"102"\t"13/07/2021 - 10:40"\t"1"\t"0.0.0.0"\t"0"\t"Anonymous"\t""\t"X"\t""\n'
    '"3"\t"103"\t"13/07/2021 - 11:02"\t"0"\t"0.0.0.0"\t"0"\t"Anonymous"\t"X"\t"X"\t"X"\n'
)


def test_webform_groups_drafts_and_meta(tmp_path):
    path = _write(tmp_path, "webform.tsv", WEBFORM)
    assert detect_format(path) == "webform_csv"
    s = read_responses(path)
    # the draft (Brouillon = 1) is left out with its reason
    assert _account(s) == (3, 2, 1)
    draft = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert draft["row"].tolist() == [5] and "brouillon" in draft["problem"].item()
    # one checkbox question, named by the line above the header, options by their headers
    assert s.questions[["label", "type"]].values.tolist() == [
        ["Comment nous avez-vous connus ?", "multiple"]
    ]
    assert sorted(s.answers["value"]) == ["Autre", "Par des proches", "Par la presse"] + [
        "Par la presse"
    ]
    assert set(s.personal["field"]) == {"Adresse IP", "UID", "Nom d'utilisateur"}
    kept = read_responses(path, include_incomplete=True)
    assert _account(kept) == (3, 3, 0)


def test_tick_runs_split_on_text_columns_and_named_starts():
    frame = pd.DataFrame(
        {
            "a": ["X", None, "X"],
            "b": [None, "x", None],
            "never": [None, None, None],
            "Précisez": ["texte", None, None],
            "c": ["X", None, None],
            "d": [None, "X", None],
            "e": ["X", "X", None],
        }
    )
    cols = list(frame.columns)
    # a column never crossed at the end of a run is left out; a text column closes a run
    assert tick_runs(frame, cols, set()) == [["a", "b"], ["c", "d", "e"]]
    # a column named on the line above the header starts a new run
    assert tick_runs(frame, cols, set(), starts={"e"}) == [["a", "b"], ["c", "d"]]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["10", "2", "1"], ["1", "2", "10"]),
        (
            ["Vélo", "autobus", "Ne sait pas", "Éolien"],
            ["autobus", "Éolien", "Vélo", "Ne sait pas"],
        ),
        (["N/A", "b", "a"], ["a", "b", "N/A"]),
    ],
)
def test_inferred_options_sorted_by_number_or_label_non_answers_last(options, expected):
    assert option_order(options) == expected
