"""Scales and answers read by their meaning (issues 14 and 17).

Expected orders are written by hand from the wordings, or read from the real files in
../shared/data (their value counts were read with a spreadsheet, not with this toolkit).
"""

import random
import shutil
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

import diagnostic
from diagnostic.analysis.cooperation import match_needs_offers, stance, unrecognised_willingness
from diagnostic.analysis.issues import (
    group_matrix,
    issue_responses,
    non_answers,
    rank_issues,
    untyped_anomalies,
)
from diagnostic.analysis.projects import find_projects
from diagnostic.analysis.tallies import tally_responses
from diagnostic.datasets import example_dir
from diagnostic.errors import DiagnosticError
from diagnostic.forms import Form, read_form
from diagnostic.forms.scales import (
    is_non_substantive,
    is_not_a_lead,
    leading_number,
    order_scales,
    ordered_levels,
    scale_positions,
)
from diagnostic.readers import read_responses
from diagnostic.readers.build import survey_from_frame
from diagnostic.readers.inferred import infer_form
from diagnostic.schemas import conform


def _lowest_first(levels):
    """`scale_positions` of shuffled levels, as the levels sorted lowest first."""
    shuffled = list(levels)
    random.Random(7).shuffle(shuffled)
    positions = scale_positions(shuffled)
    assert positions is not None, levels
    return sorted(shuffled, key=positions.get)


@pytest.mark.parametrize(
    "levels",
    [
        [
            "Pas du tout d'accord",
            "Plutôt pas d'accord",
            "Plutôt d'accord",
            "Tout à fait d'accord",
        ],
        [
            "Pas du tout d'accord",
            "Pas d'accord",
            "Ni d'accord ni pas d'accord",
            "D'accord",
            "Tout à fait d'accord",
        ],
        ["Strongly disagree", "Disagree", "Neither agree or disagree", "Agree", "Strongly Agree"],
        ["Très insatisfait", "Insatisfait", "Satisfait", "Très satisfait"],
        ["Pas du tout satisfait", "Peu satisfait", "Moyennement satisfait", "Très satisfait"],
        [
            "Pas du tout important",
            "Peu important",
            "Moyennement important",
            "Important",
            "Très important",
        ],
        [
            "Not at all important",
            "Slightly important",
            "Moderately important",
            "Very important",
            "Extremely important",
        ],
        ["Non, pas du tout", "Plutôt non", "Plutôt oui", "Oui, tout à fait"],
        ["Jamais", "Rarement", "Parfois", "Souvent", "Toujours"],
        ["Never", "Sometimes", "Often", "Very Often", "Always"],
        ["Improbable", "Neutral", "Probable"],
        ["Accueil laisse à désirer", "Moyen", "Bien", "Excellent"],
        # a word we do not know, graded by words we know
        ["Pas informé", "Peu informé", "Assez informé", "Très informé"],
        [
            "Pas du tout accessibles",
            "Peu accessibles",
            "Moyennement accessibles",
            "Plutôt accessibles",
            "Très accessibles",
        ],
        ["very_poor", "poor", "adequate", "good", "excellent"],
        [
            "totally_insufficient",
            "insufficient",
            "just_enough",
            "sufficient",
            "more_than_sufficient",
        ],
        ["Some of it", "Most of it", "All of it"],
        # classes of numbers
        ["Moins de 5 ans", "De 5 à 9 ans", "De 10 à 19 ans", "Au moins 40 ans"],
        ["Entre 8 et 13 ans", "Entre 14 et 18 ans", "Entre 51 et 60 ans", "Plus de 60 ans"],
    ],
)
def test_known_wordings_are_ordered_by_meaning(levels):
    assert _lowest_first(levels) == levels


def test_numbers_with_labelled_ends_are_ordered_by_number_not_as_text():
    levels = ["0 - Pas du tout satisfaisantes"] + [str(n) for n in range(1, 10)]
    levels += ["10 - Tout à fait satisfaisantes"]
    assert _lowest_first(levels) == levels
    assert _lowest_first(["1 (None at all)", "2", "3", "10 (All my time)"]) == [
        "1 (None at all)",
        "2",
        "3",
        "10 (All my time)",
    ]


def test_numbers_in_the_middle_and_words_at_the_ends():
    levels = ["Non, pas du tout", "2", "3", "4", "Oui, tout à fait"]
    assert _lowest_first(levels) == levels


def test_numbers_running_from_high_to_low_are_turned_round_by_their_words():
    levels = ["1 - Tout à fait d'accord", "2", "3", "4 - Pas du tout d'accord"]
    assert _lowest_first(levels) == list(reversed(levels))


def test_codes_order_a_scale_whose_labels_say_nothing():
    assert scale_positions(["1", "2", "3"], ["bleu", "vert", "rouge"]) == {
        "1": 1.0,
        "2": 2.0,
        "3": 3.0,
    }


