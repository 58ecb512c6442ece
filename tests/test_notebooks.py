import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_six_numbered_notebooks_and_the_app_are_there():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "ap"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSTIC_OUT", str(tmp_path / "out"))
    nb = nbformat.read(path, as_version=4)
    assert all(c.get("id") for c in nb.cells)
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors[0].get("evalue") if errors else ""
    text = "".join(o.get("text", "") for o in outputs)
    if path.stem[:2] in {"01", "03", "04", "05"}:  # the apps show the count themselves
        assert "148 acteurs répondants, 11 enjeux" in text
    widgets = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    if path.stem[:2] in {"01", "02", "03", "04", "06", "ap"}:
        assert widgets, "the app is displayed as a widget"
    if path.stem.startswith("05"):
        assert (tmp_path / "out" / "diagnostic.xlsx").exists()
        assert (tmp_path / "out" / "diagnostic.html").exists()
    if path.stem.startswith("01"):
        assert (tmp_path / "out" / "roles.csv").read_text().startswith("question_id,role,theme")
    if path.stem.startswith("03"):
        assert (tmp_path / "out" / "decisions_projets.csv").exists()
