"""Kobo exports: XLSX with repeat sheets, `;` CSV, split multi-select columns."""

import re

import pandas as pd
import pytest
from conftest import write_xlsform

from diagnostic import read_form, read_responses


@pytest.fixture(scope="module")
def kobo(shared):
    return shared / "surveys" / "kobo_kobocruncher_sample"


def test_sample_export_with_repeat_sheet(kobo):
    s = read_responses(kobo / "data.xlsx", read_form(kobo / "sample_xlsform.xlsx"))
    assert s.format == "kobo_xlsx"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (5, 5, 0)
    assert s.repeats == {"members": 12}
    reasons = s.answers[s.answers["question_id"] == "reason"]["value"].value_counts().to_dict()
    assert reasons == {
        "education": 4,
        "accomodation": 2,
        "employment": 2,
        "community": 2,
        "reunification": 2,
        "safety": 1,
        "movement": 1,
    }
    # age and sex live in the repeat sheet: not reported missing; "date" really is missing
    assert s.anomalies["column"].tolist() == ["date"]


#: The sheet `members` of data.xlsx: (submission's Excel row, member number, age, sex),
#: linked by `_submission__uuid`; the household sizes (HHSize) are 1, 5, 3, 1 and 2.
MEMBERS = [
    (2, 1, "56", "male"),
    (3, 1, "2", "male"),
    (3, 2, "3", "male"),
    (3, 3, "10", "female"),
    (3, 4, "45", "male"),
    (3, 5, "35", "female"),
    (4, 1, "4", "male"),
    (4, 2, "34", "female"),
    (4, 3, "34", "male"),
    (5, 1, "51", "female"),
    (6, 1, "21", "male"),
    (6, 2, "25", "female"),
]


def test_sample_repeat_answers_attached_to_their_submission(kobo):
    s = read_responses(kobo / "data.xlsx", read_form(kobo / "sample_xlsform.xlsx"))
    assert [a.as_dict() for a in s.repeat_accounts] == [
        {
            "file": "data.xlsx, feuille members",
            "rows_read": 12,
            "rows_loaded": 12,
            "rows_rejected": 0,
        }
    ]
    row_of = dict(zip(s.actors["actor_id"], s.actors["source_row"]))
    inside = s.answers[s.answers["instance"].notna()]
    assert len(inside) == 24 and set(inside["question_id"]) == {"age", "sex"}
    wide = inside.pivot(index=["actor_id", "instance"], columns="question_id", values="value")
    got = sorted((row_of[a], int(i), r["age"], r["sex"]) for (a, i), r in wide.iterrows())
    assert got == MEMBERS
    sizes = s.answers[s.answers["question_id"] == "HHSize"]
    assert dict(zip(sizes["actor_id"].map(row_of), sizes["value"].astype(int))) == (
        inside.groupby("actor_id")["instance"].max().rename(row_of).to_dict()
    )
    assert s.questions.set_index("question_id")["repeat"].dropna().to_dict() == {
        "age": "members",
        "sex": "members",
    }
    assert s.answers.loc[s.answers["question_id"] == "reason", "instance"].isna().all()


def test_sample_repeat_without_form_guesses_its_questions(kobo):
    s = read_responses(kobo / "data.xlsx")
    inside = s.answers[s.answers["instance"].notna()]
    assert inside["question_id"].value_counts().to_dict() == {"members_age": 12, "members_sex": 12}
    assert s.questions.set_index("question_id").loc["members_sex", "repeat"] == "members"
    assert sorted(s.choices.loc[s.choices["list_name"] == "members_sex", "value"]) == [
        "female",
        "male",
    ]


