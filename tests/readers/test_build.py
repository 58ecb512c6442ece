"""One reader for every platform: a platform is a `Platform` entry read by `read_export`."""

import pandas as pd

from diagnostic.readers import FORMATS, PLATFORMS, detect_format
from diagnostic.readers.build import platform_reader, read_export
from diagnostic.readers.inferred import infer_form
from diagnostic.readers.survey import Platform, Reading


def _toy_prepare(path, form, include_incomplete):
    """A platform of our own: a « ; » CSV whose « Brouillon » rows are drafts."""
    from diagnostic._io.tables import read_table
    from diagnostic.readers.build import incomplete_rows

    table = read_table(path)
    frame = table.frame
    if form is None:
        form = infer_form(frame, path.name, meta=TOY.own_columns)
    drafts = (frame["Brouillon"] == "oui").to_numpy()
    exclude, flags = incomplete_rows(drafts, "brouillon", "Brouillon", include_incomplete)
    return Reading(
        frame, form, table.header_rows, table.notes, options={"exclude": exclude, "flags": flags}
    )


TOY = Platform(
    "toy",
    _toy_prepare,
    detect=lambda header: "N° toy" in header,
    meta=frozenset({"Brouillon"}),
    personal=frozenset({"Courriel"}),
    ids=("N° toy",),
)


def _write(tmp_path):
    path = tmp_path / "toy.csv"
    path.write_text(
        "N° toy;Courriel;Brouillon;Commune;Besoin\n"
        "t1;ana@example.org;non;Mortagne-au-Perche;local\n"
        "t2;;non;Bellême;transport\n"
        "t3;leo@example.org;oui;Bellême;local\n"
        "t1;ana@example.org;non;Mortagne-au-Perche;local\n",
        encoding="utf-8",
    )
    return path


def test_a_new_platform_is_one_table_entry(tmp_path):
    path = _write(tmp_path)
    survey = read_export(path, None, TOY)
    # 4 rows read: t3 a draft and the second t1 (same submission id) left out
    account = survey.account
    assert (account.rows_read, account.rows_loaded, account.rows_rejected) == (4, 2, 2)
    assert survey.format == "toy_csv" and survey.file == "toy.csv"
    # the platform's own columns are never questions; its personal one goes to `personal`
    assert set(survey.questions["label"]) == {"Commune", "Besoin"}
    assert sorted(survey.personal["value"]) == ["ana@example.org"]
    assert set(survey.answers["value"]) >= {"local", "transport"}


def test_the_reader_of_a_platform_takes_incomplete_responses_on_request(tmp_path):
    read_toy = platform_reader(TOY)
    assert read_toy.__name__ == "read_toy"
    survey = read_toy(_write(tmp_path), include_incomplete=True)
    assert survey.account.rows_loaded == 3  # the draft kept, the duplicate still left out


def test_every_platform_has_its_formats_and_is_detected_by_its_entry():
    kinds = {name: ("csv", "xlsx") for name in PLATFORMS} | {"odk": ("csv", "zip")}
    for name, platform in PLATFORMS.items():
        assert {f"{name}_{kind}" for kind in kinds[name]} <= set(FORMATS), name
        assert platform.name == name
    named = {f"{name}_{kind}" for name in PLATFORMS for kind in kinds[name]}
    assert set(FORMATS) - named == {"table_csv", "table_xlsx"}


def test_detection_asks_the_platforms_in_order(tmp_path):
    """ODK Central's KEY beside Kobo's own columns is a Kobo export; KEY alone too."""
    cases = {
        "KEY,SubmissionDate,q1\n": "odk_csv",
        "KEY,_uuid,_submission_time,q1\n": "kobo_csv",
        "KEY,q1\n": "kobo_csv",
        "Horodateur,q1\n": "google_forms_csv",
        "q1,q2\n": "table_csv",
    }
    for i, (header, expected) in enumerate(cases.items()):
        path = tmp_path / f"f{i}.csv"
        path.write_text(header + "a,b,c\n" if header.count(",") == 2 else header + "a,b\n")
        assert detect_format(path) == expected, header


def test_attached_file_names_are_text_and_a_short_choice_stays_a_choice():
    # two ODK Collect submissions: a photo each (named by a timestamp) and a slope class
    frame = pd.DataFrame(
        {
            "habitat-photo": ["1568794560256.jpg", "1568787004467.JPG"],
            "habitat-slope": ["mid-slope", "flat"],
        },
        dtype="string",
    )
    form = infer_form(frame, "quadrat.csv")
    kinds = dict(zip(form.questions["label"], form.questions["type"]))
    assert kinds == {"habitat-photo": "text", "habitat-slope": "single"}


