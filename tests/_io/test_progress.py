"""Progress on long work: bars drawn on request (or on a terminal) once work lasts."""

import diagnostic
from diagnostic._io import progress


def test_silent_by_default_when_the_output_is_not_a_terminal(capsys, monkeypatch, shared):
    monkeypatch.delenv("DIAGNOSTIC_PROGRESS", raising=False)
    monkeypatch.setattr(progress, "DELAY", 0)
    monkeypatch.setattr(progress, "INTERVAL", 0)
    folder = shared / "surveys" / "kobo_kobocruncher_sample"
    diagnostic.read_responses(folder / "data.xlsx")
    assert capsys.readouterr().err == ""


def test_reading_a_survey_shows_its_questions(capsys, monkeypatch, shared):
    monkeypatch.setenv("DIAGNOSTIC_PROGRESS", "1")
    monkeypatch.setattr(progress, "DELAY", 0)
    monkeypatch.setattr(progress, "INTERVAL", 0)
    folder = shared / "surveys" / "kobo_kobocruncher_sample"
    survey = diagnostic.read_responses(folder / "data.xlsx")
    err = capsys.readouterr().err
    assert "Lecture de data.xlsx" in err
    # the bar reaches every question read from a single column
    total = err.rsplit("Lecture de data.xlsx", 1)[1]
    assert " question" in total and "100%" in err
    assert len(survey.actors) == 5


def test_run_and_workbook_show_their_stages(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DIAGNOSTIC_PROGRESS", "1")
    monkeypatch.setattr(progress, "DELAY", 0)
    monkeypatch.setattr(progress, "INTERVAL", 0)
    diag = diagnostic.run_diagnostic(diagnostic.read_project(diagnostic.example_project()))
    diagnostic.to_workbook(diag, tmp_path / "classeur.xlsx")
    err = capsys.readouterr().err
    lines = err.replace("\r", "\n").splitlines()
    last = {
        name: [x for x in lines if x.startswith(name + ":")][-1]
        for name in ("Diagnostic", "Classeur", "Classeur, feuille Données")
    }
    # the rate reads « étape/s », or « s/ étape » when a stage takes over a second (loaded machine)
    assert "6/6 [" in last["Diagnostic"]
    assert "étape/s" in last["Diagnostic"] or "s/ étape" in last["Diagnostic"]
    # fifteen sheet writers (regard croisé and workshop now in the example; paroles), the
    # summary apart
    assert "15/15 [" in last["Classeur"] and "Anomalies" in last["Classeur"]
    # 148 respondents less the example's 4 financeurs, a type under min_group_size withheld
    assert "144/144 [" in last["Classeur, feuille Données"]


def test_hidden_on_request(capsys, monkeypatch):
    monkeypatch.setenv("DIAGNOSTIC_PROGRESS", "0")
    monkeypatch.setattr(progress, "DELAY", 0)
    monkeypatch.setattr(progress, "INTERVAL", 0)
    with progress.bar(total=2, description="Essai") as b:
        b.update(2)
    assert capsys.readouterr().err == ""
