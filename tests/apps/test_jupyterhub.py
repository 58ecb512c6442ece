"""JupyterHub serving the collective's app with Voila (deploy/jupyterhub_config.py): each
participant logs in with the room's password and gets a server of their own (their own
kernel, their own memory) showing the app.

JupyterHub and configurable-http-proxy (Node) are not dependencies of the project: the
test skips, saying what is missing, without them. Point to them with ATELIER_JUPYTERHUB
(the ``jupyterhub`` command), ATELIER_PROXY (``configurable-http-proxy``) and
ATELIER_PYTHONPATH (where this Python finds the ``jupyterhub`` package for the
participants' servers).
"""

import os
import shutil
import subprocess
import sys
import time

import psutil
import pytest
from conftest import ROOT, bare_example, free_port, stop_process, wait_for_port
from test_browser import CHROMIUM_FLAGS, _chromium

pytestmark = pytest.mark.slow

CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
PASSWORD = "mot-de-passe-de-la-salle"


def _tools() -> tuple[str, str, str]:
    """The hub's command, the proxy's, and the participants' PYTHONPATH; or skip."""
    hub = os.environ.get("ATELIER_JUPYTERHUB") or shutil.which("jupyterhub")
    if not hub:
        pytest.skip("JupyterHub absent : commande jupyterhub introuvable (ATELIER_JUPYTERHUB)")
    proxy = os.environ.get("ATELIER_PROXY") or shutil.which("configurable-http-proxy")
    if not proxy:
        pytest.skip(
            "configurable-http-proxy absent (npm install configurable-http-proxy, Node) : "
            "ATELIER_PROXY"
        )
    path = os.pathsep.join(
        p for p in (str(ROOT / "src"), os.environ.get("ATELIER_PYTHONPATH")) if p
    )
    found = subprocess.run(
        [sys.executable, "-c", "import jupyterhub.singleuser, voila"],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
    )
    if found.returncode:
        pytest.skip(
            "les serveurs des participants ne trouvent pas jupyterhub.singleuser avec ce "
            "Python (pip install jupyterhub, ou ATELIER_PYTHONPATH)"
        )
    return hub, proxy, path


def _processes(root: int, word: str) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(root).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and word in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def test_each_participant_gets_a_server_of_their_own_showing_the_app(tmp_path):
    hub, proxy, path = _tools()
    from playwright.sync_api import sync_playwright

    state = tmp_path / "hub"
    state.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "ATELIER_STATE": str(state),
        "ATELIER_PASSWORD": PASSWORD,
        "ATELIER_PORT": str(port),
        "ATELIER_HUB_PORT": str(free_port()),
        "ATELIER_PROXY_API_PORT": str(free_port()),
        "ATELIER_PYTHON": sys.executable,
        "ATELIER_PYTHONPATH": path,
        "ATELIER_PROXY": proxy,
        "DIAGNOSTIC_PROJECT": str(bare_example(tmp_path / "projet")),
        "DIAGNOSTIC_OUT": str(tmp_path / "out"),
    }
    log = (tmp_path / "hub.log").open("w")
    proc = subprocess.Popen([hub, "-f", str(CONFIG)], cwd=state, env=env, stdout=log, stderr=log)
    figures = []
    try:
        wait_for_port(port, proc, 60)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=_chromium(), args=CHROMIUM_FLAGS, headless=True, timeout=30_000
            )
            try:
                # a wrong password: the login page again, no server started
                page = browser.new_context().new_page()
                page.goto(f"http://127.0.0.1:{port}/hub/login", timeout=60_000)
                page.fill("input[name=username]", "intrus")
                page.fill("input[name=password]", "x" * len(PASSWORD))
                page.click("[type=submit]")
                page.wait_for_load_state()
                assert "/hub/login" in page.url and not _processes(proc.pid, "singleuser")
                for user in ("marie", "paul"):
                    page = browser.new_context().new_page()
                    start = time.monotonic()
                    page.goto(f"http://127.0.0.1:{port}/hub/login", timeout=60_000)
                    page.fill("input[name=username]", user)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("[type=submit]")
                    page.wait_for_function(
                        "document.querySelectorAll('.js-plotly-plot').length >= 4",
                        timeout=300_000,
                    )
                    seconds = time.monotonic() - start
                    assert page.url.endswith(f"/user/{user}/voila/render/application.ipynb")
                    assert page.locator(".card").count() == 15
                    assert "Public : collectif" in page.inner_text("body")
                    figures.append(seconds)
            finally:
                browser.close()
        # one server per participant, each with its kernel
        servers = _processes(proc.pid, "jupyterhub.singleuser")
        assert len(servers) == 2
        memory = [
            (s.memory_info().rss + sum(k.memory_info().rss for k in s.children())) / 2**20
            for s in servers
        ]
        print(f"\nJupyterHub : pages dessinées en {figures} s, {memory} Mo par participant")
    finally:
        stop_process(proc, 60)
        log.close()
    time.sleep(1)
    # the hub stops the participants' servers with it
    assert not [s for s in servers if s.is_running() and s.status() != psutil.STATUS_ZOMBIE]