def test_field_names_keep_every_word_and_sentences_their_first_words():
    from diagnostic.readers.inferred import slug

    taken: set[str] = set()
    # two ODK fields of one group: cut at 30 characters they would be one id and its « _2 »
    assert slug("habitat-morphological_type", taken) == "habitat_morphological_type"
    assert slug("habitat-morphological_type_photo", taken) == "habitat_morphological_type_photo"
    label = "Quels sont les principaux enjeux de votre territoire ?"
    assert (
        slug(label, taken) == "quels_sont_les_principaux"
    )  # 25 characters, the next word passes 30


def test_needs_leave_out_none_and_dont_know_ticks(tmp_path):
    from conftest import write_xlsform

    from diagnostic import read_form, read_responses

    survey = [
        ["type", "name", "label", "diagnostic"],
        ["select_multiple besoin", "besoins", "Besoins", "need"],
        ["text", "besoins_autre", "Autre besoin", "need"],
    ]
    choices = [
        ["list_name", "name", "label"],
        ["besoin", "locaux", "Locaux"],
        ["besoin", "aucun", "Aucun"],
        ["besoin", "nsp", "Ne sait pas"],
        ["besoin", "autre", "Autre"],
    ]
    form = read_form(write_xlsform(tmp_path / "form.xlsx", survey, choices))
    export = tmp_path / "export.csv"
    export.write_text(
        '"_uuid";"_submission_time";"besoins";"besoins_autre"\n'
        '"u1";"2024-01-01";"locaux aucun";""\n'
        '"u2";"2024-01-01";"nsp";""\n'
        '"u3";"2024-01-02";"autre locaux";"Un atelier"\n'
        '"u4";"2024-01-02";"aucun";""\n',
        encoding="utf-8",
    )
    s = read_responses(export, form)
    row = dict(zip(s.actors["actor_id"], s.actors["source_row"]))
    needs = sorted((row[a], c, t) for a, c, t in s.needs[["actor_id", "category", "text"]].values)
    # by hand: « aucun » and « ne sait pas » are answers, not needs; « autre » keeps its text
    assert needs == [(2, "locaux", pd.NA), (4, "autre", "Un atelier"), (4, "locaux", pd.NA)]


def test_long_table_from_parts_against_row_by_row():
    """`stack` fills each column part by part: the rows written one by one by hand."""
    import numpy as np

    from diagnostic.readers.long import long_part, stack

    ids = pd.array(["a", "b", "c"], dtype="string")
    parts = [
        long_part(np.array([0, 2]), "q1", np.array(["x", "y"], dtype=object), np.array([1, 0])),
        long_part(np.array([], dtype=np.intp), "q2", np.array([], dtype=object), np.array([])),
        long_part(
            np.array([1, 1, 2]), "q3", np.array(["z", 3.5], dtype=object), np.array([0, 1, 1])
        ),
    ]
    out = stack(parts, ids, ["actor_id", "question_id", "value"])
    expected = pd.DataFrame(
        {
            "actor_id": ["a", "c", "b", "b", "c"],
            "question_id": ["q1", "q1", "q3", "q3", "q3"],
            "value": ["y", "x", "z", "3.5", "3.5"],
        },
        dtype="string",
    )
    pd.testing.assert_frame_equal(out, expected)
    assert out["value"].str.upper().tolist() == ["Y", "X", "Z", "3.5", "3.5"]
    asked = stack(
        [long_part(np.array([2, 0]), "q1"), long_part(np.array([1]), "q2")],
        ids,
        ["actor_id", "question_id"],
    )
    pd.testing.assert_frame_equal(
        asked,
        pd.DataFrame(
            {"actor_id": ["c", "a", "b"], "question_id": ["q1", "q1", "q2"]}, dtype="string"
        ),
    )
    ranked = stack(
        [
            long_part(
                np.array([0, 0]),
                "r",
                np.array(["u", "v"], dtype=object),
                np.array([1, 0]),
                np.array([1, 2]),
            )
        ],
        ids,
        ["actor_id", "question_id", "value"],
    )
    assert ranked["value"].tolist() == ["v", "u"] and ranked["rank"].tolist() == [1, 2]


def test_frame_from_raw_cells_column_by_column():
    """`raw_to_frame` on cells as calamine gives them: texts by hand, codes per column."""
    from diagnostic._io.sheets import raw_to_frame

    codes: dict = {}
    frame = raw_to_frame(["a", "b", None], [["x", 1.0, ""], ["", True, "z"], ["x", 2.5]], codes)
    assert list(frame.columns) == ["a", "b", "colonne_3"]
    assert frame["a"].tolist() == ["x", pd.NA, "x"]
    assert frame["b"].tolist() == ["1", "1", "2.5"]
    assert frame["colonne_3"].tolist() == [pd.NA, "z", pd.NA]
    assert all(str(frame[c].dtype) == "string" for c in frame.columns)
    assert codes["a"][0].tolist() == [0, -1, 0] and codes["a"][1] == ["x"]
    assert codes["b"][0].tolist() == [0, 0, 1] and codes["b"][1] == ["1", "2.5"]