def test_levels_without_numbers_or_known_words_are_undecided():
    assert scale_positions(["bleu", "vert", "rouge"]) is None
    assert scale_positions(["Très petite entreprise", "Petite entreprise", "Grande"]) is None
    assert scale_positions(["oui", "non"]) is None  # answers, not the levels of a scale
    choices = pd.DataFrame(
        {
            "list_name": ["yn"] * 3,
            "value": ["oui", "non", "peut_etre"],
            "label": ["Oui", "Non", "Peut-être"],
            "order": [1, 2, 3],
            "is_missing_code": [False] * 3,
        }
    )
    # a yes/no list is not reordered
    assert order_scales(choices)["order"].tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    "value, label",
    [
        ("9", "Ne sait pas"),
        ("x", "NSP"),
        ("x", "Ne connaît pas"),
        ("x", "Sans avis"),
        ("x", "Préfère ne pas répondre"),
        ("x", "Don't know"),
        ("x", "Prefer not to answer"),
        ("x", "N/A"),
        ("x", "Not applicable"),
        ("dont_know", None),
        ("prefer_not_answer", None),
        ("nsp", None),
        ("ne_sait_pas", None),
    ],
)
def test_non_substantive_answers_in_both_languages(value, label):
    assert is_non_substantive(value, label)


@pytest.mark.parametrize("value", ["Oui", "Plutôt d'accord", "3", "Logement", "Non"])
def test_substantive_answers_are_not_non_answers(value):
    assert not is_non_substantive(value, value)


@pytest.mark.parametrize(
    "value, label", [("other", None), ("autre", "Autre (précisez)"), ("none", None), ("x", "Aucun")]
)
def test_other_and_none_are_never_leads(value, label):
    assert is_not_a_lead(value, label)


# ---- without a form -------------------------------------------------------------------


def _frame(column, cells):
    return pd.DataFrame({column: pd.array(cells, dtype="string")})


def test_inferred_0_to_10_scale_with_labelled_ends_and_a_level_nobody_chose():
    ends = ["0 - Pas du tout satisfaisantes", "10 - Tout à fait satisfaisantes"]
    # 4 and 7 chosen by nobody; one "Ne sait pas"
    cells = [ends[0], "1", "2", "3", "5", "6", "8", "9", "9", ends[1], ends[1], "Ne sait pas"]
    form = infer_form(_frame("Satisfaction", cells), "f.csv")
    q = form.questions.iloc[0]
    assert q["type"] == "likert"
    values = form.choice_values(q["list_name"])
    assert values == [ends[0], *[str(n) for n in range(1, 10)], ends[1], "Ne sait pas"]
    missing = form.choices.set_index("value")["is_missing_code"]
    assert missing["Ne sait pas"] and not missing[ends[1]]


def test_inferred_age_classes_are_the_only_levels():
    # the erosion survey's ages (tests/corpus/table_fr_erosion_littoral): 16, 17… between
    # « 15 à 29 ans » and « 30 à 44 ans » are no level nobody chose
    classes = ["15 à 29 ans", "30 à 44 ans", "45 à 59 ans", "60 à 74 ans", "75 ans ou plus"]
    cells = [classes[3], classes[2], classes[4], classes[0], classes[1], classes[3]]
    form = infer_form(_frame("age", cells), "f.csv")
    q = form.questions.iloc[0]
    assert q["type"] == "likert"
    assert form.choice_values(q["list_name"]) == classes


def test_inferred_0_to_10_scale_support_is_the_share_of_9_and_10():
    # the issue 14 probe: 11 answers, 9 and 10 given by 3 of them, one "ne sait pas"
    ends = ["0 - Pas du tout satisfaisantes", "10 - Tout à fait satisfaisantes"]
    cells = [ends[0], "1", "2", "3", "4", "5", "6", "8", "9", ends[1], ends[1], "NSP"]
    frame = pd.DataFrame(
        {"id": [f"r{i}" for i in range(len(cells))], "Satisfaction": cells}, dtype="string"
    )
    form = infer_form(frame, "f.csv", meta=["id"])
    qid = form.questions.loc[form.questions["label"] == "Satisfaction", "question_id"].iloc[0]
    questions = form.questions.assign(
        role=form.questions["question_id"].map({qid: "issue_importance"}).fillna("other")
    )
    survey = survey_from_frame(
        frame, replace(form, questions=questions), file="f.csv", fmt="t", id_column="id"
    )
    responses = issue_responses(
        survey.answers, survey.asked, questions, survey.choices, survey.actors
    )
    assert len(responses) == 11  # "NSP" out of the base
    assert responses["supports"].sum() == 3  # 9, 10, 10 (top two levels of eleven)
    assert int(responses["levels"].iloc[0]) == 11


def test_inferred_google_forms_grid_with_worded_ends():
    # issue 14: « Non, pas du tout » … « Oui, tout à fait » read as 2, 3, 4, Non…, Oui…
    cells = ["Non, pas du tout", "2", "3", "4", "Oui, tout à fait", "4", "2", "3"]
    form = infer_form(_frame("Êtes-vous satisfait ? [Accueil]", cells), "g.csv")
    q = form.questions.iloc[0]
    assert q["type"] == "likert"
    assert form.choice_values(q["list_name"]) == [
        "Non, pas du tout",
        "2",
        "3",
        "4",
        "Oui, tout à fait",
    ]


# ---- with a form: the order the form lists does not matter -------------------------------


