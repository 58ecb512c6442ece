"""The Voila app in a real browser: charts drawn, a filter changes them, a screenshot.

Needs Debian's Chromium (``make sysdeps``, run by ``make test``, installs it) and the ``playwright`` Python
package from the test extra; never downloads a browser of its own.
"""

import os
import shutil
import subprocess
import time

import pytest
from conftest import ROOT, free_port, stop_process, wait_for_port

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RANKING_BARS = ".js-plotly-plot .bars path"


def _chromium() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
    if not path:
        pytest.fail(
            "Chromium est introuvable : lancez `make sysdeps` "
            "(apt-get install chromium) avant les tests du navigateur."
        )
    return path


@pytest.fixture
def voila_app(tmp_path):
    yield from _serve(tmp_path)


def _serve(tmp_path, project=None):
    """Serve the collective's app with Voila (the example, or `project`); yield its URL.

    Voila writes to a file, never to a pipe nobody reads (a full pipe would stop it)."""
    from diagnostic.apps.serve import local_voila, with_voila_templates

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DIAGNOSTIC_OUT": str(tmp_path / "out")}
    env = with_voila_templates(env)  # as `make app` and `diagnostic atelier` serve it
    env.pop("DIAGNOSTIC_PROJECT", None)
    if project is not None:
        env["DIAGNOSTIC_PROJECT"] = str(project)
    with open(tmp_path / "voila.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            local_voila(ROOT / "notebooks" / "application.ipynb", port),
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_for_port(port, proc, 30, log=tmp_path / "voila.log")
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_process(proc, 10)


def _bar_paths(page) -> list[str]:
    return page.eval_on_selector(
        ".js-plotly-plot",
        "el => [...el.querySelectorAll('.bars path')].map(p => p.getAttribute('d'))",
    )


def _filter_changes_the_charts(voila_app, tmp_path, cpu_slowdown=1):
    """Open the app, choose « Coopérative »: the ranking is drawn again and the count says 16.

    `cpu_slowdown` runs the page's scripts that many times slower (Chromium's throttling),
    as on a modest laptop or a phone in a workshop."""
    chromium = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("le paquet Python « playwright » manque : pip install -e '.[test]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=CHROMIUM_FLAGS, headless=True, timeout=30_000
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2600})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            outside: list[str] = []  # a workshop's network may reach no outside server
            page.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith((voila_app, "data:", "blob:"))
                    else outside.append(r.url)
                ),
            )
            if cpu_slowdown > 1:
                cdp = page.context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
            page.goto(voila_app, timeout=60_000)
            page.wait_for_selector(RANKING_BARS, timeout=60_000 * cpu_slowdown)
            # Voila runs the cells one after the other: wait for every chart of the
            # explorer so that the kernel is free to answer the filter change.
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot').length >= 7",
                timeout=120_000 * cpu_slowdown,
            )
            assert "Diagnostic partagé" in page.inner_text("body")
            before = _bar_paths(page)
            assert len(before) >= 11
            select = page.locator("select").first
            select.select_option(label="Coopérative")
            # a change made while the kernel still runs the app's last cells may be missed
            # by a page not yet linked to it: chosen again every 20 s, for 2 minutes at most
            start = time.monotonic()
            again = start + 20
            after = before
            while after == before and time.monotonic() < start + 120:
                page.wait_for_timeout(200)
                after = _bar_paths(page)
                if after == before and time.monotonic() > again:
                    select.select_option(index=0)
                    select.select_option(label="Coopérative")
                    again = time.monotonic() + 20
            # anywidget gives up on a chart whose module is slow to load, and that chart
            # then ignores the kernel: its error says why the chart did not change
            assert not [e for e in errors if "anywidget" in e], errors
            assert after != before, "le graphique n'a pas changé après le filtre"
            assert outside == []
            assert "16" in page.inner_text(".diag-count")
            page.wait_for_timeout(500)
            shot = tmp_path / "app.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000

        finally:
            browser.close()


def test_app_draws_the_charts_and_a_filter_changes_them(voila_app, tmp_path):
    _filter_changes_the_charts(voila_app, tmp_path)


def test_charts_follow_the_filter_on_a_slow_browser(voila_app, tmp_path):
    """Scripts six times slower: plotly's 5 MB module used to take a chart past anywidget's
    2 s start-up, after which the chart was drawn but never followed the filters."""
    _filter_changes_the_charts(voila_app, tmp_path, cpu_slowdown=6)


@pytest.fixture
def undecided_app(tmp_path):
    """The app on the example before its workshop (no contours, no decision yet)."""
    from conftest import bare_example

    yield from _serve(tmp_path, bare_example(tmp_path / "projet"))


