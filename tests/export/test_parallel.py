"""Outputs written in two processes (export.in_parallel): same results, errors raised here."""

import os
import sys

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