def _importance_choices(order):
    labels = {
        "1": "Pas du tout important",
        "2": "Peu important",
        "3": "Moyennement important",
        "4": "Important",
        "5": "Très important",
        "nsp": "Ne sait pas",
    }
    return pd.DataFrame(
        {
            "list_name": "imp",
            "value": order,
            "label": [labels[v] for v in order],
            "order": range(1, len(order) + 1),
            "is_missing_code": [v == "nsp" for v in order],
        }
    )


def _likert_case(choices, values):
    ids = [f"a{i}" for i in range(len(values))]
    questions = pd.DataFrame(
        {
            "question_id": ["q"],
            "label": ["Importance : Mobilité"],
            "type": ["likert"],
            "list_name": [choices["list_name"].iloc[0]],
            "role": ["issue_importance"],
            "theme": ["t"],
        }
    )
    answers = pd.DataFrame({"actor_id": ids, "question_id": "q", "value": values})
    actors = pd.DataFrame({"actor_id": ids, "actor_type": "asso"})
    asked = answers[["actor_id", "question_id"]]
    return answers, asked, questions, actors


def test_same_answers_same_support_whatever_order_the_form_lists():
    values = ["5", "5", "4", "1", "2", "nsp", "3", "4"]
    bottom_up = _importance_choices(["1", "2", "3", "4", "5", "nsp"])
    top_down = _importance_choices(["5", "4", "3", "2", "1", "nsp"])
    out = []
    for choices in (bottom_up, top_down):
        answers, asked, questions, actors = _likert_case(choices, values)
        out.append(issue_responses(answers, asked, questions, choices, actors))
    for r in out:
        assert len(r) == 7  # "nsp" left out of the base
        assert r["supports"].sum() == 4  # 5, 5, 4, 4: the two top levels
    assert out[0]["level"].tolist() == out[1]["level"].tolist()


def test_codes_listed_top_down_with_labels_are_ordered_by_labels():
    # codes 1 = « Très important » … 5 = « Pas du tout important »: the words decide
    choices = pd.DataFrame(
        {
            "list_name": "imp",
            "value": ["1", "2", "3", "4", "5"],
            "label": [
                "Très important",
                "Important",
                "Moyennement important",
                "Peu important",
                "Pas du tout important",
            ],
            "order": range(1, 6),
            "is_missing_code": False,
        }
    )
    assert ordered_levels(choices) == ["5", "4", "3", "2", "1"]
    answers, asked, questions, actors = _likert_case(choices, ["1", "1", "2", "5"])
    r = issue_responses(answers, asked, questions, choices, actors)
    assert r["supports"].tolist() == [True, True, True, False]


def test_undecidable_importance_scale_stops_with_the_question_and_the_project_key():
    choices = pd.DataFrame(
        {
            "list_name": "niv",
            "value": ["bleu", "vert", "rouge"],
            "label": ["Bleu", "Vert", "Rouge"],
            "order": [1, 2, 3],
            "is_missing_code": False,
        }
    )
    answers, asked, questions, actors = _likert_case(choices, ["vert", "rouge", "bleu"])
    with pytest.raises(DiagnosticError) as err:
        issue_responses(answers, asked, questions, choices, actors)
    message = str(err.value)
    assert "« q »" in message and "[scales] niv" in message
    stated = issue_responses(
        answers, asked, questions, choices, actors, scales={"niv": ["Bleu", "vert", "rouge"]}
    )
    assert stated["level"].tolist() == [2, 3, 1]
    with pytest.raises(DiagnosticError, match="rouge"):
        issue_responses(
            answers, asked, questions, choices, actors, scales={"niv": ["bleu", "vert"]}
        )


def test_undecidable_list_of_another_question_keeps_the_form_order():
    choices = pd.DataFrame(
        {
            "list_name": "c",
            "value": ["bleu", "vert", "rouge"],
            "label": ["Bleu", "Vert", "Rouge"],
            "order": [1, 2, 3],
            "is_missing_code": False,
        }
    )
    assert order_scales(choices, {"c"})["order"].tolist() == [1, 2, 3]


def test_non_answers_counted_for_the_method_sheet():
    choices = _importance_choices(["1", "2", "3", "4", "5", "nsp"])
    answers, _asked, questions, _actors = _likert_case(choices, ["5", "nsp", "nsp", "2"])
    assert non_answers(answers, questions, choices) == 2


def test_non_answers_are_missing_codes_of_the_questions_own_list():
    # "0" is a non-answer in list a only; "nsp" in both; q3 asks no issue; repeats left out
    questions = pd.DataFrame(
        {
            "question_id": ["q1", "q2", "q3"],
            "role": ["issue_importance", "issue", "sector"],
            "list_name": ["a", "b", "a"],
        }
    )
    choices = pd.DataFrame(
        {
            "list_name": ["a", "a", "a", "b", "b", "b"],
            "value": ["1", "0", "nsp", "1", "0", "nsp"],
            "is_missing_code": [False, True, True, False, False, True],
        }
    )
    answers = pd.DataFrame(
        {
            "actor_id": ["x", "y", "z", "x", "y", "z", "x", "y"],
            "question_id": ["q1", "q1", "q1", "q2", "q2", "q2", "q3", "q1"],
            "value": ["0", "nsp", "1", "0", "nsp", "nsp", "0", "nsp"],
            "instance": [None, None, None, None, None, None, None, 2],
        }
    )
    # q1: "0", "nsp" (the repeat's "nsp" left out); q2: "nsp" twice ("0" answers in b)
    assert non_answers(answers, questions, choices) == 4


