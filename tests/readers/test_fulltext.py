"""LimeSurvey exports with full-text headings, read with their structure file.

How LimeSurvey writes these headings was read in its source (LimeSurvey/LimeSurvey:
application/helpers/admin/export/Writer.php, application/helpers/viewHelper.php,
application/helpers/common_helper.php; see diagnostic.forms.limesurvey_fields). The
headings below are built here independently, from the structure's texts.
"""

import csv
import html
import json
import re

import pandas as pd
import pytest
from conftest import write_limesurvey_txt

from diagnostic import read_form, read_responses
from diagnostic.cli import main
from diagnostic.forms.model import FieldText
from diagnostic.readers.fulltext import cut_length, heading_key, match_headings

NL = "limesurvey_rse_nl_2017"


def _plain(text):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _structure_texts(path):
    """Question texts and (code, text) subquestions of a .txt structure, by question code."""
    rows = list(
        csv.reader(path.read_text(encoding="utf-8-sig").splitlines(keepends=True), delimiter="\t")
    )
    text = rows[0].index("text")
    questions, subs, code = {}, {}, None
    for row in rows[1:]:
        if row[:1] == ["Q"]:
            code = row[2]
            questions[code], subs[code] = _plain(row[text]), []
        elif row[:1] == ["SQ"]:
            subs[code].append((row[2], _plain(row[text])))
    return questions, subs


def _full_text(heading, questions, subs):
    """The full-text heading of a "code. text" heading: question text [subquestion text].
    A number in brackets is the option's position (this export's multiple choices)."""
    code, brackets = re.match(r"^([A-Za-z]\w*)((?:\[[^\]]*\])*)\.\s", heading).groups()
    part = re.findall(r"\[([^\]]*)\]", brackets)
    if not part:
        return questions[code]
    by_code = dict(subs[code])
    sub = by_code[part[0]] if part[0] in by_code else subs[code][int(part[0]) - 1][1]
    return f"{questions[code]} [{sub}]"


def _rewrite(source, target, rename):
    rows = list(csv.reader(source.read_text(encoding="utf-8").splitlines(keepends=True)))
    with target.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([[rename(h) if h else h for h in rows[0]]] + rows[1:])


def _by_row(survey):
    """The answers with each respondent's row of the file instead of its pseudonym."""
    rows = dict(zip(survey.actors["actor_id"], survey.actors["source_row"]))
    out = survey.answers.assign(row=survey.answers["actor_id"].map(rows))
    return (
        out[["row", "question_id", "value"]]
        .astype(str)
        .sort_values(["row", "question_id", "value"])
        .reset_index(drop=True)
    )


@pytest.fixture(scope="module")
def nl(shared, tmp_path_factory):
    folder = shared / "surveys" / NL
    form = read_form(folder / "questions_to_import.txt")
    questions, subs = _structure_texts(folder / "questions_to_import.txt")
    full = tmp_path_factory.mktemp("nl") / "results-full.csv"
    _rewrite(folder / "public_data.csv", full, lambda h: _full_text(h, questions, subs))
    return read_responses(folder / "public_data.csv", form), read_responses(full, form), full


def test_full_text_headings_match_all_130_codes(nl):
    coded, full, _path = nl
    cols = full.columns[full.columns["match"] != "meta"]
    assert len(cols) == 130
    # questions without subquestions (their text is their label) and multiple-choice options
    # ("text [option label]") were already recognised by label; array rows by full text
    assert cols["match"].value_counts().to_dict() == {"label": 98, "full_text": 32}
    same = coded.columns.loc[coded.columns["match"] != "meta", ["question_id", "option"]]
    pd.testing.assert_frame_equal(
        cols[["question_id", "option"]].reset_index(drop=True), same.reset_index(drop=True)
    )
    assert (
        full.columns.set_index("column").at[
            "In which disciplines do you work (select as many as apply) [Computer Science]",
            "option",
        ]
        == "SQ017"
    )
    assert (full.account.rows_read, full.account.rows_loaded) == (77, 77)
    assert not full.anomalies["problem"].str.contains("inconnue|absente de la liste").any()


