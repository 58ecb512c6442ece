"""LimeSurvey response exports, with and without the survey structure."""

import pytest
from conftest import write_limesurvey_txt

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
    from diagnostic._io.tables import read_table

    frame = read_table(path).frame
    headings = [c for c in frame.columns if c != "colonne_1"]  # the saved pandas index
    assert len(headings) == 130
    assert set(headings) <= map_columns(frame, form).used()
    assert not s.anomalies["problem"].str.contains("inconnue|absente de la liste").any()


@pytest.mark.parametrize(
    "question_id, expected",
    [
        ("rse1", {"Y": 75, "N": 2}),  # "Yes"/"No" are the Y/N codes
        ("rse3_SQ001", {"6": 19, "5": 17, "4": 16}),  # full answers: label "4" is code 5
        ("currentEmp13", {"SQ017": 41, "SQ009": 22, "SQ052": 20}),  # [17] is the 17th option
        ("likert2_progRSE1", {"3": 33, "2": 16, "4": 11}),
    ],
)
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
    # the two quality questions (« Excellent » … « laisse à désirer ») are ordered scales
    assert s.questions["type"].value_counts().to_dict() == {
        "single": 4,
        "likert": 2,
        "multiple": 3,
        "text": 2,
        "numeric": 2,
    }
    # one line per type guessed, with the number of questions (not one line per column)
    unlabelled = s.anomalies.loc[s.anomalies["problem"].str.contains("unlabelled"), "problem"]
    assert len(unlabelled) == 5
    assert (
        unlabelled.str.contains(
            "type « single » déduit des réponses (4 colonnes", regex=False
        ).sum()
        == 1
    )
    assert (
        unlabelled.str.contains("type « text » déduit des réponses (2 colonnes", regex=False).sum()
        == 1
    )


def test_oui_non_columns_make_one_multiple_question(unil):
    s = unil
    qid = "quel_s_jour_s_avez_vous_fait"
    assert s.questions.set_index("question_id").at[qid, "label"] == (
        "Quel(s) jour(s) avez-vous fait des visites?"
    )
    days = s.answers[s.answers["question_id"] == qid]["value"].value_counts().to_dict()
    assert days == {"samedi": 159, "dimanche": 152}
    assert (s.asked["question_id"] == qid).sum() == 348 - 124  # N/A: not shown


def test_other_column_and_odd_headers(unil):
    s = unil
    other = s.answers[s.answers["question_id"] == "vous_habitez_dans_quel_pays_other"]
    assert other["value"].tolist() == ["Norwegen"]
    labels = s.questions["label"].tolist()
    assert "Comment jugez-vous l'offre pour des activités de loisirs}?" in labels


# Dual-scale arrays (LimeSurvey question type "1"). No real file here has one, so the
# fixture follows LimeSurvey's own code (repository LimeSurvey/LimeSurvey):
# - application/helpers/common_helper.php, createFieldMap: each row is stored twice,
#   ``{sid}X{gid}X{qid}{subcode}#0`` and ``#1``, with scale_id 0 and 1;
# - application/helpers/viewHelper.php, getFieldCode: the code heading is
#   ``title[subcode][scale_id + 1]``, or ``title_subcode_scale_id`` with "Expression
#   Manager codes"; application/helpers/admin/export/Writer.php: "code. text" headings;
# - application/helpers/export_helper.php, tsvSurveyExport: in the .txt structure, the
#   ``type/scale`` column of A (answer) and SQ rows holds the scale_id, and question
#   attributes such as dualscale_headerA/B are columns of the Q row.
_TXT_ATTRIBUTES = ("default", "same_default", "dualscale_headerA", "dualscale_headerB")
_TXT_ROWS = [
    ["S", "", "language", "", "fr"],
    ["SL", "", "surveyls_title", "", "Enjeux du territoire", "", "fr"],
    ["G", "1", "Enjeux", "1", "", "", "fr"],
    ["Q", "L", "statut", "1", "Votre structure", "", "fr", "", "Y", "N"],
    ["A", "0", "asso", "", "Association", "", "fr"],
    ["A", "0", "ent", "", "Entreprise", "", "fr"],
    [
        "Q",
        "1",
        "enj",
        "1",
        "Pour chaque enjeu :",
        "",
        "fr",
        "",
        "N",
        "N",
        "",
        "",
        "Importance",
        "Satisfaction",
    ],
    ["SQ", "", "log", "1", "Logement", "", "fr"],
    ["SQ", "", "mob", "1", "Mobilité", "", "fr"],
    ["A", "0", "1", "", "Faible", "", "fr"],
    ["A", "0", "2", "", "Moyenne", "", "fr"],
    ["A", "0", "3", "", "Forte", "", "fr"],
    ["A", "1", "S1", "", "Insatisfait", "", "fr"],
    ["A", "1", "S2", "", "Satisfait", "", "fr"],
]
#: The same three responses under each heading style of LimeSurvey's response export.
_HEADINGS = {
    "code": ["enj[log][1]", "enj[log][2]", "enj[mob][1]", "enj[mob][2]"],
    "em_code": ["enj_log_0", "enj_log_1", "enj_mob_0", "enj_mob_1"],
    "code_text": [
        "enj[log][1]. Pour chaque enjeu : [Logement][Scale 1]",
        "enj[log][2]. Pour chaque enjeu : [Logement][Scale 2]",
        "enj[mob][1]. Pour chaque enjeu : [Mobilité][Scale 1]",
        "enj[mob][2]. Pour chaque enjeu : [Mobilité][Scale 2]",
    ],
    # full-text headings: question text, then [subquestion][gT("Scale 1")] (Writer.php,
    # getFullFieldSubHeading; common_helper.php, createFieldMap)
    "full_text": [
        "Pour chaque enjeu : [Logement][Scale 1]",
        "Pour chaque enjeu : [Logement][Scale 2]",
        "Pour chaque enjeu : [Mobilité][Scale 1]",
        "Pour chaque enjeu : [Mobilité][Scale 2]",
    ],
    # "Scale" is translated by LimeSurvey (gT); its French wording was not found in the
    # sources, so only the number is relied on, whatever the word
    "full_text_translated": [
        "Pour chaque enjeu : [Logement][Échelle 1]",
        "Pour chaque enjeu : [Logement][Échelle 2]",
        "Pour chaque enjeu : [Mobilité][Échelle 1]",
        "Pour chaque enjeu : [Mobilité][Échelle 2]",
    ],
}