def _reversed_example(tmp_path):
    """The example project with the importance list written top-down in its form."""
    folder = tmp_path / "example"
    shutil.copytree(example_dir(), folder)
    book = openpyxl.load_workbook(folder / "formulaire_acteurs.xlsx")
    sheet = book["choices"]
    rows = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "importance"]
    cells = [[c.value for c in r] for r in rows]
    scale, missing = cells[:-1], cells[-1:]
    for row, values in zip(rows, list(reversed(scale)) + missing):
        for cell, value in zip(row, values):
            cell.value = value
    book.save(folder / "formulaire_acteurs.xlsx")
    return folder


def test_example_form_written_top_down_gives_the_same_ranking(tmp_path, example_diag):
    folder = _reversed_example(tmp_path)
    form = read_form(folder / "formulaire_acteurs.xlsx")
    listed = pd.read_excel(
        folder / "formulaire_acteurs.xlsx", sheet_name="choices", dtype=str, engine="openpyxl"
    )
    assert listed.loc[listed["list_name"] == "importance", "name"].tolist()[0] == "5"
    assert form.choice_values("importance") == ["1", "2", "3", "4", "5", "nsp"]
    diag = diagnostic.run_diagnostic(diagnostic.read_project(folder / "diagnostic.toml"))
    pd.testing.assert_frame_equal(diag.issue_ranking, example_diag.issue_ranking)
    mob = diag.responses[diag.responses["issue_id"] == "enjeu_mobilite"]
    # independent count from the export: answers 4 or 5 among answers 1–5
    raw = pd.read_excel(folder / "export_kobo_acteurs.xlsx", dtype=str, engine="openpyxl")
    column = next(c for c in raw.columns if c.endswith("enjeu_mobilite"))
    kept = raw.drop_duplicates("_uuid")[column].dropna()
    kept = kept[kept.isin(["1", "2", "3", "4", "5"])]
    assert len(mob) == len(kept)
    assert mob["supports"].mean() == pytest.approx(kept.isin(["4", "5"]).mean())


def test_project_scales_key_states_an_order(tmp_path):
    folder = _reversed_example(tmp_path)
    project = folder / "diagnostic.toml"
    project.write_text(
        project.read_text(encoding="utf-8")
        + '\n[scales]\nimportance = ["5", "4", "3", "2", "1"]\n',
        encoding="utf-8",
    )
    read = diagnostic.read_project(project)
    assert read.scales == {"importance": ("5", "4", "3", "2", "1")}
    diag = diagnostic.run_diagnostic(read)
    # stated top-down on purpose: "important" now means the answers 1 and 2
    raw = pd.read_excel(folder / "export_kobo_acteurs.xlsx", dtype=str, engine="openpyxl")
    column = next(c for c in raw.columns if c.endswith("enjeu_mobilite"))
    kept = raw.drop_duplicates("_uuid")[column].dropna()
    kept = kept[kept.isin(["1", "2", "3", "4", "5"])]
    mob = diag.responses[diag.responses["issue_id"] == "enjeu_mobilite"]
    assert mob["supports"].mean() == pytest.approx(kept.isin(["1", "2"]).mean())
    project.write_text(
        project.read_text(encoding="utf-8").replace('importance = ["5"', 'inconnue = ["5"'),
        encoding="utf-8",
    )
    with pytest.raises(DiagnosticError, match="inconnue"):
        diagnostic.run_diagnostic(diagnostic.read_project(project))


# ---- real files --------------------------------------------------------------------------

# counts read from data_likert.xlsx (120 rows, no blank): likely / neutral / unlikely
KOBO_LIKERT = {"return_ven": (60, 34, 26), "costofliving": (111, 7, 2)}


@pytest.mark.parametrize("with_form", [False, True])
def test_kobo_likert_file_with_and_without_its_form(shared, with_form):
    folder = shared / "surveys" / "kobo_kobocruncher_sample"
    form = read_form(folder / "form_likert.xlsx") if with_form else None
    survey = read_responses(folder / "data_likert.xlsx", form)
    q = survey.questions
    row = q[q["question_id"].str.endswith("return_ven")].iloc[0]
    # the form lists likely, neutral, unlikely (top-down); by meaning: unlikely first
    ordered = survey.choices[survey.choices["list_name"] == row["list_name"]].sort_values("order")
    assert ordered["value"].tolist() == ["unlikely", "neutral", "likely"]
    assert row["type"] == "likert"
    questions = q.assign(role=q["type"].where(q["type"] != "likert", "issue_importance"))
    responses = issue_responses(
        survey.answers, survey.asked, questions, survey.choices, survey.actors
    )
    raw = pd.read_excel(folder / "data_likert.xlsx", dtype=str, engine="openpyxl")
    loaded = raw.iloc[survey.actors["source_row"].astype(int).to_numpy() - 2]
    for name, whole_file in KOBO_LIKERT.items():
        column = next(c for c in raw.columns if c.endswith(name))
        assert tuple(raw[column].value_counts()[["likely", "neutral", "unlikely"]]) == whole_file
        counts = loaded[column].value_counts()
        issue = q.loc[q["question_id"].str.endswith(name), "question_id"].iloc[0]
        sub = responses[responses["issue_id"] == issue]
        assert len(sub) == counts.sum()
        assert sub["supports"].sum() == counts["likely"] + counts["neutral"]  # top two of three