def test_full_text_answers_are_the_code_heading_answers(nl):
    coded, full, _path = nl
    assert len(coded.answers) == 4357
    pd.testing.assert_frame_equal(_by_row(full), _by_row(coded))
    assert (
        full.asked["question_id"].value_counts().sort_index().to_dict()
        == coded.asked["question_id"].value_counts().sort_index().to_dict()
    )


def test_inspect_json_reports_the_columns_matched(nl, capsys, shared):
    _coded, _full, path = nl
    form = shared / "surveys" / NL / "questions_to_import.txt"
    assert main(["inspect", str(path), "--form", str(form), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "limesurvey_csv"
    columns = {c["column"]: c for c in report["columns"]}
    assert columns["Do you write code as part of your job?"] == {
        "column": "Do you write code as part of your job?",
        "question_id": "rse1",
        "option": None,
        "rank": None,
        "match": "label",
        "score": 100.0,
    }
    heading = "[In an average month, how much time do you spend on software development]"
    assert columns[heading] == {
        "column": heading,
        "question_id": "likert0_time1can",
        "option": None,
        "rank": None,
        "match": "full_text",
        "score": 100.0,
    }
    assert sum(c["question_id"] is not None for c in report["columns"]) == 130


def test_headings_as_limesurvey_wrote_them(shared, tmp_path):
    # the export's own texts ("code. " removed) differ from the structure in three places
    # (edited after the export): close ones are matched, the fourth is reported
    folder = shared / "surveys" / NL
    path = tmp_path / "results-texts.csv"
    _rewrite(folder / "public_data.csv", path, lambda h: re.sub(r"^\S+\.\s", "", h))
    s = read_responses(path, read_form(folder / "questions_to_import.txt"))
    fuzzy = s.columns[s.columns["match"] == "fuzzy"]
    assert fuzzy["question_id"].tolist() == ["currentEmp10", "paper1", "stability2"]
    assert fuzzy["score"].tolist() == [98.8, 98.5, 99.4]
    assert (s.columns["match"] == "none").sum() == 1
    left = s.anomalies[s.anomalies["problem"].str.contains("inconnue")]
    assert left[["file", "column"]].values.tolist() == [
        ["results-texts.csv", "What is the duration of your current contract? (in years)"]
    ]
    coded = read_responses(
        folder / "public_data.csv", read_form(folder / "questions_to_import.txt")
    )
    expected = _by_row(coded)
    pd.testing.assert_frame_equal(
        _by_row(s), expected[expected["question_id"] != "currentEmp11"].reset_index(drop=True)
    )


# A French survey exported with abbreviated headings: each text cut to 15 characters and
# followed by ".. " (Writer.php, getAbbreviatedHeading), "[Autre]" for the "other" field.
_ROWS = [
    ["S", "", "language", "", "fr"],
    ["G", "1", "Profil", "1", "", "", "fr"],
    ["Q", "L", "statut", "1", "Statut de votre structure", "", "fr", "", "Y", "Y"],
    ["A", "0", "asso", "", "Association", "", "fr"],
    ["A", "0", "ent", "", "Entreprise", "", "fr"],
    ["Q", "Y", "salaries", "1", "Votre structure emploie-t-elle des salariés ?", "", "fr"],
    ["Q", "Y", "benevoles", "1", "Votre structure accueille-t-elle des bénévoles ?", "", "fr"],
    ["Q", "M", "besoins", "1", "Quels sont les besoins de votre structure ?", "", "fr"],
    ["SQ", "", "log", "1", "Logement des salariés", "", "fr"],
    ["SQ", "", "mob", "1", "Mobilité des habitants", "", "fr"],
    ["SQ", "", "num", "1", "Numérique", "", "fr"],
    [
        "Q",
        "F",
        "enjeux",
        "1",
        "<p>Importance de chaque <b>enjeu</b> pour le territoire</p>",
        "",
        "fr",
    ],
    ["SQ", "", "emp", "1", "Emploi local", "", "fr"],
    ["SQ", "", "ser", "1", "Services publics de proximité", "", "fr"],
    ["A", "0", "1", "", "Faible", "", "fr"],
    ["A", "0", "2", "", "Moyenne", "", "fr"],
    ["A", "0", "3", "", "Forte", "", "fr"],
    ["Q", "N", "age", "1", "Âge", "", "fr"],
]


def _cut(text, n=15):
    return text if len(text) <= n else text[:n] + ".. "


def _abbreviated(question, *parts):
    return (_cut(question) + " " + "".join(f"[{_cut(p)}]" for p in parts)).strip()


_COLUMNS = [
    ("statut", _abbreviated("Statut de votre structure")),
    ("statut_other", _abbreviated("Statut de votre structure", "Autre")),
    ("salaries", _abbreviated("Votre structure emploie-t-elle des salariés ?")),
    ("benevoles", _abbreviated("Votre structure accueille-t-elle des bénévoles ?")),
    (
        "besoins/log",
        _abbreviated("Quels sont les besoins de votre structure ?", "Logement des salariés"),
    ),
    (
        "besoins/mob",
        _abbreviated("Quels sont les besoins de votre structure ?", "Mobilité des habitants"),
    ),
    ("besoins/num", _abbreviated("Quels sont les besoins de votre structure ?", "Numérique")),
    ("enjeux_emp", _abbreviated("Importance de chaque enjeu pour le territoire", "Emploi local")),
    (
        "enjeux_ser",
        _abbreviated(
            "Importance de chaque enjeu pour le territoire", "Services publics de proximité"
        ),
    ),
    ("age", "Âge"),
]
_ANSWERS = [
    ["1", "Association", "", "Oui", "Non", "Oui", "Non", "Non", "Forte", "Moyenne", "42"],
    ["2", "Autre", "Collectif", "Non", "Oui", "Non", "Oui", "Non", "Faible", "Forte", "35"],
    ["3", "Entreprise", "", "Oui", "Oui", "Non", "Non", "Oui", "Moyenne", "", "58"],
]


@pytest.fixture
def abbreviated(tmp_path):
    structure = write_limesurvey_txt(tmp_path / "structure.txt", _ROWS)
    export = tmp_path / "results-survey.csv"
    with export.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, delimiter=";").writerows(
            [["ID réponse"] + [h for _q, h in _COLUMNS]] + _ANSWERS
        )
    return read_responses(export, read_form(structure))


def test_abbreviated_headings_are_matched(abbreviated):
    s = abbreviated
    assert (s.account.rows_read, s.account.rows_loaded) == (3, 3)
    cols = s.columns[s.columns["match"] != "meta"]
    got = {
        (q if pd.isna(o) else f"{q}/{o}"): m
        for q, o, m in zip(cols["question_id"], cols["option"], cols["match"])
        if not pd.isna(q)
    }
    assert got == {
        "statut": "abbreviated",
        "statut_other": "abbreviated",
        "besoins/log": "abbreviated",
        "besoins/mob": "abbreviated",
        "besoins/num": "abbreviated",
        "enjeux_emp": "abbreviated",
        "enjeux_ser": "abbreviated",
        "age": "label",
    }  # a question without subquestion: its text is its label
    got = sorted(zip(s.answers["question_id"], s.answers["value"]))
    assert got == [
        ("age", "35"),
        ("age", "42"),
        ("age", "58"),
        ("besoins", "log"),
        ("besoins", "mob"),
        ("besoins", "num"),
        ("enjeux_emp", "1"),
        ("enjeux_emp", "2"),
        ("enjeux_emp", "3"),
        ("enjeux_ser", "2"),
        ("enjeux_ser", "3"),
        ("statut", "-oth-"),
        ("statut", "asso"),
        ("statut", "ent"),
        ("statut_other", "Collectif"),
    ]


def test_ambiguous_abbreviated_heading_stays_unmatched_and_reported(abbreviated):
    # "Votre structure.." is the abbreviated heading of two questions: never guessed
    s = abbreviated
    left = s.columns.loc[s.columns["match"] == "none", "column"].tolist()
    assert left == ["Votre structure..", "Votre structure.. (2)"]
    report = s.anomalies[s.anomalies["column"].isin(left)]
    assert report[["file", "column", "action"]].values.tolist() == [
        ["results-survey.csv", "Votre structure..", "conservé"],
        ["results-survey.csv", "Votre structure.. (2)", "conservé"],
    ]
    assert (
        report["problem"]
        .tolist()[0]
        .startswith(
            "en-tête en texte intégral proche de plusieurs questions du formulaire "
            "(salaries, benevoles) : colonne ignorée"
        )
    )
    assert not s.answers["question_id"].isin(["salaries", "benevoles"]).any()


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("Votre structure.. [Autre]", 15),
        ("Quels sont les .. [Logement des sa.. ]", 15),
        ("Âge", None),
        ("Question [Emploi local]", None),
    ],
)
def test_cut_length(heading, expected):
    assert cut_length(heading) == expected