def _kobo_nested_export(tmp_path):
    """An older Kobo export: repeat sheets linked by `_parent_index` only, one nested."""
    from openpyxl import Workbook

    wb = Workbook()
    main = wb.active
    main.title = "acteurs"
    for row in (
        ["nom_structure", "_uuid", "_index"],
        ["Garage", "u1", "1"],
        ["Épicerie", "u2", "2"],
    ):
        main.append(row)
    staff = wb.create_sheet("salaries")
    for row in (
        ["salaries/age", "_index", "_parent_index", "_parent_table_name"],
        ["34", "1", "2", "acteurs"],
        ["51", "2", "1", "acteurs"],
        ["28", "3", "9", "acteurs"],
    ):
        staff.append(row)
    courses = wb.create_sheet("formations")
    for row in (
        ["salaries/formations/intitule", "_index", "_parent_index", "_parent_table_name"],
        ["Soudure", "1", "2", "salaries"],
        ["Caisse", "2", "1", "salaries"],
    ):
        courses.append(row)
    wb.save(tmp_path / "export.xlsx")
    form = Workbook()
    ws = form.active
    ws.title = "survey"
    for row in (
        ["type", "name", "label"],
        ["text", "nom_structure", "Structure"],
        ["begin_repeat", "salaries", "Salariés"],
        ["integer", "age", "Âge"],
        ["begin_repeat", "formations", "Formations"],
        ["text", "intitule", "Intitulé"],
        ["end_repeat", "", ""],
        ["end_repeat", "", ""],
    ):
        ws.append(row)
    form.save(tmp_path / "form.xlsx")
    return tmp_path / "export.xlsx", read_form(tmp_path / "form.xlsx")


def test_kobo_parent_index_links_nested_repeats_and_reports_orphans(tmp_path):
    export, form = _kobo_nested_export(tmp_path)
    s = read_responses(export, form)
    row_of = dict(zip(s.actors["actor_id"], s.actors["source_row"]))
    inside = s.answers[s.answers["instance"].notna()]
    got = [(q, row_of[a], int(i), v) for a, q, v, i, _r in inside.itertuples(index=False)]
    # the employee aged 51 belongs to the garage (row 2) and took "Soudure"
    assert got == [
        ("age", 3, 1, "34"),
        ("age", 2, 1, "51"),
        ("intitule", 2, 1, "Soudure"),
        ("intitule", 3, 1, "Caisse"),
    ]
    orphan = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert orphan[["file", "row", "column", "value"]].values.tolist() == [
        ["export.xlsx, feuille salaries", 4, "_parent_index", "9"]
    ]
    assert orphan["problem"].iloc[0] == (
        "ligne de répétition sans soumission parente : aucune soumission n'a « _index » = 9"
    )
    assert [(a.rows_read, a.rows_loaded, a.rows_rejected) for a in s.repeat_accounts] == [
        (3, 2, 1),
        (2, 2, 0),
    ]


def test_likert_export_with_generated_group_names(kobo):
    s = read_responses(kobo / "data_likert.xlsx", read_form(kobo / "form_likert.xlsx"))
    assert s.format == "kobo_xlsx"
    # no submission id: rows 31 and 94 repeat the answers of rows 30 and 45 but may be other
    # people answering alike on 18 three-level items: kept, listed as possible duplicates
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (120, 120, 0)
    # one line for the problem, naming both rows; the value says which rows they repeat
    possible = s.anomalies[s.anomalies["problem"].str.startswith("doublon possible")]
    assert possible["row"].tolist() == [31]
    assert possible["problem"].item().endswith("(2 lignes : 31, 94)")
    assert possible["action"].item() == "conservé"
    assert possible["value"].item() == "ligne 30 ; ligne 45"
    assert len(s.answers) == 120 * 18
    assert set(s.answers["value"]) == {"likely", "neutral", "unlikely"}


def test_abidjan_household_csv_with_legacy_xls_form(shared):
    folder = shared / "surveys" / "kobo_epfl_abidjan_2022"
    s = read_responses(
        folder / "household_data_abidjan.csv", read_form(folder / "Abidjan_2022.xls")
    )
    assert s.format == "kobo_csv"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (567, 567, 0)
    assert s.actors["actor_id"].is_unique
    items = s.answers[s.answers["question_id"] == "HHITEMS"]["value"].value_counts()
    assert items["Electricity"] == 566 and items["Computer"] == 83
    assert (s.asked["question_id"] == "HHITEMS").sum() == 567
    # identical answers under distinct KEYs are kept, with a note
    same = s.anomalies["problem"].str.contains("identifiant de soumission différent")
    # 17 rows (190, 265 and 414 all repeat row 181), on one line for the problem
    assert same.sum() == 1 and (s.anomalies.loc[same, "action"] == "conservé").all()
    assert (
        s.anomalies.loc[same, "problem"]
        .item()
        .startswith(
            "réponses identiques à celles d'une ligne précédente, mais identifiant de soumission "
            "différent (17 lignes : "
        )
    )
    unknown = s.anomalies.loc[s.anomalies["problem"].str.contains("inconnue"), "problem"]
    # `uuid` (one value on every row: the form's formhub/uuid) is Kobo bookkeeping, not reported
    assert unknown.tolist() == [
        "colonne de l'export inconnue du formulaire : ignorée "
        "(3 colonnes : « City », « Site », « Sex_HH »)"
    ]


