import shutil

from conftest import EXAMPLE
from openpyxl import load_workbook

from diagnostic.datasets import EXPORT_FILE, FORM_FILE, PROJECT_FILE, write_example


def test_generator_regenerates_the_committed_example_identically(tmp_path):
    shutil.copytree(EXAMPLE / "geo", tmp_path / "geo")
    write_example(tmp_path)
    for name in (FORM_FILE, EXPORT_FILE, PROJECT_FILE):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name


def test_example_export_looks_like_a_kobo_export():
    ws = load_workbook(EXAMPLE / EXPORT_FILE, read_only=True).active
    header = next(ws.iter_rows(max_row=1, values_only=True))
    assert {"_id", "_uuid", "_submission_time", "_index"} <= set(header)
    assert "ressources/besoins" in header and "ressources/besoins/vehicules" in header
    assert ws.max_row == 151  # header + 148 actors + a duplicate + an empty submission
