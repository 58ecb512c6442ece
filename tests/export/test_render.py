"""Render the workbook as a person would open it: LibreOffice, headless, to PDF."""

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.slow


def _soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, (
        "LibreOffice est absent : `make test` l'installe (paquet Debian "
        "libreoffice-calc-nogui) ; lancez les tests par `make test`."
    )
    return path


def test_workbook_renders_to_pdf_with_libreoffice(demo_out, tmp_path):
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(demo_out / "diagnostic.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = tmp_path / "diagnostic.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    head = pdf.read_bytes()
    assert head.startswith(b"%PDF") and len(head) > 50_000
    pages = len(re.findall(rb"/Type\s*/Page[^s]", head))
    assert pages >= 10  # one sheet at least per page, ten sheets


def test_cooperation_pages_fit_in_four_printed_pages(demo_out, tmp_path):
    """The projects and the action plan replace the pair list (23 pages before)."""
    from openpyxl import load_workbook

    book = load_workbook(demo_out / "diagnostic.xlsx")
    for ws in list(book.worksheets):
        if ws.title not in ("Projets de coopération", "Plan d'action"):
            book.remove(ws)
    book.save(tmp_path / "cooperation.xlsx")
    done = subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "cooperation.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = (tmp_path / "cooperation.pdf").read_bytes()
    assert done.returncode == 0, done.stderr
    assert 2 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 4