def test_limesurvey_rse_scales_with_and_without_structure(shared):
    folder = shared / "surveys" / "limesurvey_rse_nl_2017"
    form = read_form(folder / "questions_to_import.txt")
    assert form.choice_values("likert2") == ["1", "2", "3", "4", "5"]  # Strongly disagree…
    assert form.choice_values("likert5") == [str(n) for n in range(1, 12)]  # 0 … 10
    bare = read_responses(folder / "public_data.csv")
    q = bare.questions.set_index("question_id")
    satisfaction = next(i for i in q.index if i.startswith("likert5_satisgen1"))
    agreement = next(i for i in q.index if i.startswith("likert2_progrse1"))
    assert q.loc[satisfaction, "type"] == "likert"
    # nobody answered 1: the level is there all the same, between 0 and 2
    assert bare.choices[bare.choices["list_name"] == q.loc[satisfaction, "list_name"]].sort_values(
        "order"
    )["value"].tolist() == ["0 - Not at all satisfied", *map(str, range(1, 10))] + [
        "10 - Completely satisfied"
    ]
    assert bare.choices[bare.choices["list_name"] == q.loc[agreement, "list_name"]].sort_values(
        "order"
    )["value"].tolist() == [
        "Strongly disagree",
        "Disagree",
        "Neither agree or disagree",
        "Agree",
        "Strongly Agree",
    ]
    # satisgen1: 9 → 10 answers, "10 - Completely satisfied" → 2, of 73 answers
    questions = bare.questions.assign(
        role=bare.questions["question_id"].map({satisfaction: "issue_importance"}).fillna("other")
    )
    r = issue_responses(bare.answers, bare.asked, questions, bare.choices, bare.actors)
    assert len(r) == 73 and r["supports"].sum() == 12


def test_limesurvey_unil_quality_scale_without_structure(shared):
    path = shared / "surveys" / "limesurvey_unil_journees_patrimoine" / "results-survey4914.xlsx"
    survey = read_responses(path)
    q = survey.questions
    welcome = q[q["label"].str.startswith("Globalement, comment jugez-vous")].iloc[0]
    assert welcome["type"] == "likert"
    assert survey.choices[survey.choices["list_name"] == welcome["list_name"]].sort_values("order")[
        "value"
    ].tolist() == ["Accueil laisse à désirer", "Moyen", "Bien", "Excellent"]


# ---- willingness by meaning ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, label, expected",
    [
        ("A1", "Oui", "yes"),
        ("A2", "Peut-être", "maybe"),
        ("A3", "Non", "no"),
        ("1", "Oui", "yes"),
        ("2", "Non", "no"),
        ("3", "Peut-être", "maybe"),
        ("2", "Plutôt non", "no"),
        ("4", "Plutôt oui", "yes"),
        ("Y", None, "yes"),
        ("N", None, "no"),
        ("N", "No", "no"),
        ("x", "Nous verrons", "maybe"),
        ("x", "À voir", "maybe"),
        ("x", "Maybe", "maybe"),
        ("x", "Not really", "no"),
        ("x", "Pas du tout", "no"),
        ("x", "Oui, tout à fait", "yes"),
        (None, None, "unknown"),
        ("x", "Ne sait pas", "unknown"),
        ("x", "Bleu", "unknown"),
        ("non", None, "no"),  # no label: the code speaks
    ],
)
def test_willingness_from_the_label_meaning(value, label, expected):
    assert stance(value, label) == expected


COLS = ["actor_id", "actor_type", "commune_code", "epci_code", "cooperation", "source_file"]


def _coop_actors(rows):
    frame = pd.DataFrame([(*r, "f.csv") for r in rows], columns=COLS).astype("string")
    return frame.assign(source_row=range(2, len(frame) + 2))


def test_limesurvey_codes_refusal_is_never_a_lead():
    # LimeSurvey codes A1 Oui, A2 Peut-être, A3 Non: the refusal is read from « Non »
    actors = _coop_actors(
        [
            ("n1", "asso", "61001", "E", "A1"),
            ("o1", "asso", "61001", "E", "A2"),
            ("o2", "asso", "61001", "E", "A3"),
        ]
    )
    needs = pd.DataFrame({"actor_id": ["n1"], "category": ["locaux"], "text": pd.NA})
    offers = pd.DataFrame({"actor_id": ["o1", "o2"], "category": "locaux", "text": pd.NA})
    labels = {"A1": "Oui", "A2": "Peut-être", "A3": "Non"}
    out = match_needs_offers(needs, offers, actors, willingness_labels=labels)
    assert "o2" not in " ".join(out["actors"])
    direct = out[out["kind"] == "direct"].iloc[0]
    assert direct["offer_actor"] == "o1"
    assert "peut-être prêt à coopérer" in direct["explanation"]
    # the codes alone would have said "maybe" for A3: never again
    assert unrecognised_willingness(actors, labels).empty


