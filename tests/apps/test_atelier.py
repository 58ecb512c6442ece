"""``diagnostic atelier`` (``make atelier``): the app served to a workshop room, seen from
phones. Without the token nothing is served; with the participants' token the app loads
read-only; two facilitators' decisions on different projects are merged, on the same
project refused.

The command itself (token checks, the printed addresses, the Voila configuration) is tested
without a browser at the end.
"""

import html
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from conftest import ROOT, free_port, stop_process, wait_for_port
from test_browser import CHROMIUM_FLAGS, _chromium

from diagnostic.apps.serve import banner, new_room, voila_config
from diagnostic.cli import main

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TOKEN = "jeton-de-test-0123456789"


#: A closed page's kernel goes after this many seconds in the browser test (60 by default).
CLOSED_SECONDS = 3


def _kernels(pid: int) -> list[int]:
    """The live kernels (ipykernel processes) under the server's process `pid`."""
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                found.append(child.pid)
        except psutil.Error:  # gone meanwhile
            pass
    return found


@pytest.fixture
def atelier(tmp_path):
    """The command running on a free port; yields (base address, facilitator address, a
    function listing the server's live kernels)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DIAGNOSTIC_PROJECT", None)
    from conftest import bare_example

    project = bare_example(tmp_path / "projet")  # the example before its workshop
    proc = subprocess.Popen(
        [sys.executable, "-m", "diagnostic.cli", "atelier", str(project), "--port", str(port)]
        + ["--jeton", TOKEN, "-o", str(tmp_path / "out"), "--max-visiteurs", "4"]
        + ["--page-fermee", str(CLOSED_SECONDS)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        facilitator = None
        deadline = time.monotonic() + 60
        while facilitator is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"diagnostic atelier s'est arrêté (code {proc.poll()})")
            if "&animation=" in line:
                facilitator = line.strip()
        assert facilitator, "adresse de l'animation non imprimée"
        wait_for_port(port, proc, 30)
        local = f"http://127.0.0.1:{port}/"
        yield local, local + facilitator.split("/", 3)[3], lambda: _kernels(proc.pid)
    finally:
        kernels = _kernels(proc.pid)
        stop_process(proc, 30)
        time.sleep(1)
        # SIGTERM stops the server and shuts its kernels down: no orphan left in memory
        assert proc.returncode == 0 and not [k for k in kernels if psutil.pid_exists(k)]


SAVE = "Enregistrer les décisions"
STATUS_SELECT = "select:has(option:text-is('en cours'))"  # a project's status, not a filter


def _open(browser, url):
    """A phone's page on `url`, waited until the projects' cards are drawn."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(url, timeout=90_000)
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=150_000
    )
    page.get_by_role("button", name=SAVE).wait_for(timeout=60_000)
    page.locator(STATUS_SELECT).first.wait_for(timeout=30_000)
    return page


def _choose(page, row: int, status: str) -> None:
    page.locator(STATUS_SELECT).nth(row).select_option(label=status)
    page.wait_for_timeout(500)


def _status(page, row: int) -> str:
    return page.locator(STATUS_SELECT).nth(row).evaluate("s => s.options[s.selectedIndex].text")


def _wait_status(page, row: int, status: str, seconds: float = 30) -> None:
    """Wait until the page shows `status` for the project of `row` (no reload)."""
    end = time.monotonic() + seconds
    while _status(page, row) != status:
        assert time.monotonic() < end, f"« {status} » jamais affiché (ligne {row})"
        page.wait_for_timeout(250)


def _save(page, expected: str) -> str:
    """Press « Enregistrer les décisions », wait for `expected` beside it; the page's text."""
    page.get_by_role("button", name=SAVE).click()
    page.get_by_text(expected).first.wait_for(timeout=30_000)
    return page.inner_text("body")


