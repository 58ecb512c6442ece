"""Outputs written in two processes (export.in_parallel): same results, errors raised here."""

import dataclasses
import os
import sys
import time

import pytest

import diagnostic.export as export
from diagnostic.errors import DiagnosticError
from diagnostic.export import Early, data_sheet, in_parallel, outputs
from diagnostic.export.data_sheet import LoadedData


def test_results_come_back_in_order_from_the_worker():
    here = os.getpid()
    out = in_parallel([lambda: ("first", os.getpid()), lambda: ("second", os.getpid())])
    assert [name for name, _ in out] == ["first", "second"]
    assert out[0][1] == here
    if os.cpu_count() and os.cpu_count() > 1 and sys.platform.startswith("linux"):
        assert out[1][1] != here  # the second job ran in the forked worker


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv("DIAGNOSTIC_PROCESSES", "1")
    out = in_parallel([os.getpid, os.getpid])
    assert out == [os.getpid(), os.getpid()]


def test_an_error_in_the_worker_is_raised_in_the_caller():
    def fails():
        raise DiagnosticError("fichier « x.csv » : écriture impossible.")

    with pytest.raises(DiagnosticError, match="écriture impossible"):
        in_parallel([lambda: 1, fails])


def test_a_worker_that_dies_is_told_in_french():
    with pytest.raises(DiagnosticError, match="DIAGNOSTIC_PROCESSES=1"):
        in_parallel([lambda: 1, lambda: os._exit(9)])


def _named(k):
    return lambda: (k, os.getpid())


def test_every_job_runs_once_whichever_process_is_free():
    """Jobs beyond the first two go to whichever process is free: each runs once, and the
    results come back in the jobs' order."""

    def slow():
        time.sleep(0.3)
        return ("slow", os.getpid())

    out = in_parallel([slow, _named("quick")] + [_named(k) for k in range(6)])
    assert [name for name, _ in out] == ["slow", "quick", 0, 1, 2, 3, 4, 5]
    assert out[0][1] == os.getpid()
    if os.cpu_count() and os.cpu_count() > 1 and sys.platform.startswith("linux"):
        assert out[1][1] != os.getpid()  # the second job always runs in the worker


def test_an_error_here_stops_the_worker_taking_jobs(tmp_path):
    def fails():
        time.sleep(0.2)
        raise DiagnosticError("classeur impossible")

    def mark(k):
        def job():
            time.sleep(0.1)
            (tmp_path / str(k)).touch()

        return job

    with pytest.raises(DiagnosticError, match="classeur impossible"):
        in_parallel([fails] + [mark(k) for k in range(20)])
    assert len(list(tmp_path.iterdir())) < 20  # 20 jobs of 0.1 s: not all ran


# --- outputs begun while the analyses run (export.Early, export.outputs) ---------------

needs_fork = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1),
    reason="forked workers: Linux with two cores",
)


@needs_fork
def test_an_early_job_runs_in_a_worker_while_this_process_goes_on(tmp_path):
    go = tmp_path / "go"

    def job():  # finishes only once this process has gone on and said so
        deadline = time.monotonic() + 20
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return os.getpid(), go.exists()

    early = Early(job)  # returns at once: the job waits for what follows
    assert not early.done()
    go.touch()
    assert early.result() == (early.result()[0], True)
    assert early.result()[0] != os.getpid()
    assert early.done()


@needs_fork
def test_an_early_error_is_raised_here_and_a_dead_worker_told_in_french():
    def fails():
        raise DiagnosticError("annexe impossible")

    with pytest.raises(DiagnosticError, match="annexe impossible"):
        Early(fails).result()
    with pytest.raises(DiagnosticError, match="DIAGNOSTIC_PROCESSES=1"):
        Early(lambda: os._exit(9)).result()


@needs_fork
def test_stop_ends_an_early_worker_at_once(tmp_path):
    def slow():
        time.sleep(3)
        (tmp_path / "fini").touch()

    early = Early(slow)
    start = time.perf_counter()
    early.stop()
    assert time.perf_counter() - start < 1
    time.sleep(0.2)
    assert not (tmp_path / "fini").exists()


