"""Ranking answers (kept with their order) and LimeSurvey comment columns."""

import csv
import json
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import write_limesurvey_txt, write_xlsform
from openpyxl import Workbook

from diagnostic import read_form, read_responses
from diagnostic.cli import main
from diagnostic.export.data_sheet import data_table

# A LimeSurvey structure (.txt) with a ranking (R), a list with comment (O) and a multiple
# choice with comments (P) with "other".
_ROWS = [
    ["S", "", "language", "", "fr"],
    ["G", "1", "Profil", "1", "", "", "fr"],
    ["Q", "R", "priorites", "1", "Classez vos priorités", "", "fr"],
    ["A", "0", "eau", "", "Eau potable", "", "fr"],
    ["A", "0", "rou", "", "Routes", "", "fr"],
    ["A", "0", "num", "", "Numérique", "", "fr"],
    ["Q", "O", "statut", "1", "Statut de votre structure", "", "fr"],
    ["A", "0", "asso", "", "Association", "", "fr"],
    ["A", "0", "ent", "", "Entreprise", "", "fr"],
    ["Q", "P", "besoins", "1", "Quels sont vos besoins ?", "", "fr", "", "", "Y"],
    ["SQ", "", "log", "1", "Logement", "", "fr"],
    ["SQ", "", "mob", "1", "Mobilité", "", "fr"],
]
_CODES = [
    "priorites[1]",
    "priorites[2]",
    "priorites[3]",
    "statut",
    "statut[comment]",
    "besoins[log]",
    "besoins[logcomment]",
    "besoins[mob]",
    "besoins[mobcomment]",
    "besoins[other]",
    "besoins[othercomment]",
]
_ANSWERS = [  # code answers; row 4: "rou" twice, row 5: rank 2 empty, row 6: "xyz" unknown
    ["1", "eau", "rou", "num", "asso", "Une petite asso", "Y", "Trop cher", "", "", "", ""],
    ["2", "num", "eau", "", "ent", "", "", "", "Y", "Pas de bus", "Garde", "Le soir"],
    ["3", "rou", "rou", "eau", "asso", "", "Y", "", "", "", "", ""],
    ["4", "eau", "", "num", "ent", "", "", "", "Y", "", "", ""],
    ["5", "xyz", "eau", "", "asso", "", "Y", "", "", "", "", ""],
]
_LABELS = {
    "eau": "Eau potable",
    "rou": "Routes",
    "num": "Numérique",
    "asso": "Association",
    "ent": "Entreprise",
    "Y": "Oui",
    "xyz": "xyz",
}


def _structure(tmp_path):
    return read_form(write_limesurvey_txt(tmp_path / "structure.txt", _ROWS, ["max_subquestions"]))


