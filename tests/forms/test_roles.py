import pandas as pd
import pytest

from diagnostic import DiagnosticError
from diagnostic.analysis.statuses import apply_statuses, read_statuses, write_statuses
from diagnostic.forms.roles import questions_without_role, read_roles, with_roles, write_roles

QUESTIONS = pd.DataFrame(
    {
        "question_id": ["q1", "q2", "q3"],
        "label": ["A", "B", "C"],
        "role": ["actor_type", pd.NA, ""],
        "theme": [pd.NA, pd.NA, "x"],
    }
).astype("string")


def test_questions_without_role_are_listed():
    assert questions_without_role(QUESTIONS)["question_id"].tolist() == ["q2", "q3"]


def test_roles_round_trip_and_apply(tmp_path):
    roles = pd.DataFrame(
        {"question_id": ["q2", "q3"], "role": ["need", "offer"], "theme": ["Économie", pd.NA]}
    )
    path = write_roles(roles, tmp_path / "roles.csv")
    back = read_roles(path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "question_id,role,theme"
    out = with_roles(QUESTIONS, back)
    assert out["role"].tolist() == ["actor_type", "need", "offer"]
    assert out["theme"].tolist()[1:] == ["Économie", "x"]


def test_an_unknown_role_is_refused(tmp_path):
    roles = pd.DataFrame({"question_id": ["q2"], "role": ["besoin"], "theme": [pd.NA]})
    with pytest.raises(DiagnosticError, match="rôle inconnu « besoin »"):
        write_roles(roles, tmp_path / "roles.csv")
    assert not (tmp_path / "roles.csv").exists()


def test_statuses_round_trip(tmp_path, example_diag):
    opp = example_diag.opportunities.copy()
    opp.loc[0, "status"] = "validé"
    opp.loc[3, "status"] = "écarté"
    back = apply_statuses(
        example_diag.opportunities, read_statuses(write_statuses(opp, tmp_path / "statuts.csv"))
    )
    pd.testing.assert_frame_equal(back, opp)


def test_an_unknown_status_is_refused(tmp_path, example_diag):
    opp = example_diag.opportunities.copy()
    opp.loc[0, "status"] = "peut-être"
    with pytest.raises(DiagnosticError, match="statut inconnu"):
        write_statuses(opp, tmp_path / "statuts.csv")