@needs_fork
def test_two_processes_at_most_while_an_early_worker_runs(tmp_path):
    """While the early worker runs, the jobs run here; the second process is forked for
    the jobs left only once it has finished. Every job runs once, results in order."""
    flag = tmp_path / "early-done"

    def early_job():
        time.sleep(0.6)
        flag.touch()
        return "annexe"

    def job(k):
        def run():
            time.sleep(0.15)
            return k, os.getpid(), flag.exists()

        return run

    early = Early(early_job)
    out = in_parallel([job(k) for k in range(16)], after=early)
    assert [k for k, _, _ in out] == list(range(16))
    here = os.getpid()
    elsewhere = [seen for _, pid, seen in out if pid != here]
    assert elsewhere and all(elsewhere)  # a worker, forked after the early one ended
    assert early.result() == "annexe"


@needs_fork
def test_the_waiting_worker_starts_as_soon_as_the_early_one_ends(tmp_path):
    """The worker does not wait for this process to end its job: it takes the next job
    as soon as the early worker has finished (here, while job 0 still runs)."""
    flag = tmp_path / "early-done"

    def early_job():
        time.sleep(0.5)
        flag.touch()
        return "annexe"

    def job(k, seconds):
        def run():
            start = time.time()
            time.sleep(seconds)
            return k, os.getpid(), flag.exists(), start, time.time()

        return run

    early = Early(early_job)
    out = in_parallel([job(0, 2.5), job(1, 0.1), job(2, 0.1)], after=early)
    assert [k for k, *_ in out] == [0, 1, 2]
    (_, here, _, _, end0), (_, pid1, seen1, start1, _) = out[0], out[1]
    assert here == os.getpid() and pid1 != here and seen1  # after the early one, elsewhere
    assert start1 < end0 - 1  # job 0 still had a second and more to run
    assert early.result() == "annexe"


@needs_fork
def test_an_error_here_does_not_wait_for_the_early_worker(tmp_path):
    def early_job():
        time.sleep(30)

    def fails():
        raise DiagnosticError("panne")

    early = Early(early_job)
    start = time.perf_counter()
    with pytest.raises(DiagnosticError, match="panne"):
        in_parallel([fails, lambda: 1], after=early)
    assert time.perf_counter() - start < 10  # not the early worker's 30 s
    early.stop()


def _loaded(diag) -> dict:
    return {f.name: getattr(diag, f.name) for f in dataclasses.fields(LoadedData)}


def _files(folder) -> dict:
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@needs_fork
def test_the_annex_begun_early_is_the_annex_written_in_one_process(
    tmp_path, example_diag, monkeypatch
):
    """The data annex written by the early worker (the analyses still running here) and
    the workbook written without it: the same files, byte for byte for the annex, cell by
    cell for the workbook, as everything written in one process."""
    from python_calamine import CalamineWorkbook

    monkeypatch.setattr(data_sheet, "ANNEX_ABOVE", 100)
    monkeypatch.setattr(data_sheet, "ANNEX_PART", 40)
    with outputs(tmp_path / "early") as out:
        out.loaded(**_loaded(example_diag))
        assert out.early is not None  # begun in a worker
        paths = out.write(example_diag)
    assert paths["data"] == tmp_path / "early" / "diagnostic_donnees.csv"
    monkeypatch.setenv("DIAGNOSTIC_PROCESSES", "1")
    # a copy of the diagnostic: nothing computed for the first run is reused
    alone = dataclasses.replace(example_diag, responses=example_diag.responses.copy())
    with outputs(tmp_path / "one") as out:
        out.loaded(**_loaded(alone))
        assert out.early is None  # one process: written with the workbook, as ever
        out.write(alone)
    early, one = _files(tmp_path / "early"), _files(tmp_path / "one")
    assert early.keys() == one.keys() and "diagnostic_donnees.csv" in early
    assert (
        early["diagnostic_donnees.csv"].read_bytes() == one["diagnostic_donnees.csv"].read_bytes()
    )
    # every table, the largest written by a job of its own (`BIG_TABLES`)
    tables = [n for n in early if n.startswith("tables/")]
    assert len(tables) == len(export.TABLES) and "tables/clusters.csv" in tables
    for name in [*tables, "reseau/connections.csv"]:
        assert early[name].read_bytes() == one[name].read_bytes(), name
    books = [CalamineWorkbook.from_path(str(f["diagnostic.xlsx"])) for f in (early, one)]
    assert books[0].sheet_names == books[1].sheet_names
    assert not [s for s in books[0].sheet_names if s.startswith("Données")]
    for name in books[0].sheet_names:
        cells = [b.get_sheet_by_name(name).to_python() for b in books]
        assert cells[0] == cells[1], name


