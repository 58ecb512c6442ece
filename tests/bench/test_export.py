import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_export.py"


def _bench_export():
    spec = importlib.util.spec_from_file_location("bench_export", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_measure_export_on_the_example(example_diag):
    result = _bench_export().measure_export(example_diag, repeats=1)
    for key in ("workbook", "openpyxl_write_only", "xlsxwriter"):
        assert set(result[key]) == {"min", "median", "max", "runs"}
        assert result[key]["runs"] == 1
        assert 0 < result[key]["min"] <= result[key]["median"] <= result[key]["max"]
    fastest = min(result["openpyxl_write_only"]["median"], result["xlsxwriter"]["median"])
    assert result["ratio"] == result["workbook"]["median"] / fastest
    # one row per published actor, as in the Données sheet (the 4 financeurs withheld)
    assert result["data_rows"] == 144
    assert result["cells"] > 149 * 20
    assert "lignes de données" in result["text"]