@pytest.mark.slow
def test_the_room_needs_the_token_participants_read_and_saves_merge(atelier, tmp_path):
    """Also: a closed page's kernel is shut down (no unload event needed), and an open
    page shows another's save without being reloaded."""
    from playwright.sync_api import sync_playwright

    base, facilitator, kernels = atelier
    # a project without [workshop] projects: its decisions go to its own folder
    decisions = tmp_path / "projet" / "atelier" / "decisions_projets.csv"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(), args=CHROMIUM_FLAGS, headless=True, timeout=30_000
        )
        try:
            # 1. no token, or a wrong one: the login page, no app, no kernel started
            stranger = browser.new_context(**PHONE).new_page()
            for url in (base, base + "?token=" + "x" * len(TOKEN)):
                response = stranger.goto(url, timeout=30_000)
                assert "/login" in stranger.url and response.ok
                assert stranger.locator(".js-plotly-plot").count() == 0
                assert "Coopérer" not in stranger.inner_text("body")

            # 2. the participants' address (the QR code's): the app, read-only
            reader = _open(browser, base + "?token=" + TOKEN)
            assert "Lecture seule" in reader.inner_text("body")
            assert reader.get_by_role("button", name=SAVE).is_disabled()
            assert reader.locator(STATUS_SELECT).first.is_disabled()
            reader.screenshot(path=str(tmp_path / "participant.png"), full_page=False)
            assert len(kernels()) == 1
            # closed as a phone kills a tab (no unload event, so no shutdown request): its
            # kernel is shut down CLOSED_SECONDS after its last activity
            reader.context.close()
            closed = time.monotonic()
            while kernels():
                assert time.monotonic() - closed < CLOSED_SECONDS + 20, "noyau gardé"
                time.sleep(0.5)

            # 3. two facilitators: different projects merged
            a, b = _open(browser, facilitator), _open(browser, facilitator)
            assert "Lecture seule" not in a.inner_text("body")
            _choose(a, 0, "validé")
            _choose(b, 1, "écarté")
            _save(a, "1 projet(s) décidé(s)")
            # b shows a's decision without being reloaded (its kernel looks at the file)
            _wait_status(b, 0, "validé")
            b.get_by_text("autre visiteur").first.wait_for(timeout=10_000)
            assert _status(b, 1) == "écarté"  # its own unsaved choice untouched
            _save(b, "2 projet(s) décidé(s)")  # a's decision and b's own
            saved = pd.read_csv(decisions, dtype=str)["status"].tolist()
            assert saved.count("validé") == 1 and saved.count("écarté") == 1
            _wait_status(a, 1, "écarté")

            # 4. the same project: b's unsaved choice is kept when a saves another, and
            # b's save is then refused, nothing written
            _choose(b, 2, "écarté")
            _choose(a, 2, "en cours")
            _save(a, "3 projet(s) décidé(s)")
            b.get_by_text("modification non enregistrée est gardée").wait_for(timeout=30_000)
            assert _status(b, 2) == "écarté"
            before = decisions.read_bytes()
            body = html.unescape(_save(b, "Enregistrement refusé"))
            assert "modifiée par quelqu'un d'autre" in body
            assert "« en cours » (ici : « écarté »)" in body
            assert decisions.read_bytes() == before
            b.screenshot(path=str(tmp_path / "refus.png"), full_page=False)
        finally:
            browser.close()


def test_the_command_refuses_to_start_without_a_sure_token(capsys):
    for bad in ("", "   ", "court", "jeton avec espaces et plus"):
        assert main(["atelier", "--jeton", bad, "--port", "1"]) == 2
        err = capsys.readouterr().err
        assert "jeton doit compter au moins 16" in err and "Traceback" not in err
    assert main(["atelier", "--port", "70000"]) == 2
    assert "port 70000 impossible" in capsys.readouterr().err


def test_a_new_room_has_random_secrets_and_prints_both_addresses():
    one, two = new_room(host="192.168.1.20"), new_room(host="192.168.1.20")
    assert len(one.token) >= 24 and one.token != two.token and one.secret != two.secret
    assert one.participant_url == f"http://192.168.1.20:8866/?token={one.token}"
    assert one.facilitator_url == f"{one.participant_url}&animation={one.secret}"
    text = banner(one)
    assert one.participant_url in text and one.facilitator_url in text
    assert "▀" in text or "▄" in text  # the QR code, drawn with blocks
    assert text.index(one.facilitator_url) > text.index("█")  # the QR is the participants'


