"""Who was asked: the form's `relevant` and `required` make the bases of multiple choices."""

import csv

import numpy as np
import pandas as pd
import pytest
from conftest import write_xlsform

from diagnostic import read_form, read_responses
from diagnostic.analysis.issues import issue_responses, rank_issues
from diagnostic.project.stacking import stack_surveys, unoffered_options

OPTIONS = ["eau", "route", "ecole"]


def _form(path, relevant="", required="", options=OPTIONS):
    """An XLSForm: actor type, a yes/no filter, a multiple-choice issue question."""
    survey = [
        ["type", "name", "label", "required", "relevant", "diagnostic"],
        ["select_one types", "type", "Type", "yes", "", "actor_type"],
        ["select_one oui_non", "interesse", "Intéressé ?", "", "", "other"],
        ["begin_group", "bloc", "Enjeux", "", "", ""],
        ["select_multiple enjeux", "enjeux", "Enjeux prioritaires", required, relevant, "issue"],
        ["end_group", "", "", "", "", ""],
    ]
    choices = [
        ["list_name", "name", "label"],
        ["types", "asso", "Association"],
        ["oui_non", "oui", "Oui"],
        ["oui_non", "non", "Non"],
        *(["enjeux", value, value.capitalize()] for value in options),
    ]
    return read_form(write_xlsform(path, survey, choices))


def _export(path, rows, options=OPTIONS, prefix="u"):
    """A Kobo CSV export: `rows` are (interesse, ticked options); nothing ticked leaves
    every option cell blank, as Kobo does."""
    header = ["_uuid", "type", "interesse", "bloc/enjeux"] + [f"bloc/enjeux/{o}" for o in options]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        for i, (interesse, ticked) in enumerate(rows):
            cells = [("1" if o in ticked else "0") if ticked else "" for o in options]
            w.writerow([f"{prefix}{i}", "asso", interesse, " ".join(ticked), *cells])
    return path


def _support(survey, issue="enjeux:eau"):
    responses = issue_responses(
        survey.answers, survey.asked, survey.questions, survey.choices, survey.actors
    )
    row = rank_issues(responses).set_index("issue_id").loc[issue]
    return int(row["respondents"]), float(row["support"])


def test_nothing_ticked_is_in_the_base(tmp_path):
    """The issue's probe: 20 respondents asked, 8 tick « eau », 12 tick nothing -> 40 %."""
    rows = [("oui", ["eau"])] * 5 + [("oui", ["eau", "route"])] * 3 + [("oui", [])] * 12
    export = _export(tmp_path / "export.csv", rows)
    survey = read_responses(export, _form(tmp_path / "form.xlsx"))
    raw = pd.read_csv(export, sep=";", dtype=str)
    ticks = int((raw["bloc/enjeux/eau"] == "1").sum())
    assert (ticks, len(raw)) == (8, 20)
    assert _support(survey) == (len(raw), ticks / len(raw))
    assert _support(survey)[1] == pytest.approx(0.40)


def test_relevant_skips_respondents_out_of_the_base(tmp_path):
    """Asked only when `interesse` is « oui »: 10 asked (4 tick « eau »), 10 never asked."""
    rows = [("oui", ["eau"])] * 4 + [("oui", [])] * 6 + [("non", [])] * 10
    export = _export(tmp_path / "export.csv", rows)
    form = _form(tmp_path / "form.xlsx", relevant="${interesse} = 'oui'")
    survey = read_responses(export, form)
    raw = pd.read_csv(export, sep=";", dtype=str, keep_default_na=False)
    asked = raw["interesse"] == "oui"
    assert _support(survey) == (
        int(asked.sum()),
        int((raw.loc[asked, "bloc/enjeux/eau"] == "1").sum()) / int(asked.sum()),
    )
    ids = dict(zip(survey.actors["source_row"], survey.actors["actor_id"]))
    got = set(survey.asked.loc[survey.asked["question_id"] == "enjeux", "actor_id"])
    assert got == {ids[i + 2] for i in raw.index[asked]}


