"""The benchmark code (bench/run.py) on size S: the figures it gathers and the report it writes.

No timing is asserted (the machine is shared): only that every figure is there and positive,
and that the report has the rows and columns RESULTS.md is read for.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[2] / "bench"
TIMING_KEYS = {"min", "median", "max", "runs"}


@pytest.fixture(scope="module")
def bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path[:] = [p for p in sys.path if p != str(BENCH)]


@pytest.fixture(scope="module")
def results_s(bench_run, tmp_path_factory):
    return bench_run.run(sizes=("S",), repeats=2, folder=tmp_path_factory.mktemp("bench"))


def _check_timing(t: dict, runs: int) -> None:
    assert set(t) == TIMING_KEYS
    assert t["runs"] == runs
    assert 0 < t["min"] <= t["median"] <= t["max"]


def test_run_on_s_generates_the_inputs_and_measures_every_stage(results_s):
    assert set(results_s) >= {
        "machine",
        "date",
        "whole",
        "startup",
        "loading",
        "diagnostic",
        "memory",
        "sizes",
    }
    assert results_s["sizes"] == {"S": (150, 60)}
    _check_timing(results_s["loading"]["ours"], 2)
    _check_timing(results_s["loading"]["calamine"], 2)
    _check_timing(results_s["loading"]["pandas_openpyxl"], 1)
    assert list(results_s["diagnostic"]) == ["S"]
    _check_timing(results_s["diagnostic"]["S"], 2)
    _check_timing(results_s["national"], 2)  # with the generated national indicator file
    # peak resident memory of whole processes: the run holds more than the bare parse
    assert results_s["memory"]["peak_bytes"] > results_s["memory"]["parse_bytes"] > 0


def test_whole_runs_are_measured_against_interleaved_bare_parses(results_s):
    w = results_s["whole"]["S"]
    for key in ("wall", "cpu", "rss", "tree_rss", "tree_pss"):
        _check_timing(w["run"][key], 2)
        _check_timing(w["parse"][key], 3)  # one before each run, one after the last
    # a run reads the export then analyses and writes: longer than a bare parse. Its memory
    # ratio is measured, not judged here: on the tiny S export both processes are mostly the
    # interpreter and pandas, and the sampled peaks came out equal on a fresh clone (1.0)
    assert w["wall_ratio"]["min"] > 1
    assert 0 < w["rss_ratio"]["min"] <= w["rss_ratio"]["max"] < 100
    assert w["run"]["tree_rss"]["min"] >= w["run"]["rss"]["min"]
    for command in ("--help", "inspect"):
        _check_timing(results_s["startup"][command], 5)


def test_report_on_s_has_the_expected_rows(bench_run, results_s):
    text = bench_run.report(results_s)
    lines = text.splitlines()
    assert lines[0] == "# Benchmarks"
    assert "| mesure | valeur | référence | rapport | cible |" in lines
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| ")}
    assert set(rows) >= {
        "chargement (lecture, typage, anomalies)",
        "chargement vs pandas + openpyxl",
        "diagnostic complet S",
        "diagnostic complet S + indicateurs nationaux (35 000 communes × 100 indicateurs)",
        "pic de mémoire résidente de `diagnostic run` (avec indicateurs nationaux, "
        "processus entier)",
        "S",
        "`diagnostic --help`",
        "`diagnostic inspect`",
    }
    assert lines.index("## Ce que l'utilisateur attend : `diagnostic run`, processus entiers") < (
        lines.index("## Étapes")
    )
    assert "croissance M → L (10× acteurs)" not in rows  # needs M and L
    assert "S = 150 acteurs × 60 colonnes" in text
    assert (
        "< 0,5 s" in rows["diagnostic complet S"]
        and "≤ 1,5×" in rows["chargement (lecture, typage, anomalies)"]
    )
    # every figure printed is a positive number
    for label in ("chargement (lecture, typage, anomalies)", "diagnostic complet S"):
        seconds = float(rows[label].split(" | ")[1].split(" s")[0])
        assert seconds > 0
    memory = next(v for k, v in rows.items() if k.startswith("pic de mémoire résidente"))
    assert float(memory.split(" | ")[3].rstrip("×")) > 1
    wall_ratio = float(rows["S"].split(" | ")[8].split("×")[0])
    assert wall_ratio > 1


def test_report_adds_the_growth_row_when_m_and_l_are_measured(bench_run, results_s):
    def timing(median):
        return {"min": median, "median": median, "max": median, "runs": 2}

    results = {
        **results_s,
        "diagnostic": {"S": timing(0.2), "M": timing(0.5), "L": timing(6.0)},
        "sizes": {"S": (150, 60), "M": (5_000, 120), "L": (50_000, 250)},
    }
    text = bench_run.report(results)
    assert "| croissance M → L (10× acteurs) | | | 12.0× | ≤ 15× |" in text
    assert "| diagnostic complet L | 6.00 s (min 6.00, max 6.00, 2 runs) | | | < 10 s |" in text
    assert "L = 50 000 acteurs × 250 colonnes" in text


def test_main_writes_the_report_where_asked(bench_run, results_s, tmp_path, monkeypatch):
    hooks = {}

    def fake_run(sizes, repeats, folder, explorer=None, export=None, **options):
        hooks.update(explorer=explorer, export=export, sizes=sizes, **options)
        return results_s

    monkeypatch.setattr(bench_run, "run", fake_run)
    out = tmp_path / "RESULTS.md"
    assert (
        bench_run.main(
            ["--sizes", "S", "--repeats", "1", "--data", str(tmp_path), "--out", str(out)]
        )
        == 0
    )
    assert out.read_text(encoding="utf-8") == bench_run.report(results_s)
    assert bench_run.report(json.loads(out.with_suffix(".json").read_text())) == out.read_text()
    assert callable(hooks["explorer"]) and callable(hooks["export"])  # every stage is wired
    assert hooks["stages"] and hooks["explorer_actors"] == (5000, 50_000)
    assert hooks["large_repeats"] is None
    assert bench_run.main(["--quick", "--data", str(tmp_path), "--out", str(out)]) == 0
    assert hooks["sizes"] == ("S", "M") and not hooks["stages"]


def test_explorer_benchmark_drives_the_filters(bench_run):
    import bench_explorer

    result = bench_explorer.measure_explorer(n_actors=300, n_changes=6)
    assert result["actors"] == 300
    assert result["changes"] == 6
    assert 0 < result["median_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert "300 acteurs" in result["text"]


def test_report_rows_of_the_explorer_and_the_export(bench_run, results_s):
    def timing(median):
        return {"min": median - 0.1, "median": median, "max": median + 0.1, "runs": 3}

    results = {
        **results_s,
        "explorer": [
            {
                "actors": 5000,
                "changes": 40,
                "median_ms": 27.2,
                "p95_ms": 31.4,
                "max_ms": 40.0,
                "open_ms": 900.0,
            }
        ],
        "export": {
            "workbook": timing(3.0),
            "openpyxl_write_only": timing(4.0),
            "xlsxwriter": timing(2.5),
            "ratio": 1.2,
            "cells": 1_200_000,
            "data_rows": 5000,
        },
    }
    text = bench_run.report(results)
    assert (
        "| 5\u202f000 acteurs | médiane 27 ms, p95 31 ms (max 40 ms, 40 changements) | "
        "médiane < 100 ms, p95 < 250 ms |"
    ) in text
    assert (
        "| export du classeur (5\u202f000 lignes de données, 1\u202f200\u202f000 cellules) | "
        "3.00 s (min 2.90, max 3.10, 3 runs) | openpyxl écriture seule : 4.00 s (min 3.90, "
        "max 4.10, 3 runs) ; xlsxwriter mémoire constante : 2.50 s (min 2.40, max 2.60, "
        "3 runs) | 1.20× le plus rapide | ≤ 2× |"
    ) in text


def test_times_come_from_runs_whose_memory_is_not_sampled(bench_run):
    """Sampling /proc slows the process sampled: a measure with `sample=None` starts no
    sampler (its tree's peaks are the kernel's count, no PSS), one sampled has them."""
    import whole  # bench/ is on the path once bench/run.py is loaded

    quiet = whole.measure([sys.executable, "-c", "x = bytearray(50_000_000)"], sample=None)
    assert quiet["tree_pss"] is None and quiet["tree_rss"] == quiet["rss"] >= 50_000_000
    assert quiet["wall"] > 0 and quiet["cpu"] > 0
    held = whole.measure([sys.executable, "-c", "import time; time.sleep(0.3)"], sample=0.05)
    assert held["tree_pss"] > 0
