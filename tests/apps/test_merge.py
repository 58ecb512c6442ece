"""Decisions saved by several visitors at once: merged row by row under a lock, refused when
the same row changed; participants' pages read-only. No browser: the app objects themselves."""

import hashlib
import html
import threading

import pandas as pd
import pytest

from diagnostic._io.atomic import file_locked
from diagnostic.analysis.statuses import read_statuses
from diagnostic.apps.base import FACILITATOR_ENV, READ_ONLY, may_edit
from diagnostic.apps.collective import collective_app, projects_app
from diagnostic.apps.merge import SaveConflict, merge_rows, save_rows
from diagnostic.apps.review import cooperation_app, roles_app
from diagnostic.errors import DiagnosticError

KEYS, COLS = ["id"], ["status", "carrier"]


@pytest.fixture(scope="module")
def undecided(tmp_path_factory):
    """The example before its workshop: no status and no project decided yet."""
    from conftest import bare_example

    import diagnostic

    toml = bare_example(tmp_path_factory.mktemp("bare") / "projet")
    return diagnostic.run_diagnostic(diagnostic.read_project(toml))


def table(*rows):
    return pd.DataFrame(rows, columns=["id", "status", "carrier"])


LOADED = table(("p1", "à valider", None), ("p2", "à valider", None), ("p3", "validé", "Mairie"))


def test_rows_changed_by_different_visitors_are_merged():
    mine = table(("p1", "validé", "Ferme"), ("p2", "à valider", None), ("p3", "validé", "Mairie"))
    theirs = table(("p1", "à valider", None), ("p2", "écarté", None), ("p3", "validé", "Mairie"))
    merge = merge_rows(LOADED, mine, theirs, KEYS, COLS)
    assert merge.table.values.tolist() == [
        ["p1", "validé", "Ferme"],  # mine: nobody else touched it
        ["p2", "écarté", None],  # theirs: I did not touch it, it is not reverted
        ["p3", "validé", "Mairie"],
    ]
    assert merge.conflicts.empty and merge.changed == 1


def test_the_same_row_changed_to_other_values_is_a_conflict():
    mine = table(("p1", "validé", None), ("p2", "à valider", None), ("p3", "validé", "Mairie"))
    theirs = table(("p1", "écarté", None), ("p2", "à valider", None), ("p3", "en cours", "EPCI"))
    merge = merge_rows(LOADED, mine, theirs, KEYS, COLS)
    assert merge.conflicts.values.tolist() == [
        ["p1", "à valider", None, "validé", None, "écarté", None]
    ]
    assert list(merge.conflicts.columns) == [
        "id",
        "status_loaded",
        "carrier_loaded",
        "status_mine",
        "carrier_mine",
        "status_theirs",
        "carrier_theirs",
    ]
    # p3 changed by somebody else only: theirs, whole row (status and carrier)
    assert merge.table.values.tolist()[2] == ["p3", "en cours", "EPCI"]


def test_the_same_change_by_two_visitors_is_no_conflict_and_new_rows_are_kept():
    mine = table(("p1", "validé", None), ("p2", "à valider", None), ("p4", "écarté", None))
    theirs = table(
        ("p1", "validé", None),
        ("p2", "à valider", None),
        ("p3", "validé", "Mairie"),
        ("p5", "x", None),
    )
    merge = merge_rows(LOADED, mine, theirs, KEYS, COLS)
    assert merge.conflicts.empty
    # mine's order, then what only the disk holds; p3 is missing from mine: theirs kept
    assert merge.table["id"].tolist() == ["p1", "p2", "p4", "p3", "p5"]
    assert merge.table["status"].tolist() == ["validé", "à valider", "écarté", "validé", "x"]