@pytest.mark.parametrize(
    ("relevant", "asked"),
    [
        ("not(${interesse} = 'non')", 10),
        ("${interesse} != 'non' and true()", 10),
        ("selected(${interesse}, 'oui') or ${interesse} = ''", 10),
        ("count-selected(${interesse}) >= 1", 20),
    ],
)
def test_conditions_people_write(tmp_path, relevant, asked):
    rows = [("oui", ["eau"])] * 4 + [("oui", [])] * 6 + [("non", [])] * 10
    export = _export(tmp_path / "export.csv", rows)
    survey = read_responses(export, _form(tmp_path / "form.xlsx", relevant=relevant))
    assert _support(survey) == (asked, 4 / asked)


def test_group_relevant_is_inherited(tmp_path):
    """The group `bloc` holds the condition; the question inherits it."""
    path = tmp_path / "form.xlsx"
    _form(path)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["survey"]["E4"] = "${interesse} = 'oui'"  # begin_group bloc
    wb.save(path)
    form = read_form(path)
    assert form.relevance == {"enjeux": ("${interesse} = 'oui'",)}
    rows = [("oui", ["eau"])] * 3 + [("oui", [])] * 3 + [("non", [])] * 4
    survey = read_responses(_export(tmp_path / "export.csv", rows), form)
    assert _support(survey) == (6, 0.5)


def test_condition_not_evaluated_is_reported_and_falls_back(tmp_path):
    rows = [("oui", ["eau"])] * 4 + [("oui", [])] * 6 + [("non", ["route"])] * 10
    export = _export(tmp_path / "export.csv", rows)
    expression = "${interesse} = 'oui' and string-length(${interesse}) > 1"
    survey = read_responses(export, _form(tmp_path / "form.xlsx", relevant=expression))
    problems = survey.anomalies.loc[survey.anomalies["column"] == "enjeux", "problem"].tolist()
    assert len(problems) == 1
    assert expression in problems[0]  # the line's column is the question: « enjeux »
    assert "string-length" in problems[0] and "répondu" in problems[0]
    # today's rule: the base is those who ticked something (4 + 10)
    assert _support(survey) == (14, 4 / 14)


def test_condition_citing_a_question_absent_from_the_export(tmp_path):
    rows = [("oui", ["eau"])] * 5 + [("oui", [])] * 6
    export = _export(tmp_path / "export.csv", rows)
    survey = read_responses(export, _form(tmp_path / "form.xlsx", relevant="${consent} = 'ok'"))
    problem = survey.anomalies.loc[survey.anomalies["column"] == "enjeux", "problem"].item()
    assert "${consent}" in problem and "export" in problem
    assert _support(survey) == (5, 1.0)


def test_required_but_blank_is_reported(tmp_path):
    rows = [("oui", ["eau"])] * 4 + [("oui", [])] * 2 + [("non", [])] * 4
    export = _export(tmp_path / "export.csv", rows)
    form = _form(tmp_path / "form.xlsx", relevant="${interesse} = 'oui'", required="yes")
    survey = read_responses(export, form)
    problem = survey.anomalies.loc[survey.anomalies["column"] == "enjeux", "problem"].item()
    # rows 6 and 7 of the export (Excel numbering: header on row 1)
    assert "obligatoire" in problem and "2 répondant(s)" in problem and "6, 7" in problem
    assert _support(survey) == (6, 4 / 6)


def test_answer_where_the_condition_is_false_stays_in_the_base(tmp_path):
    rows = [("oui", ["eau"])] * 4 + [("oui", [])] * 2 + [("non", ["eau"])] * 1
    export = _export(tmp_path / "export.csv", rows)
    form = _form(tmp_path / "form.xlsx", relevant="${interesse} = 'oui'")
    survey = read_responses(export, form)
    problem = survey.anomalies.loc[survey.anomalies["column"] == "enjeux", "problem"].item()
    assert problem.startswith("1 répondant(s) ont répondu") and "8" in problem
    assert _support(survey) == (7, 5 / 7)