def test_the_server_is_configured_for_the_room():
    room = new_room(TOKEN, port=9000, idle_minutes=10, max_visitors=12, host="10.0.0.5")
    c = voila_config(room)
    assert (c.Voila.ip, c.Voila.port, c.Voila.port_retries) == ("0.0.0.0", 9000, 0)
    assert c.Voila.token == TOKEN
    assert c.MappingKernelManager.cull_idle_timeout == 600
    assert c.MappingKernelManager.cull_connected is True
    assert c.RoomKernelManager.closed_timeout == 60  # the default
    assert c.RoomKernelManager.max_kernels == 12


def test_the_kernel_manager_refuses_a_page_beyond_the_maximum():
    import asyncio

    from tornado import web

    from diagnostic.apps.serve import FULL, RoomKernelManager

    async def run():
        manager = RoomKernelManager(max_kernels=1)
        first = await manager.start_kernel(kernel_name="python3")
        try:
            with pytest.raises(web.HTTPError) as refused:
                await manager.start_kernel(kernel_name="python3")
            assert refused.value.status_code == 503 and refused.value.reason == FULL
            assert manager.list_kernel_ids() == [first]
            # the page that holds it may reconnect to its own kernel
            assert await manager.start_kernel(kernel_id=first) == first
        finally:
            await manager.shutdown_all()
        assert manager.list_kernel_ids() == []

    asyncio.run(run())


def test_the_default_maximum_follows_the_memory_available():
    from diagnostic.apps.serve import MB_PER_VISITOR, default_max_visitors

    text = Path("/proc/meminfo").read_text(encoding="ascii")
    meminfo = dict(line.split(":", 1) for line in text.splitlines())
    available_mb = int(meminfo["MemAvailable"].split()[0]) / 1024
    expected = max(1, min(50, int(available_mb * 0.8 // MB_PER_VISITOR)))
    assert abs(default_max_visitors() - expected) <= 1  # memory moves between the two reads


def test_an_idle_kernel_is_culled_with_the_rooms_settings():
    import asyncio

    from diagnostic.apps.serve import RoomKernelManager

    room = new_room(TOKEN, idle_minutes=1, host="10.0.0.5")
    settings = voila_config(room).MappingKernelManager
    assert settings.cull_idle_timeout == 60

    async def run():
        # the room's culler, its timeout shortened from 60 s to 1 s for the test
        manager = RoomKernelManager(
            cull_idle_timeout=1, cull_interval=1, cull_connected=settings.cull_connected
        )
        kernel = await manager.start_kernel(kernel_name="python3")
        try:
            assert manager.list_kernel_ids() == [kernel]
            for _ in range(60):  # the culler runs by itself, every cull_interval
                if not manager.list_kernel_ids():
                    break
                await asyncio.sleep(0.5)
            assert manager.list_kernel_ids() == []  # idle > 1 s: shut down
        finally:
            await manager.shutdown_all()

    asyncio.run(run())


def test_a_closed_pages_kernel_is_shut_down_an_open_ones_kept():
    """A kernel with no connection left (its page closed) goes after `closed_timeout`; one
    whose page is still connected stays until the idle timeout."""
    import asyncio

    from diagnostic.apps.serve import RoomKernelManager

    room = new_room(TOKEN, closed_seconds=2, host="10.0.0.5")
    c = voila_config(room)
    assert c.RoomKernelManager.closed_timeout == 2 and c.MappingKernelManager.cull_interval == 1

    async def run():
        manager = RoomKernelManager(
            closed_timeout=1, cull_idle_timeout=600, cull_interval=1, cull_connected=True
        )
        open_page = await manager.start_kernel(kernel_name="python3")
        closed_page = await manager.start_kernel(kernel_name="python3")
        manager.notify_connect(open_page)  # as the page's websocket does
        manager.notify_connect(closed_page)
        manager.notify_disconnect(closed_page)  # the page closed
        try:
            for _ in range(40):  # the culler runs by itself, every cull_interval
                if closed_page not in manager.list_kernel_ids():
                    break
                await asyncio.sleep(0.25)
            assert manager.list_kernel_ids() == [open_page]
        finally:
            await manager.shutdown_all()

    asyncio.run(run())
