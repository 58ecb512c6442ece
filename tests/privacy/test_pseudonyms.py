"""Actor ids keyed by a per-project secret (privacy/pseudonyms.py)."""

import hashlib
import hmac
import os
import stat

import pytest

import diagnostic
from diagnostic.errors import DiagnosticError
from diagnostic.privacy.pseudonyms import SECRET_FILE, actor_pseudonym, keyed, project_secret
from diagnostic.project.run import read_surveys


def _hmac_id(secret: bytes, survey: str, key: str) -> str:
    digest = hmac.new(secret, survey.encode() + b"\x1f" + key.encode(), hashlib.sha256)
    return "A-" + digest.hexdigest()[:16]


def test_secret_created_once_private_with_a_french_note(tmp_path):
    first = project_secret(tmp_path)
    path = tmp_path / SECRET_FILE
    assert len(first) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "Ne la publiez pas" in path.read_text(encoding="utf-8")
    assert project_secret(tmp_path) == first  # read back, not drawn again
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_FILE]  # no temporary file left


def test_two_projects_draw_different_secrets(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert project_secret(tmp_path / "a") != project_secret(tmp_path / "b")


def test_a_secret_file_without_key_is_a_french_error(tmp_path):
    (tmp_path / SECRET_FILE).write_text("# vidé par erreur\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match=r"\.diagnostic-secret.*ne contient pas de clé"):
        project_secret(tmp_path)


def test_ids_follow_the_hmac_rule_and_depend_on_secret_and_survey():
    secret = bytes(range(32))
    assert actor_pseudonym("uuid-1", secret, "acteurs") == _hmac_id(secret, "acteurs", "uuid-1")
    assert actor_pseudonym("uuid-1", secret, "acteurs") != actor_pseudonym(
        "uuid-1", secret, "communes"
    )
    assert actor_pseudonym("uuid-1", secret, "acteurs") != actor_pseudonym(
        "uuid-1", b"autre", "acteurs"
    )
    with keyed(secret, "acteurs"):
        assert actor_pseudonym("uuid-1") == _hmac_id(secret, "acteurs", "uuid-1")
    # outside a project, the session's own key: not the unkeyed digest of old
    plain = "A-" + hashlib.sha256(b"uuid-1").hexdigest()[:16]
    assert actor_pseudonym("uuid-1") not in (plain, _hmac_id(secret, "acteurs", "uuid-1"))


def _two_blocks(tmp_path, shared) -> diagnostic.Project:
    folder = shared / "surveys" / "limesurvey_rse_nl_2017"
    geo = diagnostic.example_project().parent / "geo"
    block = f"""
[[survey]]
responses = "{(folder / "public_data.csv").as_posix()}"
form = "{(folder / "questions_to_import.txt").as_posix()}"
"""
    path = tmp_path / "diagnostic.toml"
    path.write_text(
        f"""language = "en"
territory = ["200036069"]
{block}{block}
[geography]
communes = "{(geo / "communes.json").as_posix()}"
epci = "{(geo / "epci.json").as_posix()}"
""",
        encoding="utf-8",
    )
    return diagnostic.read_project(path)


def test_the_same_export_twice_gives_twice_the_actors_all_distinct(tmp_path, shared):
    project = _two_blocks(tmp_path, shared)
    surveys = read_surveys(project)
    assert [len(s.actors) for s in surveys] == [77, 77]
    diag = diagnostic.run_diagnostic(project, surveys)
    assert len(diag.actors) == 154
    assert diag.actors["actor_id"].nunique() == 154
    assert diag.answers["actor_id"].nunique() == 154
    assert diag.actors["actor_id"].str.fullmatch(r"A-[0-9a-f]{16}").all()
    # the export has no response id: each id is the HMAC of the survey's distinct name
    # and file#row, the same in both blocks
    secret = project_secret(tmp_path)
    first, second = (s.actors.iloc[0] for s in surveys)
    assert first["source_row"] == second["source_row"] == 2
    assert first["actor_id"] == _hmac_id(secret, "public_data", "public_data.csv#2")
    assert second["actor_id"] == _hmac_id(secret, "public_data (2)", "public_data.csv#2")


def test_ids_are_stable_across_runs_and_the_secret_never_exported(tmp_path, shared):
    project = _two_blocks(tmp_path, shared)
    ids = [s.actors["actor_id"].tolist() for s in read_surveys(project)]
    assert [s.actors["actor_id"].tolist() for s in read_surveys(project)] == ids
    out = tmp_path / "out"
    diagnostic.write_outputs(diagnostic.run_diagnostic(project), out)
    secret = project_secret(tmp_path).hex()
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET_FILE not in path.name
            assert secret.encode() not in path.read_bytes(), path


def test_funder_actor_table_has_no_source_row(demo_out):
    header = (demo_out / "tables" / "actors.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == [
        "actor_id",
        "actor_type",
        "commune_code",
        "epci_code",
        "cooperation",
        "source_file",
    ]