def test_without_a_cooperation_question_nobody_is_said_to_be_maybe_ready():
    actors = _coop_actors([("n1", "asso", "61001", "E", None), ("o1", "asso", "61001", "E", None)])
    needs = pd.DataFrame({"actor_id": ["n1"], "category": ["locaux"], "text": pd.NA})
    offers = pd.DataFrame({"actor_id": ["o1"], "category": ["locaux"], "text": pd.NA})
    out = match_needs_offers(needs, offers, actors)
    text = " ".join(out["explanation"])
    assert len(out) == 1 and "peut-être" not in text and "Aucun des deux n'a dit" in text


def test_unrecognised_willingness_is_reported_once_with_its_count():
    actors = _coop_actors(
        [(f"a{i}", "asso", "61001", "E", "B") for i in range(3)]
        + [("z", "asso", "61001", "E", "A")]
    )
    found = unrecognised_willingness(actors, {"A": "Oui", "B": "Bleu"})
    assert len(found) == 1
    assert (
        found.iloc[0]["value"] == "Bleu"
        and "3 acteur(s), lignes 2, 3, 4" in (found.iloc[0]["problem"])
    )


def test_other_none_and_dont_know_are_never_leads():
    actors = _coop_actors([(a, "asso", "61001", "E", "oui") for a in "abcd"])
    cats = ["other", "none", "dont_know", "locaux"]
    needs = pd.DataFrame({"actor_id": list("ab") * 4, "category": cats * 2, "text": pd.NA})
    offers = pd.DataFrame({"actor_id": list("cd") * 4, "category": cats * 2, "text": pd.NA})
    out = match_needs_offers(needs, offers, actors)
    assert set(out["category"]) == {"locaux"}


# ---- non-answers, "other", "none" in issues and numbers -------------------------------------


def test_issue_checklist_other_none_and_dont_know():
    choices = pd.DataFrame(
        {
            "list_name": "enj",
            "value": ["mobilite", "logement", "autre", "aucun", "nsp"],
            "label": ["Mobilité", "Logement", "Autre", "Aucun", "Ne sait pas"],
            "order": range(1, 6),
            "is_missing_code": [False, False, False, False, True],
        }
    )
    questions = pd.DataFrame(
        {
            "question_id": ["enjeux"],
            "label": ["Enjeux"],
            "type": ["multiple"],
            "list_name": ["enj"],
            "role": ["issue"],
            "theme": [""],
        }
    )
    ticks = [("a", "mobilite"), ("b", "aucun"), ("c", "nsp"), ("d", "autre"), ("d", "logement")]
    answers = pd.DataFrame(ticks, columns=["actor_id", "value"]).assign(question_id="enjeux")
    actors = pd.DataFrame({"actor_id": list("abcd"), "actor_type": "asso"})
    asked = actors[["actor_id"]].assign(question_id="enjeux")
    r = issue_responses(answers, asked, questions, choices, actors)
    assert sorted(r["issue_id"].unique()) == ["enjeux:logement", "enjeux:mobilite"]
    # c said only "ne sait pas": out of the base; b ("aucun") and d stay in it
    mob = r[r["issue_id"] == "enjeux:mobilite"]
    assert sorted(mob["actor_id"].astype(str)) == ["a", "b", "d"]
    assert mob["supports"].sum() == 1


def test_dont_know_in_a_number_field_is_a_non_answer_not_an_unreadable_number():
    questions = pd.DataFrame(
        {
            "question_id": ["salaries"],
            "label": ["Nombre de salariés"],
            "type": ["numeric"],
            "list_name": [None],
            "group": [""],
            "role": ["other"],
            "theme": [""],
            "required": [False],
        }
    )
    form = Form(
        "f.xlsx",
        "f",
        None,
        conform(questions, "questions"),
        conform(pd.DataFrame(), "choices"),
        conform(pd.DataFrame(), "anomalies"),
    )
    frame = pd.DataFrame(
        {"id": ["1", "2", "3"], "salaries": ["12", "dont_know", "douze"]}, dtype="string"
    )
    survey = survey_from_frame(frame, form, file="f.csv", fmt="t", id_column="id")
    unreadable = survey.anomalies[survey.anomalies["problem"] == "nombre illisible"]
    assert unreadable["value"].tolist() == ["douze"]


# ---- respondents without a type ---------------------------------------------------------------


def test_respondents_without_a_type_stay_out_of_type_comparisons():
    choices = _importance_choices(["1", "2", "3", "4", "5", "nsp"])
    values = ["5"] * 5 + ["1"] * 5 + ["5", "5"]
    answers, asked, questions, _ = _likert_case(choices, values)
    types = ["asso"] * 5 + ["entreprise"] * 5 + [None, None]
    actors = pd.DataFrame(
        {
            "actor_id": answers["actor_id"],
            "actor_type": pd.array(types, dtype="string"),
            "source_file": "f.csv",
            "source_row": range(2, 14),
        }
    )
    r = issue_responses(answers, asked, questions, choices, actors)
    matrix = group_matrix(r)
    assert sorted(matrix["actor_type"]) == ["asso", "entreprise"]
    ranking = rank_issues(r)
    row = ranking.iloc[0]
    # the published totals count the shown type cells only: the two untyped are out
    assert row["respondents"] == 10 and row["support"] == pytest.approx(5 / 10)
    assert len(r) == 12 and r["actor_type"].isna().sum() == 2
    assert row["breadth"] == 1  # asso only: no « non précisé » type
    assert "sur 2" in row["reason"]
    found = untyped_anomalies(actors)
    assert len(found) == 1 and found.iloc[0]["problem"].startswith("2 répondant(s)")
    # the explorer's tallies give the same
    places = actors.assign(commune_code=pd.NA, epci_code=pd.NA)
    tally = tally_responses(r, places)
    pd.testing.assert_frame_equal(tally.matrix(), matrix, check_dtype=False)
    assert tally.rank().iloc[0]["breadth"] == 1