def _form(tmp_path):
    survey = [
        ["type", "name", "label"],
        ["begin_group", "res", "Ressources"],
        ["select_multiple besoin", "besoins", "Besoins"],
        ["end_group", "", ""],
        ["integer", "salaries", "Salariés"],
        ["date", "creation", "Création"],
    ]
    choices = [
        ["list_name", "name", "label"],
        ["besoin", "locaux", "Locaux"],
        ["besoin", "vehicules", "Véhicules"],
    ]
    return read_form(write_xlsform(tmp_path / "form.xlsx", survey, choices))


def test_kobo_csv_semicolons_blank_means_nothing_ticked(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        '"_uuid";"_submission_time";"res/besoins";"res/besoins/locaux";"res/besoins/vehicules";'
        '"salaries";"creation"\n'
        '"u1";"2024-01-01";"locaux";"1";"0";"3";"12/03/2015"\n'
        '"u2";"2024-01-01";"";"";"";"dix";"2015-13-45"\n'
        '"u1";"2024-01-02";"vehicules";"0";"1";"2";"01/01/2020"\n'
        '"u3";"2024-01-02";"";"";"";"";""\n',
        encoding="utf-8",
    )
    s = read_responses(export, _form(tmp_path))
    assert s.format == "kobo_csv"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (4, 2, 2)
    ids = dict(zip(s.actors["source_row"], s.actors["actor_id"]))
    asked = s.asked[s.asked["question_id"] == "besoins"]["actor_id"].tolist()
    # u2 left every box blank: the form asks `besoins` of everyone, so u2 ticked nothing
    assert asked == [ids[2], ids[3]]
    assert s.answers.loc[s.answers["question_id"] == "creation", "value"].tolist() == [
        "2015-03-12",
        "2015-13-45",
    ]
    problems = s.anomalies.set_index("row")["problem"]
    assert problems[3].tolist() == [
        "nombre illisible",
        "date illisible (attendu jj/mm/aaaa ou aaaa-mm-jj)",
    ]
    assert "même identifiant" in problems[4] and "vide" in problems[5]


def test_kobo_label_headers_and_label_values(tmp_path):
    export = tmp_path / "export_libelles.csv"
    export.write_text(
        '"_uuid";"_index";"Besoins";"Besoins/Locaux";"Besoins/Véhicules";"Salariés"\n'
        '"u1";"1";"Locaux Véhicules";"1";"1";"4,0"\n'
        '"u2";"2";"Véhicules";"0";"1";"1"\n',
        encoding="utf-8",
    )
    s = read_responses(export, _form(tmp_path))
    assert s.account.rows_loaded == 2
    besoins = s.answers[s.answers["question_id"] == "besoins"]["value"].tolist()
    assert besoins == ["locaux", "vehicules", "vehicules"]
    assert s.answers.loc[s.answers["question_id"] == "salaries", "value"].tolist() == ["4", "1"]


def test_abidjan_anomalies_one_line_per_problem_not_per_question(shared):
    # an anonymised export keeps 36 of the form's questions: the others, and the conditions
    # citing the consent question it dropped, are one line each, not one per question
    folder = shared / "surveys" / "kobo_epfl_abidjan_2022"
    s = read_responses(
        folder / "household_data_abidjan.csv", read_form(folder / "Abidjan_2022.xls")
    )
    header = set(pd.read_csv(folder / "household_data_abidjan.csv", nrows=0).columns)
    problems = s.anomalies["problem"]
    absent = problems[problems.str.startswith("question du formulaire absente de l'export")]
    assert len(absent) == 1
    count, named = re.search(r"\((\d+) questions : (.*)\)$", absent.item()).groups()
    assert int(count) > 40 and not set(re.findall(r"« ([^»]+) »", named)) & header
    cited = problems[problems.str.contains(r"elle cite \$\{Informed_consent\}")]
    assert len(cited) == 1 and "Informed_consent" not in header
    assert re.search(r"\((\d+) questions : ", cited.item())
    assert len(s.anomalies) < 15
