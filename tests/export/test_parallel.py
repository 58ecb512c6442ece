"""Outputs written in two processes (export.in_parallel): same results, errors raised here."""

import os
import sys
import time

import pytest

from diagnostic.errors import DiagnosticError
from diagnostic.export import in_parallel


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