@pytest.mark.parametrize(
    "heading",
    [
        "Votre   <b>âge</b> [Autre]",
        "votre âge[autre]",
        "Votre_âge_[Autre]",
        "Votre&nbsp;âge [ Autre ]",
    ],
)
def test_heading_key_sets_aside_html_case_spaces(heading):
    assert heading_key(heading) == heading_key("Votre âge [Autre]")


def test_fuzzy_match_needs_a_clear_winner():
    fields = [
        FieldText("q_a", None, "Satisfaction des habitants", ("Commune 1",)),
        FieldText("q_b", None, "Satisfaction des habitants", ("Commune 2",)),
        FieldText("r", None, "Combien de salariés votre structure emploie-t-elle ?"),
    ]
    matched, ambiguous = match_headings(
        [
            "Satisfaction des habitant [Commune]",
            "Combien de salariés votre structure emploie-t-elle",
        ],
        fields,
    )
    assert {h: (f.question_id, how) for h, (f, how, _s) in matched.items()} == {
        "Combien de salariés votre structure emploie-t-elle": ("r", "fuzzy")
    }
    assert ambiguous == {"Satisfaction des habitant [Commune]": ("questions", ["q_a", "q_b"])}


@pytest.mark.parametrize("scale_word", ["Scale", "Échelle"])
def test_abbreviated_dual_scale_rows_are_told_apart_by_their_number(scale_word):
    fields = [
        FieldText(
            f"enj_{sub}_{scale}",
            None,
            "Pour chaque enjeu du territoire",
            (text, f"Scale {scale + 1}"),
            scale,
        )
        for sub, text in (("log", "Logement"), ("mob", "Mobilité"))
        for scale in (0, 1)
    ]
    headings = [
        f"Pour chaque enj.. [{text}][{scale_word} {n}]"
        for text in ("Logement", "Mobilité")
        for n in (1, 2)
    ]
    matched, ambiguous = match_headings(headings, fields)
    assert ambiguous == {}
    assert [matched[h][0].question_id for h in headings] == [
        "enj_log_0",
        "enj_log_1",
        "enj_mob_0",
        "enj_mob_1",
    ]
    assert {how for _f, how, _s in matched.values()} == {"abbreviated"}


def test_row_ending_with_a_number_is_not_taken_for_a_scale():
    fields = [
        FieldText("enj_log_0", None, "Pour chaque enjeu", ("Logement", "Scale 1"), 0),
        FieldText("enj_log_1", None, "Pour chaque enjeu", ("Logement", "Scale 2"), 1),
        FieldText("sat_c1", None, "Satisfaction des habitants de la commune", ("Commune 1",)),
    ]
    matched, ambiguous = match_headings(
        ["Satisfaction des habitants de la commune? [Commune 1]"], fields
    )
    assert [(f.question_id, how) for f, how, _s in matched.values()] == [("sat_c1", "fuzzy")]
    assert ambiguous == {}
