"""XLSForm `relevant` conditions: parsed without eval, evaluated as ODK/Kobo do."""

import re

import numpy as np
import pandas as pd
import pytest

from diagnostic import read_form, read_responses
from diagnostic.forms.relevance import (
    RelevanceError,
    evaluate,
    parse_condition,
    references,
    undated_references,
)

VALUES = {
    "q": pd.Series(["oui", "non", "", None]),
    "m": pd.Series(["a b", "b", "", "c a"]),
    "n": pd.Series(["3", "18", "", "7.5"]),
}


def _eval(expression):
    return evaluate(parse_condition(expression), VALUES, 4).tolist()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("${q} = 'oui'", [True, False, False, False]),
        ('${q} != "oui"', [False, True, True, True]),
        ("${q} = ''", [False, False, True, True]),
        ("selected(${m}, 'a')", [True, False, False, True]),
        ("selected( ${m} , 'b' )", [True, True, False, False]),
        ("not(selected(${m}, 'a'))", [False, True, True, False]),
        ("count-selected(${m}) = 2", [True, False, False, True]),
        ("count-selected(${m}) < 1", [False, False, True, False]),
        ("${n} > 5", [False, True, False, True]),
        ("${n} <= 7.5", [True, False, False, True]),
        ("${n} >= -1", [True, True, False, True]),
        ("${n} < '10'", [True, False, False, True]),
        ("${n} = 18", [False, True, False, False]),
        ("${n} != 18", [True, False, True, True]),  # XPath: NaN != 18 is true
        ("${q} = 'oui' or ${n} > 10", [True, True, False, False]),
        ("${q} = 'oui' and ${n} > 10", [False, False, False, False]),
        ("(${q} = 'oui' or ${q} = 'non') and not(${n} = 3)", [False, True, False, False]),
        ("${q} = 'non' or ${q} = 'oui' and ${n} = 18", [False, True, False, False]),
        ("${q}", [True, True, False, False]),
        ("true()", [True] * 4),
        ("false() or ${m} != ''", [True, True, False, True]),
    ],
)
def test_conditions_evaluate_as_xpath(expression, expected):
    assert _eval(expression) == expected


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("${n} + 1 > 3", "+"),
        ("sum(${n}) > 3", "sum()"),
        ("${n} - 1 > 3", "-"),
        (". > 3", "."),
        ("${q} = 'oui' AND ${n} > 3", "AND"),
        ("selected(${m})", "2 argument"),
        ("(${q} = 'oui'", "s'arrête"),
        ("", "vide"),
        ("regex(${q}, '^o')", "regex()"),
        ("${d} > 'janvier'", "une date s'écrit 'AAAA-MM-JJ'"),
    ],
)
def test_what_is_not_evaluated_says_why(expression, why):
    with pytest.raises(RelevanceError, match=re.escape(why)):
        parse_condition(expression)


def test_references_and_no_eval():
    node = parse_condition("selected(${a}, 'x') and (${b} > 2 or not(${c} = ''))")
    assert references(node) == {"a", "b", "c"}
    with pytest.raises(RelevanceError):
        parse_condition("__import__('os').system('true')")


def test_impact_msna_form_conditions(shared):
    """A real 710-row form: every condition is read or refused with a reason, and the
    refused ones are exactly those using arithmetic or sum() (counted here by regex)."""
    path = shared / "surveys" / "xlsform_impact_msna_idem" / "form.xlsx"
    raw = pd.read_excel(path, sheet_name="survey", dtype=str, engine="openpyxl")[
        "relevant"
    ].dropna()
    refused = []
    for expression in raw:
        try:
            parse_condition(expression)
        except RelevanceError:
            refused.append(expression)
    outside = [e for e in raw if re.search(r"\+|\bsum\(", e)]
    assert (len(raw), len(refused)) == (345, 4)
    assert refused == outside
    form = read_form(path)
    # hoh_gender sits in the group `consented` (relevant selected(${consent},'yes'))
    assert form.relevance["hoh_gender"] == (
        "selected(${consent},'yes')",
        "selected(${resp_hoh_yn},'no')",
    )