def test_method_sheet_counts_the_non_answers_left_out(demo_out):
    raw = pd.read_excel(example_dir() / "export_kobo_acteurs.xlsx", dtype=str, engine="openpyxl")
    issue_columns = [c for c in raw.columns if "enjeu_" in c]
    kept = raw.dropna(how="all").drop_duplicates("_uuid")
    expected = int((kept[issue_columns] == "nsp").sum().sum())
    assert expected > 0
    book = openpyxl.load_workbook(demo_out / "diagnostic.xlsx")
    texts = [c for row in book["Méthode"].iter_rows(values_only=True) for c in row if c]
    assert any(f"{expected} réponses aux questions d'enjeux" in str(t) for t in texts)


def test_inferred_numbers_with_dont_know_stay_numbers():
    frame = pd.DataFrame(
        {"id": ["1", "2", "3", "4"], "Salariés": ["12", "dont_know", "3", "Ne sait pas"]},
        dtype="string",
    )
    form = infer_form(frame, "f.csv", meta=["id"])
    assert form.questions["type"].tolist() == ["numeric"]
    survey = survey_from_frame(frame, form, file="f.csv", fmt="t", id_column="id")
    assert not (survey.anomalies["problem"] == "nombre illisible").any()


def test_run_stops_on_a_mute_importance_scale_then_follows_the_stated_order(tmp_path, example_diag):
    folder = tmp_path / "mute"
    shutil.copytree(example_dir(), folder)
    letters = dict(zip("12345", "abcde"))
    book = openpyxl.load_workbook(folder / "formulaire_acteurs.xlsx")
    for row in book["choices"].iter_rows(min_row=2):
        if row[0].value == "importance" and row[1].value in letters:
            row[1].value = letters[row[1].value]
            row[2].value = row[3].value = f"Niveau {row[1].value.upper()}"
    book.save(folder / "formulaire_acteurs.xlsx")
    book = openpyxl.load_workbook(folder / "export_kobo_acteurs.xlsx")
    sheet = book.active
    columns = [i for i, c in enumerate(sheet[1]) if c.value and "enjeu_" in c.value]
    for row in sheet.iter_rows(min_row=2):
        for i in columns:
            row[i].value = letters.get(row[i].value, row[i].value)
    book.save(folder / "export_kobo_acteurs.xlsx")
    project = folder / "diagnostic.toml"
    with pytest.raises(DiagnosticError) as err:
        diagnostic.run_diagnostic(diagnostic.read_project(project))
    assert "« enjeu_mobilite »" in str(err.value) and "[scales] importance" in str(err.value)
    project.write_text(
        project.read_text(encoding="utf-8")
        + '\n[scales]\nimportance = ["a", "b", "c", "d", "e"]\n',
        encoding="utf-8",
    )
    diag = diagnostic.run_diagnostic(diagnostic.read_project(project))
    columns = ["issue_id", "respondents", "support", "breadth", "rank"]
    pd.testing.assert_frame_equal(diag.issue_ranking[columns], example_diag.issue_ranking[columns])


def test_google_forms_grid_with_worded_ends_read_from_a_csv(tmp_path):
    # issue 14: « Non, pas du tout » counted as support when the grid was read as text
    path = tmp_path / "reponses.csv"
    path.write_text(
        "Horodateur,Êtes-vous satisfait ? [Accueil]\n"
        '2024/01/02 10:00:00,"Non, pas du tout"\n'
        "2024/01/02 11:00:00,2\n"
        "2024/01/02 12:00:00,4\n"
        '2024/01/03 10:00:00,"Oui, tout à fait"\n'
        "2024/01/03 11:00:00,3\n",
        encoding="utf-8",
    )
    survey = read_responses(path)
    q = survey.questions.iloc[0]
    assert q["type"] == "likert"
    questions = survey.questions.assign(role="issue_importance")
    r = issue_responses(survey.answers, survey.asked, questions, survey.choices, survey.actors)
    assert len(r) == 5 and r["supports"].sum() == 2  # « 4 » and « Oui, tout à fait »


def test_lss_structure_scales_with_letter_codes(shared):
    # uk_core_survey.lss: codes A1…A5, labels with the file's own misspellings
    # (« Neitheir agree or disagree », « Sometime »): read by their words
    form = read_form(shared / "surveys" / "limesurvey_lss_ssi_uk_core_2017" / "uk_core_survey.lss")
    for list_name in ("likertagree2", "likerttime1"):
        sub = form.choices[form.choices["list_name"] == list_name]
        assert ordered_levels(sub) == ["A1", "A2", "A3", "A4", "A5"]
    labels = form.choice_labels("likerttime1")
    assert [labels[v] for v in form.choice_values("likerttime1")] == [
        "Never",
        "Sometime",
        "Often",
        "Very Often",
        "Always",
    ]