@needs_fork
def test_checks_left_to_the_documents_job_while_the_annex_is_written(
    tmp_path, example_diag, monkeypatch
):
    """A large survey whose annex's worker still runs when the writing begins: the method
    notes are not computed first here but by the job that writes the report and the
    workbook; the files are those written in one process."""
    from python_calamine import CalamineWorkbook

    monkeypatch.setattr(data_sheet, "ANNEX_ABOVE", 100)
    monkeypatch.setattr(export, "CHECKS_APART_ABOVE", 0)  # as large as that
    monkeypatch.setattr(Early, "done", lambda self: False)  # the annex still being written
    computed_first = []
    monkeypatch.setattr(export, "method_notes", computed_first.append)
    with outputs(tmp_path / "later") as out:
        out.loaded(**_loaded(example_diag))
        assert out.early is not None
        out.write(example_diag)
    assert computed_first == []  # left to the documents' job
    monkeypatch.undo()
    monkeypatch.setattr(data_sheet, "ANNEX_ABOVE", 100)
    monkeypatch.setenv("DIAGNOSTIC_PROCESSES", "1")
    alone = dataclasses.replace(example_diag, responses=example_diag.responses.copy())
    with outputs(tmp_path / "one") as out:
        out.write(alone)
    later, one = _files(tmp_path / "later"), _files(tmp_path / "one")
    assert later.keys() == one.keys()
    for name in ("tables/issue_ranking.csv", "reseau/connections.csv", "fiches_projets.html"):
        assert later[name].read_bytes() == one[name].read_bytes(), name
    books = [CalamineWorkbook.from_path(str(f["diagnostic.xlsx"])) for f in (later, one)]
    assert books[0].sheet_names == books[1].sheet_names
    for name in books[0].sheet_names:
        cells = [b.get_sheet_by_name(name).to_python() for b in books]
        assert cells[0] == cells[1], name
    notes = [n for n in method_notes_of(alone) if "«" not in n][:2]
    report = later["diagnostic.html"].read_text(encoding="utf-8")
    assert notes and all(n.split(" ")[0] in report for n in notes)


def test_tables_written_by_name_only_those(tmp_path, example_diag):
    written = export.to_tables(example_diag, tmp_path, names=("opportunities", "clusters"))
    assert [p.name for p in written] == ["opportunities.csv", "clusters.csv"]  # TABLES' order
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clusters.csv", "opportunities.csv"]


def method_notes_of(diag) -> list:
    from diagnostic.export.workbook import method_notes
    from diagnostic.privacy.disclosure import disclosed

    return method_notes(disclosed(diag, "funder"))


def test_a_small_survey_begins_nothing_early(tmp_path, example_diag):
    with outputs(tmp_path) as out:
        out.loaded(**_loaded(example_diag))  # 148 actors: its Données sheet, no annex
        assert out.early is None
        paths = out.write(example_diag)
    assert "data" not in paths and not (tmp_path / "diagnostic_donnees.csv").exists()


@needs_fork
@pytest.mark.parametrize("worker", ["write_annex", "_network"])
def test_a_failing_worker_publishes_nothing(tmp_path, example_diag, monkeypatch, worker):
    """The annex begun with the loaded answers, or the network begun with the pairs,
    fails: its error is raised here and nothing is published."""
    (tmp_path / "diagnostic.html").write_text("avant", encoding="utf-8")
    monkeypatch.setattr(data_sheet, "ANNEX_ABOVE", 100)

    def fails(*args, **kwargs):
        raise DiagnosticError("écriture impossible")

    monkeypatch.setattr(export, worker, fails)
    with pytest.raises(DiagnosticError, match="écriture impossible"):
        with outputs(tmp_path) as out:
            out.loaded(**_loaded(example_diag))
            out.matched(**_matched(example_diag))
            out.write(example_diag)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diagnostic.html"]
    assert (tmp_path / "diagnostic.html").read_text(encoding="utf-8") == "avant"


