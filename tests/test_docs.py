import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def test_user_guide_builds_strictly(tmp_path):
    """`mkdocs build --strict` fails on a broken link or a page left out of the navigation."""
    pytest.importorskip("mkdocs", reason="mkdocs absent : make docs installe l'extra [docs]")
    pytest.importorskip("material", reason="mkdocs-material absent : make docs l'installe")
    site = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert {"lancer/index.html", "reference/projet/index.html"} <= pages
    assert "fichier TOML" in (site / "reference" / "projet" / "index.html").read_text()