def test_merged_lists_leave_unoffered_options_out_of_their_base(tmp_path):
    """Form A offers eau, route, ecole; form B only eau and route. 10 respondents each;
    « ecole » is ticked by 3 in A: its base is A's 10 respondents, not 20. (Lists that
    differ are stacked on the project's word, ``same_as``; otherwise they stay apart.)"""
    a_rows = [("oui", ["eau", "ecole"])] * 3 + [("oui", ["route"])] * 2 + [("oui", [])] * 5
    b_rows = [("oui", ["eau"])] * 6 + [("oui", [])] * 4
    a = read_responses(
        _export(tmp_path / "a.csv", a_rows), _form(tmp_path / "fa.xlsx", options=OPTIONS)
    )
    b = read_responses(
        _export(tmp_path / "b.csv", b_rows, options=["eau", "route"], prefix="b"),
        _form(tmp_path / "fb.xlsx", options=["eau", "route"]),
    )
    stacked = stack_surveys([a, b], ["A", "B"], [{}, {"enjeux": "enjeux"}])
    unoffered = unoffered_options(stacked, [True, True])
    assert set(unoffered["value"]) == {"ecole"}
    assert set(unoffered["actor_id"]) == set(b.actors["actor_id"])
    cat = lambda name: pd.concat([getattr(s, name) for s in stacked.surveys])  # noqa: E731
    responses = issue_responses(
        cat("answers"),
        cat("asked"),
        stacked.questions,
        stacked.choices,
        cat("actors"),
        unoffered=unoffered,
    )
    ranking = rank_issues(responses).set_index("issue_id")
    raw_a = pd.read_csv(tmp_path / "a.csv", sep=";", dtype=str)
    raw_b = pd.read_csv(tmp_path / "b.csv", sep=";", dtype=str)
    ecole = int((raw_a["bloc/enjeux/ecole"] == "1").sum())
    eau = int((raw_a["bloc/enjeux/eau"] == "1").sum() + (raw_b["bloc/enjeux/eau"] == "1").sum())
    assert ranking.loc["enjeux:ecole", ["respondents", "support"]].tolist() == [
        len(raw_a),
        ecole / len(raw_a),
    ]
    assert ranking.loc["enjeux:eau", ["respondents", "support"]].tolist() == [
        len(raw_a) + len(raw_b),
        eau / (len(raw_a) + len(raw_b)),
    ]
    # a list inferred from the data says nothing of what was offered
    assert unoffered_options(stacked, [True, False]).empty


def _cdata_table(name, rows):
    cells = "".join(
        "<row>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in r.items()) + "</row>"
        for r in rows
    )
    return f"<{name}><rows>{cells}</rows></{name}>"


def _lss(path, q3_relevance):
    """A LimeSurvey structure: Q1 yes/no; Q2 a multiple choice shown when Q1 is Y
    (written, as LimeSurvey writes it, with the SGQA code of Q1); Q3 a list shown under
    `q3_relevance`; Q4 a text with an equation this package does not read."""
    common = {"sid": "123", "gid": "1", "language": "fr", "other": "N", "mandatory": "N"}
    questions = [
        ("10", "Y", "Q1", "1"),
        ("11", "M", "Q2", '((123X1X10.NAOK == "Y"))'),
        ("12", "L", "Q3", q3_relevance),
        ("13", "S", "Q4", "Q1.NAOK * 2 > 1"),
    ]
    subs = [("21", "SQ001"), ("22", "SQ002"), ("23", "SQ003")]
    xml = (
        "<?xml version='1.0' encoding='UTF-8'?><document>"
        "<LimeSurveyDocType>Survey</LimeSurveyDocType>"
        "<languages><language>fr</language></languages>"
        + _cdata_table("groups", [{"gid": "1", "group_name": "G", "language": "fr"}])
        + _cdata_table(
            "questions",
            [
                {
                    **common,
                    "qid": qid,
                    "parent_qid": "0",
                    "type": t,
                    "title": code,
                    "question": code,
                    "question_order": str(i),
                    "relevance": rel,
                }
                for i, (qid, t, code, rel) in enumerate(questions)
            ],
        )
        + _cdata_table(
            "subquestions",
            [
                {
                    **common,
                    "qid": qid,
                    "parent_qid": "11",
                    "type": "T",
                    "title": code,
                    "question": code,
                    "question_order": str(i),
                    "relevance": "1",
                }
                for i, (qid, code) in enumerate(subs)
            ],
        )
        + _cdata_table(
            "answers",
            [
                {"qid": "12", "code": c, "answer": c, "sortorder": str(i), "language": "fr"}
                for i, c in enumerate(["A1", "A2"])
            ],
        )
        + "</document>"
    )
    path.write_text(xml, encoding="utf-8")
    return read_form(path)


