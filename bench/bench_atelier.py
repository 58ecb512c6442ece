"""How many visitors one machine holds with ``diagnostic atelier``.

Starts the command on the example, opens VISITORS pages at once in headless Chromium
(phone-sized), and measures for each page the time from the request to the first chart
drawn, and the resident memory (RSS) of each visitor's kernel once its page is drawn.

    PYTHONPATH=src python bench/bench_atelier.py --visitors 3

Needs Debian's Chromium and the playwright package (the test extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "mesure-de-l-atelier-0123456789"
FIRST_CHART = ".js-plotly-plot .bars path"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kernels(server: psutil.Process) -> list[psutil.Process]:
    return [
        c for c in server.children(recursive=True) if "ipykernel_launcher" in " ".join(c.cmdline())
    ]


def measure(visitors: int) -> dict:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    out = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DIAGNOSTIC_PROJECT", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "diagnostic.cli", "atelier", "--port", str(port)]
        + ["--jeton", TOKEN, "-o", str(out), "--max-visiteurs", str(visitors + 1)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        server = psutil.Process(proc.pid)
        idle_server = server.memory_info().rss
        url = f"http://127.0.0.1:{port}/?token={TOKEN}"
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True
            )
            pages, started, drawn = [], [], {}
            for _ in range(visitors):
                page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                started.append(time.monotonic())
                page.goto(url, wait_until="commit", timeout=60_000)
                pages.append(page)
            deadline = time.monotonic() + 600
            while len(drawn) < visitors and time.monotonic() < deadline:
                for i, page in enumerate(pages):
                    if i not in drawn and page.locator(FIRST_CHART).count():
                        drawn[i] = time.monotonic() - started[i]
                time.sleep(0.2)
            for page in pages:  # every chart, so that the kernels hold all they build
                page.wait_for_function(
                    "document.querySelectorAll('.js-plotly-plot').length >= 6", timeout=600_000
                )
            found = _kernels(server)
            kernels = [k.memory_info().rss for k in found]
            cpu = [sum(k.cpu_times()[:2]) for k in found]
            server_rss = server.memory_info().rss
            for page in pages:  # the visitors leave: their kernels must go
                page.close(run_before_unload=True)
            browser.close()
            left_at = time.monotonic()
            while _kernels(server) and time.monotonic() - left_at < 60:
                time.sleep(0.5)
            after = (len(_kernels(server)), time.monotonic() - left_at, server.memory_info().rss)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(out, ignore_errors=True)
    return {
        "visitors": visitors,
        "first_chart_s": sorted(drawn.values()),
        "kernel_rss_mb": [k / 2**20 for k in kernels],
        "kernel_cpu_s": cpu,
        "server_rss_mb": (idle_server / 2**20, server_rss / 2**20, after[2] / 2**20),
        "left": after[:2],
        "cores": os.cpu_count(),
        "available_mb": psutil.virtual_memory().available / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=3)
    args = parser.parse_args()
    r = measure(args.visitors)
    rss = r["kernel_rss_mb"]
    print(f"{r['visitors']} visiteurs à la fois, {r['cores']} cœurs")
    print("premier graphique (s) :", ", ".join(f"{t:.1f}" for t in r["first_chart_s"]))
    print(
        "mémoire par noyau (Mo) :",
        ", ".join(f"{m:.0f}" for m in rss),
        f"(médiane {statistics.median(rss):.0f})" if rss else "",
    )
    print("temps de calcul par noyau (s CPU) :", ", ".join(f"{c:.1f}" for c in r["kernel_cpu_s"]))
    print(
        "serveur (Mo, à vide, chargé, après le départ des visiteurs) : {:.0f}, {:.0f}, {:.0f}".format(
            *r["server_rss_mb"]
        )
    )
    print("noyaux restants après le départ : {}, au bout de {:.1f} s".format(*r["left"]))
    print(f"mémoire disponible (Mo) : {r['available_mb']:.0f}")


if __name__ == "__main__":
    main()