def _dual_scale_files(tmp_path, style):
    structure = write_limesurvey_txt(tmp_path / "structure.txt", _TXT_ROWS, _TXT_ATTRIBUTES)
    export = tmp_path / f"results-{style}.csv"
    rows = [
        ["id", "submitdate", "lastpage", "startlanguage", "statut"] + _HEADINGS[style],
        ["1", "2024-03-01 10:00:00", "2", "fr", "asso", "3", "S1", "2", "S2"],
        ["2", "2024-03-01 11:00:00", "2", "fr", "ent", "1", "S2", "", ""],
        ["3", "2024-03-02 09:00:00", "2", "fr", "asso", "S1", "S1", "3", "2"],
    ]
    export.write_text(
        "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n", encoding="utf-8"
    )
    return structure, export


def test_dual_scale_structure_gives_two_questions_per_row(tmp_path):
    structure, _export = _dual_scale_files(tmp_path, "code")
    form = read_form(structure)
    q = form.questions.set_index("question_id")
    assert q.index.tolist() == ["statut", "enj_log_0", "enj_log_1", "enj_mob_0", "enj_mob_1"]
    assert q.loc["enj_log_0", "label"] == "Pour chaque enjeu : — Logement — Importance"
    assert q.loc["enj_mob_1", "label"] == "Pour chaque enjeu : — Mobilité — Satisfaction"
    assert q.loc[["enj_log_0", "enj_log_1"], "type"].tolist() == ["likert", "single"]
    assert form.choice_values(q.loc["enj_mob_0", "list_name"]) == ["1", "2", "3"]
    assert form.choice_labels(q.loc["enj_mob_1", "list_name"]) == {
        "S1": "Insatisfait",
        "S2": "Satisfait",
    }


@pytest.mark.parametrize("style", sorted(_HEADINGS))
def test_dual_scale_export_loads_both_scales(tmp_path, style):
    structure, export = _dual_scale_files(tmp_path, style)
    s = read_responses(export, read_form(structure))
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (3, 3, 0)
    by_row = dict(zip(s.actors["actor_id"], s.actors["source_row"]))
    got = sorted(
        (by_row[a], q, v)
        for a, q, v in zip(s.answers["actor_id"], s.answers["question_id"], s.answers["value"])
        if q.startswith("enj")
    )
    assert got == [
        (2, "enj_log_0", "3"),
        (2, "enj_log_1", "S1"),
        (2, "enj_mob_0", "2"),
        (2, "enj_mob_1", "S2"),
        (3, "enj_log_0", "1"),
        (3, "enj_log_1", "S2"),
        (4, "enj_log_0", "S1"),
        (4, "enj_log_1", "S1"),
        (4, "enj_mob_0", "3"),
        (4, "enj_mob_1", "2"),
    ]
    # each scale is checked against its own answers: S1 is no importance, 2 no satisfaction
    out = s.anomalies[s.anomalies["problem"].str.contains("absente de la liste")]
    assert out[["row", "value"]].values.tolist() == [[4, "S1"], [4, "2"]]
    assert out["column"].tolist() == [_HEADINGS[style][0], _HEADINGS[style][3]]
    assert not s.anomalies["problem"].str.contains("inconnue|absente de l'export").any()


def test_nl_bases_come_from_the_relevance_equations(nl):
    # the structure's equations, recomputed on the raw export with its own answers (full
    # texts "Yes"/"No"): paper3 is shown when paper2 is Yes, paper4 when paper3 is No and
    # paper2 Yes, paper5 when paper4 is No and paper2 Yes, train2/train3 when train1 is Yes
    import pandas as pd

    path, _form, s = nl
    raw = pd.read_csv(path, dtype=str, index_col=0)
    raw.columns = [c.split(".")[0] for c in raw.columns]
    yes, no = raw.eq("Yes"), raw.eq("No")
    expected = {
        "paper3": yes["paper2"],
        "paper4": no["paper3"] & yes["paper2"],
        "paper5": no["paper4"] & yes["paper2"],
        "train2": yes["train1"],
        "train3": yes["train1"],
        "open1can_SQ001": yes["open01can"],
        "open3can_SQ001": yes["open03can"],
        "paper2": pd.Series(True, index=raw.index),  # no condition: every respondent
    }
    asked = s.asked.groupby("question_id").size()
    got = {q: int(asked.get(q, 0)) for q in expected}
    assert got == {q: int(mask.sum()) for q, mask in expected.items()}
    # the file: paper4 answered by 35 + 4 (Yes, No), paper5 by 2 + 2
    assert got["paper4"] == 39 and got["paper5"] == 4