@needs_fork
def test_an_error_in_the_analyses_stops_the_early_worker(tmp_path, example_diag, monkeypatch):
    monkeypatch.setattr(data_sheet, "ANNEX_ABOVE", 100)
    monkeypatch.setattr(export, "EARLY_CELLS", 1)  # one actor a part: still writing
    with pytest.raises(DiagnosticError, match="analyse impossible"):
        with outputs(tmp_path) as out:
            out.loaded(**_loaded(example_diag))
            raise DiagnosticError("analyse impossible")
    assert not out.early._process.is_alive()
    assert list(tmp_path.iterdir()) == []


@needs_fork
def test_ranking_checks_made_in_a_worker_are_those_made_here(example_diag):
    """The costly part of the method notes, computed in a worker while this process makes
    the public view, comes back equal to the analyses' own functions called here."""
    from diagnostic.analysis import contrasts
    from diagnostic.analysis.issues import issue_cells, non_answers, top_stability
    from diagnostic.export.workbook import STABILITY_RESAMPLES, ranking_checks

    qualifying, stability, left_out = Early(lambda: ranking_checks(example_diag)).result()
    st = example_diag.settings
    _issues, kinds, _n, _s, actors = issue_cells(example_diag.responses)
    assert qualifying == [k for k, q in zip(kinds, contrasts.qualifying(actors, st)) if q]
    assert len(qualifying) >= 2
    expected = top_stability(example_diag.responses, st, resamples=STABILITY_RESAMPLES)
    assert stability.equals(expected) and len(stability) == 5
    answers, questions, choices = (
        example_diag.answers,
        example_diag.questions,
        example_diag.choices,
    )
    assert left_out == non_answers(answers, questions, choices)


@needs_fork
def test_an_early_worker_may_yield_to_this_process():
    here = os.nice(0)
    assert Early(lambda: os.nice(0), nice=5).result() == min(19, here + 5)
    assert Early(lambda: os.nice(0)).result() == here
    assert os.nice(0) == here  # this process keeps its priority


def _matched(diag) -> dict:
    return {f.name: getattr(diag, f.name) for f in dataclasses.fields(export.MatchedData)}


@needs_fork
def test_an_early_job_may_tell_a_value_before_it_ends(tmp_path):
    """`tells`: the job tells this process a value and goes on; `told` returns it while the
    job still runs, `result` its end. A value larger than a pipe holds does not hold the
    job back until it is read."""
    go = tmp_path / "go"
    big = "x" * 1_000_000

    def job(tell):
        tell(big)
        (tmp_path / "told").touch()
        deadline = time.monotonic() + 20
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return "fin"

    early = Early(job, tells=True)
    deadline = time.monotonic() + 20
    while not (tmp_path / "told").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / "told").exists()  # the job went on before the value was read
    assert early.told() == big
    go.touch()
    assert early.result() == "fin" and early.told() == big


@needs_fork
def test_a_job_failing_before_it_tells_is_raised_by_told():
    def fails(tell):
        raise DiagnosticError("réseau impossible")

    with pytest.raises(DiagnosticError, match="réseau impossible"):
        Early(fails, tells=True).told()
    with pytest.raises(DiagnosticError, match="rien transmis"):
        Early(lambda tell: "fin", tells=True).told()
    with pytest.raises(DiagnosticError, match="DIAGNOSTIC_PROCESSES=1"):
        Early(lambda tell: os._exit(9), tells=True).told()


