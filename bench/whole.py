"""Whole processes, as a user waits for them: `diagnostic run` against a bare parse.

Each measure starts a fresh Python process and reports its wall time and its peak resident
memory (RSS): the kernel's own count for the process and the processes it waited for
(``os.wait4``, the largest of them), and the peaks of the sums over the whole process tree,
sampled from /proc every 50 ms, so that work spread over several processes is counted whole:
of RSS (a page a forked worker shares with its parent counted twice: an upper bound) and of
PSS (each shared page divided among its sharers: counted once). Sampling slows the process
sampled (`measure`): times come from runs that are not sampled, memory from runs that
are. The baseline
is a bare python-calamine parse of the same export, in its own fresh process, run right
before and right after each run of the diagnostic (interleaved): on a shared machine the
ratio of neighbours in time means more than any single figure.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
PAGE = os.sysconf("SC_PAGE_SIZE")
KEYS = ("wall", "cpu", "rss", "tree_rss", "tree_pss")

BARE_PARSE = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()\n"
)


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    """Proportional set size: private pages, plus each shared page divided by its sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) bytes of `pid` and all its descendants, now. The RSS sum counts a page
    shared by a forked worker twice (an upper bound); the PSS sum counts it once."""
    kids = _children()
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        rss += _rss(p)
        pss += _pss(p)
        todo += kids.get(p, [])
    return rss, pss


def measure(argv: list[str], env: dict | None = None, sample: float | None = 0.05) -> dict:
    """Run `argv` once: wall and CPU seconds, peak RSS of the process (kernel count, bytes),
    peaks of the RSS and PSS sums over its process tree (sampled every `sample` s; with
    `sample` None, not sampled: the tree's peaks are the kernel's count, its PSS None).

    Sampling is not free for the process sampled: reading /proc/<pid>/smaps_rollup walks
    every page of the process under its memory map's lock, which its own mmap and munmap
    calls then wait for (50,000 actors, every 50 ms: `diagnostic run` 28 s -> 34-35 s).
    Times are therefore taken from runs that are not sampled (`run_against_parse`)."""
    peak = [0, 0]
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, close_fds=True
    )

    def watch():
        while not done.is_set():
            rss, pss = tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(sample)

    watcher = threading.Thread(target=watch, daemon=True)
    if sample is not None:
        watcher.start()
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    if sample is not None:
        watcher.join()
    if proc.returncode:
        raise RuntimeError(f"{argv} a échoué ({proc.returncode}) : {err.decode()[-2000:]}")
    kernel = usage.ru_maxrss * 1024  # kilobytes on Linux
    cpu = usage.ru_utime + usage.ru_stime  # of the process and the children it waited for
    return {
        "wall": wall,
        "cpu": cpu,
        "rss": kernel,
        "tree_rss": max(peak[0], kernel),
        "tree_pss": peak[1] if sample is not None else None,
    }


def summary(values: list[float]) -> dict:
    return {
        "min": min(values),
        "median": statistics.median(values),
        "max": max(values),
        "runs": len(values),
    }


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def bare_parse(export: Path, sample: float | None = 0.05) -> dict:
    return measure([sys.executable, "-c", BARE_PARSE, str(export)], _env(), sample)


def diagnostic_run(project: Path, outdir: Path, sample: float | None = 0.05) -> dict:
    return measure(
        [sys.executable, "-m", "diagnostic.cli", "run", str(project), "-o", str(outdir)],
        _env(),
        sample,
    )


def _neighbours(runs: list[dict], parses: list[dict], key: str) -> list[float]:
    """Each run's `key` over the mean of its two neighbouring parses' (parses[k] before
    run k, parses[k + 1] after it)."""
    return [run[key] / ((parses[k][key] + parses[k + 1][key]) / 2) for k, run in enumerate(runs)]


def _interleaved(project: Path, export: Path, folder: Path, repeats: int, sample) -> tuple:
    """`repeats` runs of `diagnostic run`, each between two bare parses: (runs, parses)."""
    parses, runs = [bare_parse(export, sample)], []
    for k in range(repeats):
        runs.append(diagnostic_run(project, folder / f"out{k}-{sample}", sample))
        parses.append(bare_parse(export, sample))
    return runs, parses


def run_against_parse(project: Path, repeats: int = 3) -> dict:
    """`diagnostic run` on `project`, each run between two bare parses of its export.

    Twice: first for the times (wall, CPU), nothing sampled; then for the memory, the
    process trees' peaks sampled every 50 ms (`measure`: sampling slows the run sampled).

    Returns
    -------
    dict
        run, parse: {wall, cpu, rss, tree_rss, tree_pss} each a summary (min, median, max,
        runs) in seconds and bytes (wall and cpu of the runs not sampled, the others of
        the runs sampled); wall_ratio, rss_ratio, pss_ratio: summaries of each run's figure
        over the mean of its two neighbouring parses (rss, pss: the tree's).
    """
    export = project.parent / "export.xlsx"
    with tempfile.TemporaryDirectory(prefix="bench-run-") as folder:
        runs, parses = _interleaved(project, export, Path(folder), repeats, None)
        held, held_parses = _interleaved(project, export, Path(folder), repeats, 0.05)
    times = ("wall", "cpu")
    return {
        "run": {key: summary([r[key] for r in (runs if key in times else held)]) for key in KEYS},
        "parse": {
            key: summary([p[key] for p in (parses if key in times else held_parses)])
            for key in KEYS
        },
        "wall_ratio": summary(_neighbours(runs, parses, "wall")),
        "rss_ratio": summary(_neighbours(held, held_parses, "tree_rss")),
        "pss_ratio": summary(_neighbours(held, held_parses, "tree_pss")),
    }


def startup(argv: list[str], repeats: int = 5) -> dict:
    """Wall seconds of a whole `diagnostic …` command (its start: imports and the work)."""
    return summary(
        [
            measure([sys.executable, "-m", "diagnostic.cli", *argv], _env())["wall"]
            for _ in range(repeats)
        ]
    )


if __name__ == "__main__":
    import json

    project = Path(sys.argv[1])
    print(
        json.dumps(
            run_against_parse(project, int(sys.argv[2]) if len(sys.argv) > 2 else 3), indent=1
        )
    )