def test_msna_form_frequency_scales_and_their_non_answers(shared):
    # form.xlsx lists never … always, then « Je ne sais pas », « Je préfère ne pas répondre »
    form = read_form(shared / "surveys" / "xlsform_impact_msna_idem" / "form.xlsx", language="fr")
    sub = form.choices[form.choices["list_name"] == "l_dis_challenges"].sort_values("order")
    assert sub["value"].tolist() == [
        "never",
        "rarely",
        "sometimes",
        "often",
        "always",
        "dnk",
        "pnta",
    ]
    assert sub["is_missing_code"].tolist() == [False] * 5 + [True, True]
    leak = form.choices[form.choices["list_name"] == "l_wash_sanitation_facility_leak"]
    assert ordered_levels(leak) == ["no_never", "yes_sometimes", "yes_frequently"]


def test_linear_scale_exported_as_bare_numbers_needs_its_levels_stated(tmp_path):
    # a Google Forms linear scale is exported as numbers: nothing says where it ends
    path = tmp_path / "reponses.csv"
    rows = ["2024/01/02 10:00:00,1", "2024/01/02 11:00:00,4", "2024/01/02 12:00:00,5"]
    path.write_text("Horodateur,Importance : Mobilité\n" + "\n".join(rows) + "\n", "utf-8")
    survey = read_responses(path)
    qid = survey.questions["question_id"].iloc[0]
    assert survey.questions["type"].iloc[0] == "numeric"
    questions = survey.questions.assign(role="issue_importance")
    args = (survey.answers, survey.asked, questions, survey.choices, survey.actors)
    with pytest.raises(DiagnosticError, match=rf"\[scales\] {qid} = "):
        issue_responses(*args)
    r = issue_responses(*args, scales={qid: ["1", "2", "3", "4", "5"]})
    assert r["level"].tolist() == [1, 4, 5] and r["supports"].sum() == 2


def test_inferred_numbers_with_ends_labelled_in_unknown_words(shared):
    # public_data.csv, likert0[time1can]: "1 (None at all)", 2 … 9, "10 (All my time)"
    bare = read_responses(shared / "surveys" / "limesurvey_rse_nl_2017" / "public_data.csv")
    q = bare.questions.set_index("question_id")
    time1 = next(i for i in q.index if i.startswith("likert0_time1can"))
    assert q.loc[time1, "type"] == "likert"
    levels = bare.choices[bare.choices["list_name"] == q.loc[time1, "list_name"]]
    assert levels.sort_values("order")["value"].tolist() == [
        "1 (None at all)",
        *map(str, range(2, 10)),
        "10 (All my time)",
    ]


@pytest.mark.parametrize(
    "cells", [["01/02/2019", "15/09/2003", "31/02/2010"], ["2-5", "6-10", "1"]]
)
def test_dates_and_ranges_are_not_labelled_numbers(cells):
    assert [leading_number(c) for c in cells if "/" in c or "-" in c] == [None] * sum(
        "/" in c or "-" in c for c in cells
    )
    form = infer_form(_frame("Création", cells), "f.csv")
    assert form.questions["type"].iloc[0] != "likert"


def test_an_unrecognised_willingness_is_said_to_be_without_an_answer():
    actors = _coop_actors([("n1", "asso", "61001", "E", "B"), ("o1", "asso", "61001", "E", "A")])
    needs = pd.DataFrame({"actor_id": ["n1"], "category": ["locaux"], "text": pd.NA})
    offers = pd.DataFrame({"actor_id": ["o1"], "category": ["locaux"], "text": pd.NA})
    out = match_needs_offers(needs, offers, actors, willingness_labels={"A": "Oui", "B": "Bleu"})
    assert "peut-être" not in out["explanation"].iloc[0]
    assert "sans réponse" in out["explanation"].iloc[0]


def test_cooperation_projects_read_refusals_from_labels():
    # codes as LimeSurvey writes them: A1 Oui, A2 Peut-être, A3 Non (the code says nothing)
    communes = {"91001": (48.50, 0.50), "91002": (48.53, 0.52)}
    actors = pd.DataFrame(
        [
            (f"A-{i}", "asso", "91001" if i % 2 else "91002", "E", code)
            for i, code in enumerate(["A1", "A1", "A2", "A1", "A3", "A3"])
        ],
        columns=["actor_id", "actor_type", "commune_code", "epci_code", "cooperation"],
    )
    needs = pd.DataFrame({"actor_id": actors["actor_id"], "category": "emploi_partage"})
    offers = pd.DataFrame(columns=["actor_id", "category"])
    coords = pd.DataFrame(
        [(c, lat, lon) for c, (lat, lon) in communes.items()],
        columns=["commune_code", "lat", "lon"],
    )
    labels = {"A1": "Oui", "A2": "Peut-être", "A3": "Non"}
    found = find_projects(
        None, actors, needs, offers, coordinates=coords, willingness_labels=labels
    )
    members = " ".join(found["members"].astype(str))
    assert "A-0" in members and "A-4" not in members and "A-5" not in members