@needs_fork
@pytest.mark.parametrize("audience", ["funder", "collective", "consultant"])
def test_the_network_begun_with_the_pairs_is_the_network_written_in_one_process(
    tmp_path, example_diag, monkeypatch, audience
):
    """Once the pairs are final (`Outputs.matched`), the network is written by a worker
    while the analyses go on: its files are in the staging folder before `write` is
    called, and every output (the network, the tables with the public view's pairs told
    back by that worker, the workbook) is the one written in one process."""
    from python_calamine import CalamineWorkbook

    with outputs(tmp_path / "ahead", audience) as out:
        out.matched(**_matched(example_diag))
        assert out.ahead is not None
        out.ahead.result()  # done before the writing begins
        assert (out.stage / "reseau" / "cooperation.gexf").exists()
        paths = out.write(example_diag)
    assert paths["gexf"] == tmp_path / "ahead" / "reseau" / "cooperation.gexf"
    monkeypatch.setenv("DIAGNOSTIC_PROCESSES", "1")
    # a copy of the diagnostic: nothing computed for the first run is reused
    alone = dataclasses.replace(example_diag, opportunities=example_diag.opportunities.copy())
    with outputs(tmp_path / "one", audience) as out:
        out.matched(**_matched(alone))
        assert out.ahead is None  # one process: written with the rest, as ever
        out.write(alone)
    ahead, one = _files(tmp_path / "ahead"), _files(tmp_path / "one")
    assert ahead.keys() == one.keys()
    for name in ahead:
        if name.endswith((".csv", ".gexf")):
            assert ahead[name].read_bytes() == one[name].read_bytes(), name
    books = [CalamineWorkbook.from_path(str(f["diagnostic.xlsx"])) for f in (ahead, one)]
    for name in books[0].sheet_names:
        cells = [b.get_sheet_by_name(name).to_python() for b in books]
        assert cells[0] == cells[1], name


def test_the_public_pairs_told_back_are_taken_for_these_tables_only(example_diag):
    """The public view takes the pairs computed by the network's worker only for a
    diagnostic holding the very tables they were computed from."""
    from diagnostic.privacy.disclosure import public_opportunities, remember_public_opportunities

    marker = example_diag.opportunities.head(1)
    remember_public_opportunities(example_diag, marker)
    try:
        assert public_opportunities(example_diag) is marker
        other = dataclasses.replace(example_diag, opportunities=example_diag.opportunities.copy())
        assert len(public_opportunities(other)) > 1  # computed
    finally:  # kept for another diagnostic: forgotten for this one
        remember_public_opportunities(
            dataclasses.replace(example_diag, opportunities=marker), marker
        )


@needs_fork
def test_an_error_in_the_analyses_stops_the_network_worker(tmp_path, example_diag, monkeypatch):
    def slow(*args, **kwargs):
        time.sleep(30)

    monkeypatch.setattr(export, "_network", slow)
    start = time.perf_counter()
    with pytest.raises(DiagnosticError, match="analyse impossible"):
        with outputs(tmp_path) as out:
            out.matched(**_matched(example_diag))
            raise DiagnosticError("analyse impossible")
    assert time.perf_counter() - start < 10
    assert not out.ahead._process.is_alive()
    assert list(tmp_path.iterdir()) == []


def test_a_large_survey_writes_its_network_with_the_rest(tmp_path, example_diag, monkeypatch):
    """Above `NETWORK_AHEAD_MAX_ACTORS`, nothing begins with the pairs (the annex's worker
    still holds the second core then)."""
    monkeypatch.setattr(export, "NETWORK_AHEAD_MAX_ACTORS", 10)
    with outputs(tmp_path) as out:
        out.matched(**_matched(example_diag))
        assert out.ahead is None


@needs_fork
def test_garbage_is_collected_before_forking_a_large_process_only(monkeypatch):
    """Before a fork, a large process collects its garbage and gives freed memory back
    (its pages not shared then copied); a small one does not pay for it (issue 20)."""
    import gc

    collected = []
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(1) or 0)
    monkeypatch.setattr(export, "GIVE_BACK_ABOVE", 10**15)  # this process: small
    assert Early(lambda: 1).result() == 1 and collected == []
    monkeypatch.setattr(export, "GIVE_BACK_ABOVE", 0)  # this process: large
    assert Early(lambda: 2).result() == 2 and collected == [1]
