import pandas as pd
from conftest import EXAMPLE

from diagnostic import read_responses, read_xlsform


def _example():
    form = read_xlsform(EXAMPLE / "formulaire_acteurs.xlsx")
    return read_responses(EXAMPLE / "export_kobo_acteurs.xlsx", form)


def test_row_accounting_and_rejections():
    s = _example()
    assert (s.account.rows_read, s.account.rows_loaded, s.account.rows_rejected) == (150, 148, 2)
    rejected = s.anomalies[s.anomalies["action"] == "rejeté"].sort_values("row")
    assert rejected["row"].tolist() == [150, 151]
    assert "ligne 19" in rejected["problem"].iloc[0]
    assert len(s.actors) == 148 and s.actors["actor_id"].is_unique


def test_actor_types_and_multi_select_answers():
    s = _example()
    assert s.actors["actor_type"].value_counts().to_dict() == {
        "entreprise": 56,
        "association": 46,
        "collectivite": 26,
        "cooperative": 16,
        "financeur": 4,
    }
    row2 = s.actors.loc[s.actors["source_row"] == 2, "actor_id"].iloc[0]
    besoins = s.answers[(s.answers["actor_id"] == row2) & (s.answers["question_id"] == "besoins")]
    assert sorted(besoins["value"]) == ["benevoles"]  # planted: the transport company's need
    assert set(s.needs.loc[s.needs["actor_id"] == row2, "category"]) == {"benevoles"}


def test_personal_data_is_kept_apart():
    s = _example()
    assert set(s.personal["field"]) == {
        "nom_structure",
        "contact_nom",
        "contact_email",
        "telephone",
    }
    assert (
        not s.answers["question_id"]
        .isin(["contact_nom", "contact_email", "telephone", "nom_structure"])
        .any()
    )
    assert (
        not s.answers["value"].str.contains("@exemple.fr", regex=False).any()
        or s.answers.loc[
            s.answers["value"].str.contains("@exemple.fr", regex=False).fillna(False), "question_id"
        ]
        .eq("commentaire")
        .all()
    )


def test_pseudonyms_are_stable_across_reads():
    a, b = _example(), _example()
    pd.testing.assert_frame_equal(a.actors, b.actors)


def test_other_specify_text_is_attached_to_the_need():
    s = _example()
    other = s.needs[s.needs["category"] == "autre"]
    assert other["text"].tolist() == ["Une salle pour les répétitions du soir"]


def test_kobo_sample_from_another_project(shared):
    folder = shared / "surveys" / "kobo_kobocruncher_sample"
    form = read_xlsform(folder / "sample_xlsform.xlsx")
    s = read_responses(folder / "data.xlsx", form)
    assert s.format == "kobo_xlsx"
    assert (s.account.rows_read, s.account.rows_loaded) == (5, 5)
    assert s.repeats == {"members": 12}