def _export(tmp_path, header, rows, name="results-survey.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, delimiter=";").writerows([["id"] + header] + rows)
    return path


def _full_texts(rank, comment, other_comment):
    """The full-text headings of _CODES, with the words LimeSurvey translates."""
    ask, need = "Classez vos priorités", "Quels sont vos besoins ?"
    return [f"{ask} [{rank} {i}]" for i in (1, 2, 3)] + [
        "Statut de votre structure",
        f"Statut de votre structure [{comment}]",
        f"{need} [Logement]",
        f"{need} [{comment}]",
        f"{need} [Mobilité]",
        f"{need} [{comment}]",
        f"{need} [Autre]",
        f"{need} [{other_comment}]",
    ]


def _ranks(s):
    got = s.answers[s.answers["question_id"] == "priorites"]
    row = dict(zip(s.actors["actor_id"], s.actors["source_row"]))
    return sorted(
        (row[a], int(r), v) for a, v, r in zip(got["actor_id"], got["value"], got["rank"])
    )


_EXPECTED_RANKS = [
    (2, 1, "eau"),
    (2, 2, "rou"),
    (2, 3, "num"),
    (3, 1, "num"),
    (3, 2, "eau"),
    (4, 1, "rou"),
    (4, 3, "eau"),
    (5, 1, "eau"),
    (5, 3, "num"),
    (6, 1, "xyz"),
    (6, 2, "eau"),
]
_EXPECTED_COMMENTS = [
    ("besoins_logcomment", "Trop cher"),
    ("besoins_mobcomment", "Pas de bus"),
    ("besoins_othercomment", "Le soir"),
    ("statut_comment", "Une petite asso"),
]


def _comments(s):
    got = s.answers[s.answers["question_id"].str.contains("comment")]
    return sorted(zip(got["question_id"], got["value"]))


def test_structure_gives_the_ranking_and_comment_questions(tmp_path):
    form = _structure(tmp_path)
    q = form.questions.set_index("question_id")
    assert form.ranks == {"priorites": ("1", "2", "3")}
    assert q.loc["priorites", ["type", "list_name"]].tolist() == ["rank", "priorites"]
    comments = q[q.index.str.contains("comment")]
    assert comments[["label", "type", "role"]].reset_index().values.tolist() == [
        ["statut_comment", "Statut de votre structure (commentaire)", "text", "free_text"],
        [
            "besoins_logcomment",
            "Quels sont vos besoins ? — Logement (commentaire)",
            "text",
            "free_text",
        ],
        [
            "besoins_mobcomment",
            "Quels sont vos besoins ? — Mobilité (commentaire)",
            "text",
            "free_text",
        ],
        [
            "besoins_othercomment",
            "Quels sont vos besoins ? — autre (commentaire)",
            "text",
            "free_text",
        ],
    ]


@pytest.mark.parametrize("style", ["brackets", "underscores"])
def test_limesurvey_code_headings(tmp_path, style):
    header = (
        _CODES if style == "brackets" else [c.replace("[", "_").replace("]", "") for c in _CODES]
    )  # Q1_1, Q1_SQ001comment
    s = read_responses(_export(tmp_path, header, _ANSWERS), _structure(tmp_path))
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (5, 5, 0)
    assert _ranks(s) == _EXPECTED_RANKS
    assert _comments(s) == _EXPECTED_COMMENTS
    assert s.answers.loc[s.answers["question_id"] != "priorites", "rank"].isna().all()
    cols = s.columns.set_index("column")
    assert cols.loc[header[:3], "rank"].tolist() == [1, 2, 3]
    assert cols.loc[header[:3], "question_id"].tolist() == ["priorites"] * 3
    assert cols.loc[header[4], "question_id"] == "statut_comment"
    assert cols.loc[header[6], "question_id"] == "besoins_logcomment"
    assert not s.anomalies["problem"].str.contains("inconnue").any()
    # ranking asked of everyone who ranked something
    assert (s.asked["question_id"] == "priorites").sum() == 5


def test_bad_rankings_are_reported_by_file_row_and_column(tmp_path):
    s = read_responses(_export(tmp_path, _CODES, _ANSWERS), _structure(tmp_path))
    bad = s.anomalies[s.anomalies["column"].str.startswith("priorites", na=False)]
    assert bad[["file", "row", "column", "value", "action"]].fillna("").values.tolist() == [
        ["results-survey.csv", 4, "priorites[2]", "rou", "corrigé"],
        ["results-survey.csv", 5, "priorites[2]", "", "conservé"],
        ["results-survey.csv", 6, "priorites[1]", "xyz", "conservé"],
    ]
    assert bad["problem"].tolist() == [
        "option « rou » classée deux fois (rangs 1 et 2) : seul le rang 1 est gardé",
        "rang 2 vide alors que le rang 3 est rempli : rangs gardés tels qu'écrits",
        "valeur absente de la liste de choix du formulaire",
    ]


@pytest.mark.parametrize(
    "rank, comment, other_comment",
    [
        ("Rank", "Comment", "Other comment"),  # LimeSurvey's English msgids
        ("Rang", "Commentaire", "Autre commentaire"),  # any language: by number and by place
    ],
)
def test_limesurvey_full_text_headings(tmp_path, rank, comment, other_comment):
    rows = [
        [r[0]] + [_LABELS.get(v, v) for v in r[1:6]] + [_LABELS.get(v, v) for v in r[6:]]
        for r in _ANSWERS
    ]
    path = _export(tmp_path, _full_texts(rank, comment, other_comment), rows)
    s = read_responses(path, _structure(tmp_path))
    assert _ranks(s) == _EXPECTED_RANKS  # answer texts turned back into codes
    assert _comments(s) == _EXPECTED_COMMENTS
    cols = s.columns
    assert (cols["match"] == "none").sum() == 0
    assert cols["rank"].dropna().astype(int).tolist() == [1, 2, 3]
    # the comments of a multiple choice share one heading: each is known by its place
    got = cols.loc[
        cols["question_id"].str.contains("comment", na=False), ["column", "question_id"]
    ].values.tolist()
    assert [q for _c, q in got] == [
        "statut_comment",
        "besoins_logcomment",
        "besoins_mobcomment",
        "besoins_othercomment",
    ]
    assert got[2][0] == f"Quels sont vos besoins ? [{comment}] (2)"


def test_inspect_json_counts_rank_and_comment_columns(tmp_path, capsys):
    form = tmp_path / "structure.txt"
    _structure(tmp_path)
    path = _export(tmp_path, _CODES, _ANSWERS)
    assert main(["inspect", str(path), "--form", str(form), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    columns = {c["column"]: c for c in report["columns"]}
    assert columns["priorites[2]"] == {
        "column": "priorites[2]",
        "question_id": "priorites",
        "option": None,
        "rank": 2,
        "match": "code",
        "score": 100.0,
    }
    assert columns["besoins[mobcomment]"]["question_id"] == "besoins_mobcomment"
    assert sum(c["question_id"] is not None for c in report["columns"]) == len(_CODES)
    kinds = {q["question_id"]: q["type"] for q in report["questions"]}
    assert kinds["priorites"] == "rank" and kinds["statut_comment"] == "text"


def test_real_lss_ranking_has_one_column_per_answer(shared):
    form = read_form(shared / "surveys" / "limesurvey_lss_ssi_uk_core_2017" / "uk_core_survey.lss")
    q = form.questions.set_index("question_id")
    assert q.at["prevEmp2", "type"] == "rank"
    assert form.choice_labels("prevEmp2")["A1"] == "Freedom of work"
    assert form.ranks == {"prevEmp2": tuple("12345678")}  # no max_subquestions: 8 answers
    headings = [h.text for h in form.headings if h.question_id == "prevEmp2"]
    assert headings[0] == (
        "How important were the following features to your decision to "
        "accept your current position? [Rank 1]"
    )
    assert len(headings) == 8


def test_real_xlsform_rank_question(shared):
    form = read_form(shared / "surveys" / "xlsform_impact_msna_idem" / "form.xlsx", language="fr")
    q = form.questions.set_index("question_id")
    assert q.loc["fsl_source_food_ranked", ["type", "list_name"]].tolist() == [
        "rank",
        "l_fsl_source_food",
    ]
    assert form.choice_values("l_fsl_source_food")[:3] == [
        "own_production",
        "purchase_cash",
        "purchase_credit",
    ]
    assert form.ranks == {}  # an ODK rank: one cell, the values joined by spaces


def _kobo(tmp_path, survey_rows, header, rows):
    choices = [
        ["list_name", "name", "label"],
        ["prio", "eau", "Eau potable"],
        ["prio", "rou", "Routes"],
        ["prio", "num", "Numérique"],
    ]
    write_xlsform(tmp_path / "form.xlsx", survey_rows, choices)
    export = Workbook()
    ws = export.active
    for row in [header + ["_uuid", "_index", "_submission_time"]] + [
        r + [f"u{i}", str(i), "2024-05-02"] for i, r in enumerate(rows, 1)
    ]:
        ws.append(row)
    export.save(tmp_path / "export.xlsx")
    return read_responses(tmp_path / "export.xlsx", read_form(tmp_path / "form.xlsx"))


def test_kobo_rank_as_space_joined_values(tmp_path):
    s = _kobo(
        tmp_path,
        [["type", "name", "label"], ["rank prio", "priorites", "Classez"]],
        ["priorites"],
        [["eau rou num"], ["num eau"], ["rou rou"], ["eau xyz"]],
    )
    assert (s.account.rows_read, s.account.rows_loaded) == (4, 4)
    assert _ranks(s) == [
        (2, 1, "eau"),
        (2, 2, "rou"),
        (2, 3, "num"),
        (3, 1, "num"),
        (3, 2, "eau"),
        (4, 1, "rou"),
        (5, 1, "eau"),
        (5, 2, "xyz"),
    ]
    bad = s.anomalies[s.anomalies["column"] == "priorites"]
    assert bad[["row", "value", "problem", "action"]].values.tolist() == [
        [
            4,
            "rou rou",
            "option « rou » classée deux fois (rangs 1 et 2) : seul le rang 1 est gardé",
            "corrigé",
        ],
        [5, "eau xyz", "valeur absente de la liste de choix du formulaire : « xyz »", "conservé"],
    ]


def test_kobo_form_builder_ranking_levels(tmp_path):
    # Kobo's form builder writes begin_rank / rank__level / end_rank and deploys one
    # select_one per level, exported as rnk/n1, rnk/n2
    survey = [
        ["type", "name", "label", "kobo--rank-items", "kobo--rank-constraint-message"],
        ["begin_rank", "priorites", "Classez", "prio", "Un choix par rang"],
        ["rank__level", "n1", "1er choix", "", ""],
        ["rank__level", "n2", "2e choix", "", ""],
        ["end_rank", "", "", "", ""],
    ]
    s = _kobo(
        tmp_path,
        survey,
        ["priorites/n1", "priorites/n2"],
        [["eau", "rou"], ["num", ""], ["rou", "rou"]],
    )
    assert s.questions.set_index("question_id").at["priorites", "type"] == "rank"
    assert _ranks(s) == [(2, 1, "eau"), (2, 2, "rou"), (3, 1, "num"), (4, 1, "rou")]
    assert s.columns.set_index("column").loc[["priorites/n1", "priorites/n2"], "rank"].tolist() == [
        1,
        2,
    ]
    assert not s.anomalies["problem"].str.contains("inconnu").any()


def test_data_sheet_shows_a_ranking_in_rank_order():
    questions = pd.DataFrame(
        {
            "question_id": ["priorites", "besoins"],
            "label": ["P", "B"],
            "type": ["rank", "multiple"],
            "list_name": ["prio", "prio"],
            "role": ["other", "need"],
            "repeat": [None, None],
        }
    )
    choices = pd.DataFrame(
        {
            "list_name": ["prio"] * 3,
            "value": ["eau", "rou", "num"],
            "label": ["Eau potable", "Routes", "Numérique"],
        }
    )
    answers = pd.DataFrame(
        {
            "actor_id": ["A1"] * 5,
            "question_id": ["priorites"] * 3 + ["besoins"] * 2,
            "value": ["num", "eau", "rou", "num", "eau"],
            "instance": pd.array([None] * 5, dtype="Int64"),
            "rank": pd.array([1, 2, 3, None, None], dtype="Int64"),
        }
    )
    actors = pd.DataFrame({"actor_id": ["A1"], "actor_type": ["asso"], "commune_code": ["61001"]})
    diag = SimpleNamespace(questions=questions, choices=choices, answers=answers, actors=actors)
    row = data_table(diag, "consultant").iloc[0]  # one actor: no public view
    assert row["priorites"] == "Numérique > Eau potable > Routes"
    assert row["besoins"] == "Eau potable ; Numérique"  # the form's order