def test_save_rows_writes_the_merge_or_nothing(tmp_path):
    path = tmp_path / "decisions.csv"
    LOADED.to_csv(path, index=False)

    def read(p):
        return pd.read_csv(p, dtype=str)

    def write(frame, p):
        frame.to_csv(p, index=False)

    other = table(("p1", "à valider", None), ("p2", "écarté", None), ("p3", "validé", "Mairie"))
    save_rows(path, LOADED, other, keys=KEYS, columns=COLS, read=read, write=write)
    mine = table(("p1", "validé", None), ("p2", "à valider", None), ("p3", "validé", "Mairie"))
    merge = save_rows(path, LOADED, mine, keys=KEYS, columns=COLS, read=read, write=write)
    assert read(path)["status"].tolist() == ["validé", "écarté", "validé"]
    assert merge.changed == 1
    before = path.read_bytes()
    clash = table(("p1", "à valider", None), ("p2", "en cours", None), ("p3", "validé", "Mairie"))
    with pytest.raises(SaveConflict, match="rien n'a été enregistré.*p2"):
        save_rows(path, LOADED, clash, keys=KEYS, columns=COLS, read=read, write=write)
    assert path.read_bytes() == before


def test_a_held_lock_makes_the_other_save_wait_then_refuse_in_french(tmp_path):
    path = tmp_path / "statuts.csv"
    held, release = threading.Event(), threading.Event()

    def hold():
        with file_locked(path):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(DiagnosticError, match="une autre personne l'enregistre"):
            with file_locked(path, timeout=0.3):
                pass
    finally:
        release.set()
        thread.join()
    with file_locked(path, timeout=1):  # free again
        pass
    assert list(tmp_path.iterdir()) == []  # no lock file beside the data


def _status(path, category, actors):
    t = read_statuses(path)
    return t.loc[(t["category"] == category) & (t["actors"] == actors), "status"].item()


def test_two_visitors_of_the_cooperation_view_save_different_rows(undecided, tmp_path):
    path = tmp_path / "statuts.csv"
    a, b = cooperation_app(undecided, path), cooperation_app(undecided, path)
    first, second = a.shown().iloc[0], a.shown().iloc[1]
    a.statuses[0].value = "validé"
    b.statuses[1].value = "écarté"
    a.save_button.click()
    b.save_button.click()
    assert "statuts décidés" in b.message.value
    assert _status(path, first["category"], first["actors"]) == "validé"
    assert _status(path, second["category"], second["actors"]) == "écarté"
    assert read_statuses(path)["status"].value_counts().to_dict() == {
        "à valider": len(undecided.opportunities) - 2,
        "validé": 1,
        "écarté": 1,
    }
    # b's page now shows a's decision too; a saving again keeps b's
    assert b.statuses[0].value == "validé"
    a.save()
    assert _status(path, second["category"], second["actors"]) == "écarté"
    assert a.errors.outputs == () and b.errors.outputs == ()


def test_the_same_row_saved_by_two_visitors_is_refused_then_kept_on_purpose(example_diag, tmp_path):
    path = tmp_path / "statuts.csv"
    a, b = cooperation_app(example_diag, path), cooperation_app(example_diag, path)
    row = a.shown().iloc[0]
    a.statuses[0].value = "validé"
    a.save()
    before = path.read_bytes()
    b.statuses[0].value = "écarté"
    b.statuses[2].value = "validé"
    b.save_button.click()
    assert path.read_bytes() == before  # nothing written, not even b's other row
    message = html.unescape(b.message.value)
    assert "Enregistrement refusé" in message and "rien n'a été enregistré" in message
    assert "1 ligne que vous avez modifiée a été modifiée par quelqu'un d'autre" in message
    assert "« validé » (ici : « écarté »)" in message
    assert row["actors"] in message
    assert b.statuses[0].value == "écarté"  # b's choice still shown, not lost
    b.save_button.click()  # pressed again, knowing
    assert _status(path, row["category"], row["actors"]) == "écarté"
    third = b.shown().iloc[2]
    assert _status(path, third["category"], third["actors"]) == "validé"
    assert b.errors.outputs == ()


def test_a_participant_sees_the_statuses_but_cannot_save(example_diag, tmp_path):
    path = tmp_path / "statuts.csv"
    coop = cooperation_app(example_diag, path, editable=False)
    assert coop.save_button.disabled and all(t.disabled for t in coop.statuses)
    assert "Lecture seule" in coop.message.value
    coop.opportunities = coop.opportunities.assign(status="validé")  # a forged change
    with pytest.raises(DiagnosticError, match=READ_ONLY):
        coop.save()
    assert not path.exists()
    roles = roles_app(example_diag.questions, tmp_path / "roles.csv", editable=False)
    with pytest.raises(DiagnosticError, match="Lecture seule"):
        roles.save()
    assert not (tmp_path / "roles.csv").exists()


