"""Kobo exports: XLSX with repeat sheets, `;` CSV, split multi-select columns."""

import pytest

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
    assert reasons == {"education": 4, "accomodation": 2, "employment": 2, "community": 2,
                       "reunification": 2, "safety": 1, "movement": 1}
    # age and sex live in the repeat sheet: not reported missing; "date" really is missing
    assert s.anomalies["column"].tolist() == ["date"]


def test_likert_export_with_generated_group_names(kobo):
    s = read_responses(kobo / "data_likert.xlsx", read_form(kobo / "form_likert.xlsx"))
    assert s.format == "kobo_xlsx"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (120, 118, 2)
    rejected = s.anomalies[s.anomalies["action"] == "rejeté"]
    assert rejected["row"].tolist() == [31, 94]  # identical answers, and no submission id
    assert len(s.answers) == 118 * 18
    assert set(s.answers["value"]) == {"likely", "neutral", "unlikely"}


def test_abidjan_household_csv_with_legacy_xls_form(shared):
    folder = shared / "surveys" / "kobo_epfl_abidjan_2022"
    s = read_responses(folder / "household_data_abidjan.csv", read_form(folder / "Abidjan_2022.xls"))
    assert s.format == "kobo_csv"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (567, 567, 0)
    assert s.actors["actor_id"].is_unique
    items = s.answers[s.answers["question_id"] == "HHITEMS"]["value"].value_counts()
    assert items["Electricity"] == 566 and items["Computer"] == 83
    assert (s.asked["question_id"] == "HHITEMS").sum() == 567
    # identical answers under distinct KEYs are kept, with a note
    same = s.anomalies["problem"].str.contains("identifiant de soumission différent")
    assert same.sum() == 17 and (s.anomalies.loc[same, "action"] == "conservé").all()
    unknown = s.anomalies.loc[s.anomalies["problem"].str.contains("inconnue"), "column"]
    assert unknown.tolist() == ["uuid", "City", "Site", "Sex_HH"]


def _form(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in (["type", "name", "label"], ["begin_group", "res", "Ressources"],
                ["select_multiple besoin", "besoins", "Besoins"], ["end_group", "", ""],
                ["integer", "salaries", "Salariés"], ["date", "creation", "Création"]):
        ws.append(row)
    ch = wb.create_sheet("choices")
    for row in (["list_name", "name", "label"], ["besoin", "locaux", "Locaux"],
                ["besoin", "vehicules", "Véhicules"]):
        ch.append(row)
    wb.save(tmp_path / "form.xlsx")
    return read_form(tmp_path / "form.xlsx")


def test_kobo_csv_semicolons_blank_means_not_asked(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        '"_uuid";"_submission_time";"res/besoins";"res/besoins/locaux";"res/besoins/vehicules";'
        '"salaries";"creation"\n'
        '"u1";"2024-01-01";"locaux";"1";"0";"3";"12/03/2015"\n'
        '"u2";"2024-01-01";"";"";"";"dix";"2015-13-45"\n'
        '"u1";"2024-01-02";"vehicules";"0";"1";"2";"01/01/2020"\n'
        '"u3";"2024-01-02";"";"";"";"";""\n', encoding="utf-8")
    s = read_responses(export, _form(tmp_path))
    assert s.format == "kobo_csv"
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (4, 2, 2)
    ids = dict(zip(s.actors["source_row"], s.actors["actor_id"]))
    asked = s.asked[s.asked["question_id"] == "besoins"]["actor_id"].tolist()
    assert asked == [ids[2]]  # u2 left every box blank: not asked, not "nothing ticked"
    assert s.answers.loc[s.answers["question_id"] == "creation", "value"].tolist() == [
        "2015-03-12", "2015-13-45"]
    problems = s.anomalies.set_index("row")["problem"]
    assert problems[3].tolist() == ["nombre illisible", "date illisible (attendu jj/mm/aaaa "
                                    "ou aaaa-mm-jj)"]
    assert "même identifiant" in problems[4] and "vide" in problems[5]


def test_kobo_label_headers_and_label_values(tmp_path):
    export = tmp_path / "export_libelles.csv"
    export.write_text(
        '"_uuid";"_index";"Besoins";"Besoins/Locaux";"Besoins/Véhicules";"Salariés"\n'
        '"u1";"1";"Locaux Véhicules";"1";"1";"4,0"\n'
        '"u2";"2";"Véhicules";"0";"1";"1"\n', encoding="utf-8")
    s = read_responses(export, _form(tmp_path))
    assert s.account.rows_loaded == 2
    besoins = s.answers[s.answers["question_id"] == "besoins"]["value"].tolist()
    assert besoins == ["locaux", "vehicules", "vehicules"]
    assert s.answers.loc[s.answers["question_id"] == "salaries", "value"].tolist() == ["4", "1"]