def test_abidjan_households_asked_from_the_form(shared, tmp_path):
    """A real KoboCollect form and export. Every question of the water group sits in a group
    shown on ``${Informed_consent} = 'Consent_OK'``, a column the author left out of the
    published export: reported, and "asked" falls back to "answered". Every household
    answered the water group's first, required question, so all consented: with that column
    restored, the form's conditions give the bases."""
    folder = shared / "surveys" / "kobo_epfl_abidjan_2022"
    form = read_form(folder / "Abidjan_2022.xls")
    survey = read_responses(folder / "household_data_abidjan.csv", form)
    # one line for all the questions the missing column leaves unevaluated, naming them
    problems = survey.anomalies.loc[
        survey.anomalies["problem"].str.contains(r"non évaluée .*\$\{Informed_consent\}"),
        "problem",
    ].tolist()
    assert len(problems) == 1 and "« DrinkingWaterGroup »" in problems[0]

    raw = pd.read_csv(folder / "household_data_abidjan.csv", dtype=str)
    assert raw["DrinkingWaterGroup"].notna().all()
    raw["Informed_consent"] = "Consent_OK"
    export = tmp_path / "household_data_abidjan.csv"
    raw.to_csv(export, index=False)
    survey = read_responses(export, form)
    # relevant: ${DrinkingWaterGroup} != 'Private' or (${DrinkingWater_Private} !=
    # 'Piped_dwel' and ${DrinkingWater_Private} != 'Piped_yard'); blank compares as ''
    private = raw["DrinkingWater_Private"].fillna("")
    shown = (raw["DrinkingWaterGroup"] != "Private") | ~private.isin(["Piped_dwel", "Piped_yard"])
    rows = dict(zip(survey.actors["actor_id"], survey.actors["source_row"]))
    asked = survey.asked.loc[survey.asked["question_id"] == "DrinkingWaterLocation", "actor_id"]
    assert sorted(asked.map(rows)) == [i + 2 for i in raw.index[shown]]
    assert shown.sum() == 40
    # required, shown, blank: reported with their rows
    blank = shown & raw["DrinkingWaterLocation"].isna()
    problem = survey.anomalies.loc[
        survey.anomalies["column"] == "DrinkingWaterLocation", "problem"
    ].item()
    assert "obligatoire" in problem and f"{int(blank.sum())} répondant(s)" in problem
    assert ", ".join(str(i + 2) for i in raw.index[blank]) in problem
    # relevant ${DrinkingWaterGroup} = 'Private': 558 households
    asked = survey.asked.loc[survey.asked["question_id"] == "DrinkingWater_Private", "actor_id"]
    assert len(asked) == int((raw["DrinkingWaterGroup"] == "Private").sum()) == 558
    # the multiple choice HHITEMS (no condition of its own) was asked to every household
    assert (survey.asked["question_id"] == "HHITEMS").sum() == len(raw)


def test_evaluate_is_vectorised_over_respondents():
    n = 50_000
    values = {"q": pd.Series(np.where(np.arange(n) % 3 == 0, "oui", "non"))}
    got = evaluate(parse_condition("${q} = 'oui' or selected(${q}, 'x')"), values, n)
    assert int(got.sum()) == len(range(0, n, 3))


# LimeSurvey relevance equations (ExpressionScript): the same VALUES, LimeSurvey's names
def _ls(expression, shown=None):
    return evaluate(parse_condition(expression, "limesurvey"), VALUES, 4, shown).tolist()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('((q.NAOK == "oui"))', [True, False, False, False]),
        ('q.NAOK eq "oui"', [True, False, False, False]),
        ("q.NAOK != 'oui'", [False, True, True, True]),
        ('q.NAOK ne "oui" AND n.NAOK > 5', [False, True, False, True]),
        ('q.NAOK == "oui" || n.NAOK ge 7.5', [True, True, False, True]),
        ('q.NAOK == "oui" or n.NAOK lt 4', [True, False, False, False]),
        ("is_empty(q.NAOK)", [False, False, True, True]),
        ("!is_empty(q.NAOK)", [True, True, False, False]),
        ("not is_empty(n.NAOK) && !(n.NAOK <= 3)", [False, True, False, True]),
        ("count(q.NAOK, n.NAOK) == 2", [True, True, False, False]),
        ("count(q.NAOK, n.NAOK, m.NAOK)", [True, True, False, True]),
        ("n.NAOK == 18", [False, True, False, False]),
        ("q.code == 'non'", [False, True, False, False]),
    ],
)
def test_limesurvey_equations_evaluate(expression, expected):
    assert _ls(expression) == expected