def test_only_the_facilitators_secret_opens_the_edit_rights():
    digest = hashlib.sha256(b"s3cret-animation").hexdigest()
    served = {FACILITATOR_ENV: digest}
    assert may_edit({}) is True  # make app, notebooks: one user
    assert may_edit({**served, "QUERY_STRING": "token=abc"}) is False
    assert may_edit({**served, "QUERY_STRING": ""}) is False
    assert may_edit({**served, "QUERY_STRING": "token=abc&animation=wrong"}) is False
    assert may_edit({**served, "QUERY_STRING": "token=abc&animation=s3cret-animation"}) is True
    assert may_edit({**served, "QUERY_STRING": "animation="}) is False


def test_a_participant_of_the_workshop_room_cannot_save_the_coding_either(
    example_diag, tmp_path, monkeypatch
):
    from diagnostic.apps.paroles import CodingApp

    # as `diagnostic atelier` serves it: the secret's digest set, the page's address without it
    monkeypatch.setenv(FACILITATOR_ENV, hashlib.sha256(b"le-secret").hexdigest())
    monkeypatch.setenv("QUERY_STRING", "token=jeton-de-la-salle")
    codes, quotes = tmp_path / "codage.csv", tmp_path / "citations.csv"
    app = CodingApp(example_diag.text_answers, {}, codes_file=codes, quotes_file=quotes)
    assert app.editable is False and app.save_button.disabled
    with pytest.raises(DiagnosticError, match="Lecture seule"):
        app.save()
    assert not codes.exists() and not quotes.exists()
    monkeypatch.setenv("QUERY_STRING", "token=jeton-de-la-salle&animation=le-secret")
    facilitator = CodingApp(example_diag.text_answers, {}, codes_file=codes, quotes_file=quotes)
    facilitator.save()
    assert codes.exists() and quotes.exists()


def _decisions(path):
    return pd.read_csv(path, dtype=str).set_index("project_id")


def test_two_visitors_deciding_projects_are_merged_and_the_same_project_refused(
    undecided, tmp_path
):
    path = tmp_path / "decisions.csv"
    a, b = projects_app(undecided, path), projects_app(undecided, path)
    first, second, third = a.projects["project_id"].iloc[:3]
    a.status[first].value = "validé"
    a.carrier[first].value = "Mairie de Mortagne"
    b.status[second].value = "écarté"
    a.save_button.click()
    b.save_button.click()
    assert "Enregistrement refusé" not in b.message.value
    saved = _decisions(path)
    assert saved.loc[first, "status"] == "validé"
    assert saved.loc[first, "carrier"] == "Mairie de Mortagne"  # a's, kept by b's save
    assert saved.loc[second, "status"] == "écarté"
    assert len(saved) == len(undecided.cooperation_projects)
    # the same project decided otherwise by both: b's save refused, nothing written
    a.status[third].value = "en cours"
    a.save()
    before = path.read_bytes()
    b.status[third].value = "écarté"
    b.save_button.click()
    message = html.unescape(b.message.value)
    assert "Enregistrement refusé" in message and "« en cours » (ici : « écarté »)" in message
    title = b.projects.set_index("project_id").loc[third, "title"]
    assert f"« {title} »" in message
    assert path.read_bytes() == before
    b.save_button.click()  # again, knowing: b's decision kept
    assert _decisions(path).loc[third, "status"] == "écarté"
    assert _decisions(path).loc[first, "carrier"] == "Mairie de Mortagne"
    assert a.errors.outputs == () and b.errors.outputs == ()


def test_a_participant_sees_the_projects_but_cannot_decide(example_diag, tmp_path):
    path = tmp_path / "decisions.csv"
    app = collective_app(example_diag, path, editable=False).projects
    assert app.save_button.disabled and "Lecture seule" in app.message.value
    assert all(d.disabled for d in app.status.values())
    assert all(t.disabled for t in app.carrier.values())
    app.projects = app.projects.assign(status="validé")  # a forged change
    with pytest.raises(DiagnosticError, match="Lecture seule"):
        app.save()
    assert not path.exists()
