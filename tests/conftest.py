from pathlib import Path

import pytest

import diagnostic

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
EXAMPLE = ROOT / "data" / "example"


@pytest.fixture(scope="session")
def shared() -> Path:
    assert SHARED.is_dir(), f"../shared/data is missing beside the checkout ({SHARED})"
    return SHARED


@pytest.fixture(scope="session")
def example_diag():
    return diagnostic.run_diagnostic(diagnostic.read_project(diagnostic.example_project()))


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory, example_diag):
    out = tmp_path_factory.mktemp("out")
    diagnostic.write_outputs(example_diag, out)
    return out
