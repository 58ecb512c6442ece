"""Regenerate the user guide's screenshots from the example (``make captures``).

The example is built into a temporary folder; pages of the funder workbook are printed by
LibreOffice (PDF) and rendered by pdftoppm; the HTML report and the collective's app (served
by Voila) are photographed by Chromium through playwright. Every picture lands in
docs/images/ under a fixed name, so the guide never drifts from the product.

Usage: python docs/captures.py [--out docs/images] [--only workbook,report,app]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Workbook sheets photographed: file name -> the sheet's title (its printed page is found
#: by this text).
SHEETS = {
    "classeur-sommaire.png": "Sommaire",
    "classeur-enjeux.png": "Enjeux communs",
    "classeur-projets.png": "Projets de coopération",
}
REPORT = "rapport.png"
REPORT_ISSUES = "rapport-enjeux.png"
APP = "application.png"
APP_COOPERATION = "application-cooperation.png"
#: Every picture the script writes (the docs test checks the guide uses existing ones).
PICTURES = (*SHEETS, REPORT, REPORT_ISSUES, APP, APP_COOPERATION)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
WIDTH = 1100
TO_TOP = "e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -16); }"
#: Workbook pages: dots per inch, and the highest picture kept (pixels) from a page's top.
RESOLUTION = 110
MAX_HEIGHT = 900


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_example(folder: Path) -> Path:
    """Run `diagnostic demo` into `folder` (a subprocess: the sources of this checkout)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DIAGNOSTIC_PROGRESS": "0"}
    subprocess.run(
        [sys.executable, "-m", "diagnostic.cli", "demo", str(folder)], check=True, env=env
    )
    return folder


def workbook_pages(workbook: Path, images: Path, work: Path) -> list[Path]:
    """Print the workbook with LibreOffice and render the first page of each sheet wanted."""
    profile = work / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    pdf = work / (workbook.stem + ".pdf")
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    written = []
    for name, title in SHEETS.items():
        number = next(
            (i + 1 for i, page in enumerate(pages) if page.lstrip().startswith(title)),
            next((i + 1 for i, page in enumerate(pages) if title in page), None),
        )
        if number is None:
            raise SystemExit(f"la feuille « {title} » est introuvable dans le PDF du classeur")
        target = images / name
        x, y, w, h = _content_box(pdf, number, work)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(RESOLUTION),
                "-f",
                str(number),
                "-l",
                str(number),
                "-x",
                str(x),
                "-y",
                str(y),
                "-W",
                str(w),
                "-H",
                str(h),
                "-singlefile",
                str(pdf),
                str(target.with_suffix("")),
            ],
            check=True,
        )
        written.append(target)
    return written


def _content_box(pdf: Path, number: int, work: Path) -> tuple[int, int, int, int]:
    """x, y, width, height (pixels at RESOLUTION) of what is printed on a page, its footer
    (the bottom twelfth: page number) left out, at most MAX_HEIGHT pixels high."""
    base = work / f"page-{number}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(RESOLUTION), "-f", str(number), "-l", str(number)]
        + ["-singlefile", str(pdf), str(base)],
        check=True,
    )
    data = (base.with_suffix(".pgm")).read_bytes()
    fields = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
    width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
    body = height - height // 12
    rows = [r for r in range(body) if min(pixels[r * width : (r + 1) * width]) < 200]
    if not rows:
        return 0, 0, width, body
    top, bottom = rows[0], rows[-1]
    bottom = min(bottom, top + MAX_HEIGHT)
    band = pixels[top * width : (bottom + 1) * width]
    cols = [c for c in range(width) if min(band[c::width]) < 200]
    left, right = cols[0], cols[-1]
    margin = 12
    x, y = max(left - margin, 0), max(top - margin, 0)
    return x, y, min(right + margin, width) - x, min(bottom + margin, height) - y


def _browser(playwright):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    return playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)


def report_pages(html: Path, images: Path) -> list[Path]:
    """The top of the HTML report and its common issues section."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 800})
            page.goto(html.as_uri())
            page.wait_for_timeout(1500)
            page.screenshot(path=str(images / REPORT))
            page.locator("h2", has_text="Enjeux communs").first.evaluate(TO_TOP)
            page.wait_for_timeout(500)
            page.screenshot(path=str(images / REPORT_ISSUES))
        finally:
            browser.close()
    return [images / REPORT, images / REPORT_ISSUES]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_pages(images: Path, work: Path) -> list[Path]:
    """The collective's app served by Voila on the example: explorer, then the projects."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    from diagnostic.apps.serve import local_voila, with_voila_templates

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DIAGNOSTIC_OUT": str(work / "app")}
    env = with_voila_templates(env)  # the apps' template, as `make app` serves it
    env.pop("DIAGNOSTIC_PROJECT", None)
    voila = subprocess.Popen(
        local_voila(ROOT / "notebooks" / "application.ipynb", port),
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if voila.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Voila n'a pas démarré")
            time.sleep(0.3)
        with sync_playwright() as p:
            browser = _browser(p)
            try:
                page = browser.new_page(viewport={"width": WIDTH + 180, "height": 900})
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                # the explorer's charts first, then the projects' cards at the bottom
                page.wait_for_function(
                    "document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=180_000
                )
                page.get_by_role("button", name="Enregistrer les décisions").wait_for(
                    timeout=180_000
                )
                page.wait_for_timeout(1500)
                page.screenshot(path=str(images / APP))
                # the cooperation projects to decide on, under the « Coopérer » heading
                page.locator("h1", has_text="Coopérer").first.evaluate(TO_TOP)
                page.wait_for_timeout(800)
                page.screenshot(path=str(images / APP_COOPERATION))
            finally:
                browser.close()
    finally:
        voila.terminate()
        try:
            voila.wait(timeout=10)
        except subprocess.TimeoutExpired:
            voila.kill()
    return [images / APP, images / APP_COOPERATION]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--only", default="workbook,report,app")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(","))
    images = Path(args.out)
    images.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="captures-") as tmp:
        work = Path(tmp)
        out = build_example(work / "out")
        written = []
        if "workbook" in wanted:
            _say("Classeur → PDF (LibreOffice) → PNG…")
            written += workbook_pages(out / "diagnostic.xlsx", images, work)
        if "report" in wanted:
            _say("Rapport HTML (Chromium)…")
            written += report_pages(out / "diagnostic.html", images)
        if "app" in wanted:
            _say("Application des collectifs (Voila, Chromium)…")
            written += app_pages(images, work)
    for path in written:
        _say(
            f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
            f" ({path.stat().st_size // 1024} Ko)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