def test_app_projects_cards_filter_and_decide(undecided_app, tmp_path):
    """The cooperation projects below the explorer: cards, the projects × resources matrix
    drawn at the page's width (no map: this copy declares no contours), a filter that
    redraws cards and matrix, and a decision saved to the decisions file."""
    voila_app = undecided_app
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=CHROMIUM_FLAGS, headless=True, timeout=30_000
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1300})
            page.goto(voila_app, timeout=60_000)
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=90_000
            )
            plots = page.locator(".js-plotly-plot")
            # the explorer's four charts first (no maps without contours), then the matrix
            assert "Projets × ressources" in plots.nth(4).inner_text()
            widths = page.eval_on_selector_all(
                ".js-plotly-plot .main-svg:first-child",
                "els => els.map(e => +e.getAttribute('width'))",
            )
            assert min(widths) > 1000, widths
            assert page.locator(".card").count() == 15
            assert "Public : collectif" in page.inner_text("body")
            assert plots.nth(4).locator(".ytick").count() == 2 * 15  # one row per project
            page.locator("text=Coopérer").first.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(tmp_path / "cards.png"), full_page=False)
            status = page.locator("select:has(option:text-is('validé'))").first
            status.select_option(label="validé")
            page.wait_for_timeout(500)
            page.get_by_role("button", name="Enregistrer les décisions").click()
            page.wait_for_selector("text=décidé(s)", timeout=30_000)
            assert "1 projet(s) décidé(s)" in page.inner_text("body")
            # a project without [workshop] projects: decisions kept in its own folder
            saved = tmp_path / "projet" / "atelier" / "decisions_projets.csv"
            decisions = saved.read_text(encoding="utf-8")
            assert decisions.count(",validé,") == 1
            resource = page.locator("select:has(option:text-is('Matériel et équipements'))")
            resource.first.select_option(label="Matériel et équipements")
            page.wait_for_function("document.querySelectorAll('.card').length == 1", timeout=30_000)
            # the matrix drawn again with the one project's row
            page.wait_for_function(
                "(() => { const p = document.querySelectorAll('.js-plotly-plot');"
                " return p.length >= 5 && p[4].querySelectorAll('.ytick').length == 2; })()",
                timeout=30_000,
            )
        finally:
            browser.close()


def _hostile_project(folder):
    """A copy of the example whose title, form labels and theme carry the injection corpus."""
    from openpyxl import load_workbook

    shutil.copytree(ROOT / "data" / "example", folder)
    toml = folder / "diagnostic.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        "\n".join(
            "title = 'Diagnostic <img src=x onerror=alert(\"titre\")>'"
            if line.startswith("title =")
            else line
            for line in text.splitlines()
        ),
        encoding="utf-8",
    )
    path = folder / "formulaire_acteurs.xlsx"
    wb = load_workbook(path)
    for row in wb["survey"].iter_rows(min_row=2):
        if row[1].value == "enjeu_mobilite":
            row[2].value = "Importance : Mobilité <script>alert('enjeu')</script>"
            row[7].value = "Cadre de vie <img src=x onerror=alert('theme')>"
    labels = {
        "cooperative": "Coopérative <img src=x onerror=alert('type')>",
        "vehicules": '"><svg onload=alert("svg")> Véhicules',
        "benevoles": "<a href=\"javascript:alert('lien')\">Bénévoles</a>",
    }
    for row in wb["choices"].iter_rows(min_row=2):
        if row[1].value in labels:
            row[2].value = labels[row[1].value]
    wb.save(path)
    return toml


@pytest.fixture
def hostile_app(tmp_path):
    yield from _serve(tmp_path, _hostile_project(tmp_path / "projet"))


def test_no_script_runs_from_the_data_in_the_app(hostile_app, tmp_path):
    chromium = _chromium()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=CHROMIUM_FLAGS, headless=True, timeout=30_000
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2600})
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(hostile_app, timeout=60_000)
            try:
                page.wait_for_function(
                    "document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=90_000
                )
            except PlaywrightTimeout:
                pass  # the assertions below say what went wrong
            assert dialogs == [], f"script run from the data: {dialogs}"
            assert page.locator(".js-plotly-plot").count() >= 5, "charts not drawn"
            # 0: all types, then association, collectivite, cooperative… (sorted codes)
            page.locator("select").first.select_option(index=3)
            page.wait_for_timeout(1500)
            bars = page.locator(".js-plotly-plot .bars path").all()
            # a hidden or zero support draws a bar of no width: nothing to hover
            drawn = [b for b in bars if (b.bounding_box() or {}).get("width", 0) >= 1][:6]
            assert drawn, "no bar drawn after the filter"
            for bar in drawn:
                bar.scroll_into_view_if_needed(timeout=5_000)
                bar.hover(force=True, timeout=5_000)  # hover labels: the same texts
            page.wait_for_timeout(500)
            body = page.inner_text("body")
            assert 'Diagnostic <img src=x onerror=alert("titre")>' in body  # shown as text
            assert dialogs == []
            assert page.locator('img[src="x"], svg[onload], a[href^="javascript"]').count() == 0
        finally:
            browser.close()