def test_limesurvey_variable_without_naok_is_false_where_not_shown():
    # LimeSurvey's Expression Manager: a variable named without .NAOK makes the whole
    # equation false for a respondent to whom its question was not shown
    q_shown = np.array([True, True, False, True])
    assert _ls("q == '' or n.NAOK == 18", {"q": q_shown}) == [False, True, False, True]
    assert _ls("q.NAOK == '' or n.NAOK == 18", {"q": q_shown}) == [False, True, True, True]
    # .shown reads the label, kept under its own key by the caller
    values = {**VALUES, "q.shown": pd.Series(["Oui", "Non", "", ""])}
    node = parse_condition('q.shown == "Non"', "limesurvey")
    assert evaluate(node, values, 4, {"q": q_shown}).tolist() == [False, True, False, False]


@pytest.mark.parametrize(
    ("expression", "why"),
    [
        ("q.NAOK + 1 > 2", "« + » n'est pas reconnu"),
        ("q.gid == 2", "suffixe « .gid »"),
        ('regexMatch("^a", q)', "regexMatch"),
        ("245554X4X20.NAOK == 'Y'", "245554X4X20.NAOK"),
        ('q.NAOK > "1er mai"', "une date s'écrit"),
        ("count()", "au moins un argument"),
        ("${q} = 'oui'", "n'est pas reconnu"),
    ],
)
def test_limesurvey_what_is_not_evaluated_says_why(expression, why):
    with pytest.raises(RelevanceError, match=re.escape(why)):
        parse_condition(expression, "limesurvey")


def test_xlsform_keeps_its_own_words():
    # LimeSurvey's functions and operators are not XLSForm's
    for expression in ("is_empty(${q})", "count(${q})", "${q} == 'oui'", "q = 'oui'"):
        with pytest.raises(RelevanceError):
            parse_condition(expression)


def test_dates_compare_as_days():
    # ODK compares a date with a date: the export holds a date, a date and time, or blank
    values = {"d": pd.Series(["2024-03-05", "2023-12-31", "", "2024-01-01T08:30:00+01:00", "x"])}
    got = [
        evaluate(parse_condition(e), values, 5).tolist()
        for e in ("${d} > '2024-01-01'", "${d} >= '2024-01-01'", "${d} = '2024-01-01'")
    ]
    assert got == [
        [True, False, False, False, False],
        [True, False, False, True, False],
        [False, False, False, True, False],
    ]
    ls = parse_condition('d.NAOK lt "2024-01-01" or is_empty(d.NAOK)', "limesurvey")
    assert evaluate(ls, values, 5).tolist() == [False, True, True, False, False]
    # a date read otherwise (compared with a number, selected…) is reported by the reader
    assert undated_references(parse_condition("${d} > '2024-01-01' or ${d} = ''")) == set()
    assert undated_references(parse_condition("${d} > 3 and ${e} = 'x'")) == {"d", "e"}
    # decimal-date-time: days since 1970-01-01 (2024-03-05 is day 19787, by hand:
    # 54 years with 13 leap days = 19723 days to 2024-01-01, then 31 + 29 + 4)
    days = parse_condition("decimal-date-time(${d}) >= 19787")
    assert evaluate(days, values, 5).tolist() == [True, False, False, False, False]
    assert undated_references(days) == set()
    # today() is the day the respondent answered, not the day of the analysis
    with pytest.raises(RelevanceError, match="today.*jour où le répondant"):
        parse_condition("${d} < today()")