def _limesurvey_export(path, n=30, seed=4):
    """A LimeSurvey response export with code headings: Q1 Y or N; respondents with Y
    tick some options of Q2 (or none), those with N were not shown Q2 (blank)."""
    rng = np.random.default_rng(seed)
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "Q1"]
    header += [f"Q2[SQ00{k}]" for k in (1, 2, 3)] + ["Q3", "Q4"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(n):
            q1 = "Y" if rng.random() < 0.6 else "N"
            ticks = [("Y" if rng.random() < 0.4 else "") if q1 == "Y" else "" for _ in range(3)]
            q3 = rng.choice(["A1", "A2", ""]) if ticks[1] == "Y" else ""
            w.writerow([i + 1, "2024-05-02 10:00:00", 2, "fr", i, q1, *ticks, q3, f"texte {i}"])
    return path


def test_limesurvey_equation_makes_the_base(tmp_path):
    # probe: Q2 is shown only if Q1 == "Y": its base is every respondent with Y, ticked
    # or not (LimeSurvey leaves all option cells blank when nothing is ticked)
    form = _lss(tmp_path / "s.lss", "Q2_SQ002 == 'Y'")
    path = _limesurvey_export(tmp_path / "results.csv")
    survey = read_responses(path, form)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    asked = survey.asked.groupby("question_id")["actor_id"].nunique()
    options = raw[["Q2[SQ001]", "Q2[SQ002]", "Q2[SQ003]"]]
    yes = raw["Q1"].eq("Y")
    assert asked["Q2"] == int(yes.sum())
    assert int((yes & options.eq("").all(axis=1)).sum()) > 0  # asked, ticked nothing: in it
    # Q3: shown where option SQ002 of Q2 is ticked (Q2 named without .NAOK: and shown)
    assert asked["Q3"] == int((yes & raw["Q2[SQ002]"].eq("Y")).sum())
    assert asked["Q1"] == len(raw)
    # Q4's equation is not read: one anomaly, and its base stays those who answered it
    found = survey.anomalies
    q4 = found.loc[
        found["column"].eq("Q4") & found["problem"].str.contains("non évaluée"), "problem"
    ]
    assert len(q4) == 1 and "« * » n'est pas reconnu" in q4.iloc[0]
    assert asked["Q4"] == int(raw["Q4"].ne("").sum())


def test_limesurvey_variable_without_naok_follows_what_was_shown(tmp_path):
    # Q3 shown when Q2's option SQ002 is not ticked: with .NAOK, also to those never
    # shown Q2 (Q1 = N); without it, LimeSurvey makes the equation false for them
    path = _limesurvey_export(tmp_path / "results.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    yes, sq2 = raw["Q1"].eq("Y"), raw["Q2[SQ002]"].eq("Y")
    for equation, expected in (
        ("Q2_SQ002.NAOK != 'Y'", ~sq2),
        ("Q2_SQ002 != 'Y'", yes & ~sq2),
        ("is_empty(Q2_SQ002.NAOK) and !is_empty(Q1)", ~sq2),
        ('Q1.shown == "Oui"', yes),  # the label of LimeSurvey's built-in Y/N list
    ):
        form = _lss(tmp_path / "s.lss", equation)
        survey = read_responses(path, form)
        asked = set(survey.asked.loc[survey.asked["question_id"] == "Q3", "actor_id"])
        answered = raw["Q3"].ne("")
        assert len(asked) == int((expected | answered).sum()), equation


def test_date_condition_compares_days(tmp_path):
    # « enjeux » asked of structures created since 2020 (ODK compares dates)
    survey_rows = [
        ["type", "name", "label", "relevant", "diagnostic"],
        ["select_one types", "type", "Type", "", "actor_type"],
        ["date", "creation", "Date de création", "", "other"],
        ["select_multiple enjeux", "enjeux", "Enjeux", "${creation} >= '2020-01-01'", "issue"],
        [
            "text",
            "depuis",
            "Depuis quand ?",
            "${creation} != '' and ${creation} < '2020-01-01'",
            "",
        ],
    ]
    choices = [["list_name", "name", "label"], ["types", "asso", "Association"]]
    choices += [["enjeux", value, value.capitalize()] for value in OPTIONS]
    write_xlsform(tmp_path / "f.xlsx", survey_rows, choices)
    form = read_form(tmp_path / "f.xlsx")
    dates = ["2019-12-31", "2020-01-01", "2023-06-15", "", "2021-02-03", "1998-07-01"] * 3
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["_uuid", "type", "creation", "enjeux", "depuis"])
        for i, d in enumerate(dates):
            w.writerow([f"u{i}", "asso", d, "", ""])  # nothing ticked, nothing written
    survey = read_responses(path, form)
    assert not survey.anomalies["problem"].str.contains("non évaluée").any()
    asked = survey.asked.groupby("question_id").size()
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    day = pd.to_datetime(raw["creation"], format="%Y-%m-%d", errors="coerce")
    assert asked["enjeux"] == int((day >= pd.Timestamp("2020-01-01")).sum()) == 9
    assert asked["depuis"] == int((day < pd.Timestamp("2020-01-01")).sum()) == 6


@pytest.mark.parametrize(
    "relevant, asked_rows",
    [
        ("${interesse} = 'oui'", [0, 1, 2, 3, 4, 7]),  # interesse « oui », or answered
        ("${inconnu} = 'oui'", [0, 1, 2, 7]),  # not evaluated: those who answered
    ],
)
def test_asked_built_once_by_the_bases_is_the_reader_table_rewritten(
    tmp_path, relevant, asked_rows
):
    """read_responses leaves `asked` to the form's bases and builds it once: the same
    table as the reader's own, rewritten by `with_form_bases` afterwards, and the rows the
    condition says (written by hand from the export)."""
    from diagnostic.readers import PLATFORMS
    from diagnostic.readers.asked import with_form_bases
    from diagnostic.readers.build import read_export

    rows = [("oui", ["eau"])] * 3 + [("oui", [])] * 2 + [("non", [])] * 2 + [("non", ["route"])]
    export = _export(tmp_path / "export.csv", rows)
    form = _form(tmp_path / "form.xlsx", relevant=relevant)
    once = read_responses(export, form)
    twice = with_form_bases(read_export(export, form, PLATFORMS["kobo"]), form)
    assert once.asked_parts is None and twice.asked_parts is None
    pd.testing.assert_frame_equal(once.asked, twice.asked)
    ids = once.actors["actor_id"].tolist()  # in file order
    asked = once.asked
    assert asked.loc[asked["question_id"] == "enjeux", "actor_id"].tolist() == [
        ids[i] for i in asked_rows
    ]
    for qid in ("type", "interesse"):  # answered by all: asked of all
        assert asked.loc[asked["question_id"] == qid, "actor_id"].tolist() == ids
