"""Run the benchmarks and write bench/RESULTS.md (``make bench``).

Every figure is a ratio against a baseline measured in the same run, on the same machine:
loading against a bare python-calamine parse and against pandas + openpyxl, the full
diagnostic from M to L against linear growth, the export against bare streaming writers,
peak memory against the in-memory size of the loaded tables.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import tracemalloc
from datetime import date
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_explorer  # noqa: E402
import bench_export  # noqa: E402
import generate  # noqa: E402
from timing import timed  # noqa: E402

import diagnostic  # noqa: E402


def bare_calamine(path: Path):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def load(project: Path):
    p = diagnostic.read_project(project)
    form = diagnostic.read_form(p.surveys[0].form)
    return diagnostic.read_responses(p.surveys[0].responses, form)


def bench_loading(project: Path, repeats: int, with_openpyxl: bool = True) -> dict:
    export = project.parent / "export.xlsx"
    out = {
        "ours": timed(lambda: load(project), repeats),
        "calamine": timed(lambda: bare_calamine(export), repeats),
    }
    if with_openpyxl:
        out["pandas_openpyxl"] = timed(
            lambda: pd.read_excel(export, engine="openpyxl", dtype=str), 1
        )
    return out


def bench_diagnostic(project: Path, repeats: int) -> dict:
    """The whole diagnostic once the exports are loaded: geography, placing, ranking,
    matrix, divergence, opportunities, groups, context (loading is measured apart)."""
    from diagnostic.project.run import read_surveys

    p = diagnostic.read_project(project)
    surveys = read_surveys(p)
    return timed(lambda: diagnostic.run_diagnostic(p, surveys), repeats)


def table_bytes(diag) -> int:
    frames = [diag.actors, diag.answers, diag.responses, diag.needs, diag.offers]
    if diag.indicators is not None:
        frames.append(diag.indicators)
    return int(sum(f.memory_usage(deep=True).sum() for f in frames))


def bench_memory(project: Path) -> dict:
    p = diagnostic.read_project(project)
    gc.collect()
    tracemalloc.start()
    diag = diagnostic.run_diagnostic(p)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"peak_bytes": peak, "tables_bytes": table_bytes(diag)}


def _n(count: int) -> str:
    """12 400 000: French digit groups."""
    return f"{count:,}".replace(",", "\u202f")


def _fmt(d: dict) -> str:
    return f"{d['median']:.2f} s (min {d['min']:.2f}, max {d['max']:.2f}, {d['runs']} runs)"


def run(
    sizes=("S", "M", "L"),
    repeats: int = 3,
    folder: Path = HERE / "data",
    explorer=None,
    export=None,
) -> dict:
    """Generate the inputs (if missing), measure, and return every figure."""
    projects = {}
    for size in sizes:
        project = folder / size / "diagnostic.toml"
        if not project.exists():
            print(f"Génération des données {size}…", file=sys.stderr)
            generate.write_size(folder, size)
        projects[size] = project
    results = {
        "machine": f"{platform.machine()}, {platform.system()}, Python "
        f"{platform.python_version()}, pandas {pd.__version__}",
        "date": date.today().isoformat(),
        "diagnostic": {},
    }
    biggest = sizes[-1]
    print(f"Chargement de {biggest}…", file=sys.stderr)
    results["loading"] = bench_loading(projects[biggest], repeats, with_openpyxl=True)
    for size in sizes:
        print(f"Diagnostic complet {size}…", file=sys.stderr)
        results["diagnostic"][size] = bench_diagnostic(projects[size], repeats)
    national = generate.write_national(folder, biggest)
    print(f"Diagnostic complet {biggest} avec les indicateurs nationaux…", file=sys.stderr)
    results["national"] = bench_diagnostic(national, repeats)
    print(f"Mémoire {biggest} (avec les indicateurs nationaux)…", file=sys.stderr)
    results["memory"] = bench_memory(national)
    if explorer is not None and "M" in projects:
        results["explorer"] = explorer(projects["M"])
    if export is not None:
        results["export"] = export(projects[biggest])
    results["sizes"] = {s: generate.SIZES[s] for s in sizes}
    return results


def report(results: dict) -> str:
    """The RESULTS.md text: each figure and its ratio to its baseline."""
    load_ = results["loading"]
    lines = [
        "# Benchmarks",
        "",
        f"Machine : {results['machine']} — {results['date']}.",
        "Tailles : "
        + ", ".join(
            f"{s} = {n:,} acteurs × {c} colonnes".replace(",", " ")
            for s, (n, c) in results["sizes"].items()
        )
        + ".",
        "",
        "| mesure | valeur | référence | rapport | cible |",
        "|---|---|---|---|---|",
        f"| chargement (lecture, typage, anomalies) | {_fmt(load_['ours'])} | calamine nu : "
        f"{_fmt(load_['calamine'])} | {load_['ours']['median'] / load_['calamine']['median']:.2f}× "
        "| ≤ 1,5× |",
    ]
    if "pandas_openpyxl" in load_:
        lines.append(
            f"| chargement vs pandas + openpyxl | {_fmt(load_['ours'])} | "
            f"{_fmt(load_['pandas_openpyxl'])} | "
            f"{load_['pandas_openpyxl']['median'] / load_['ours']['median']:.1f}× plus rapide | ≥ 5× |"
        )
    diag = results["diagnostic"]
    for size, t in diag.items():
        target = {"S": "< 0,5 s", "L": "< 10 s"}.get(size, "")
        lines.append(f"| diagnostic complet {size} | {_fmt(t)} | | | {target} |")
    if "national" in results:
        biggest = list(diag)[-1]
        lines.append(
            f"| diagnostic complet {biggest} + indicateurs nationaux (35 000 communes × "
            f"100 indicateurs) | {_fmt(results['national'])} | | | "
            f"{'< 10 s' if biggest == 'L' else ''} |"
        )
    if "M" in diag and "L" in diag:
        lines.append(
            f"| croissance M → L (10× acteurs) | | | "
            f"{diag['L']['median'] / diag['M']['median']:.1f}× | ≤ 15× |"
        )
    mem = results["memory"]
    lines.append(
        f"| mémoire de pointe (avec indicateurs nationaux) | "
        f"{mem['peak_bytes'] / 2**20:.0f} Mio | tables chargées : "
        f"{mem['tables_bytes'] / 2**20:.0f} Mio | "
        f"{mem['peak_bytes'] / mem['tables_bytes']:.2f}× | ≤ 3× |"
    )
    if "explorer" in results:
        e = results["explorer"]
        lines.append(
            f"| rappel de l'explorateur ({_n(e['actors'])} acteurs) : un changement de "
            f"filtre redessine chaque figure | médiane {e['median_ms']:.0f} ms, p95 "
            f"{e['p95_ms']:.0f} ms (max {e['max_ms']:.0f} ms, {e['changes']} "
            "changements) | | | médiane < 100 ms, p95 < 250 ms |"
        )
    if "export" in results:
        x = results["export"]
        lines.append(
            f"| export du classeur ({_n(x['data_rows'])} lignes de données, "
            f"{_n(x['cells'])} cellules) | {_fmt(x['workbook'])} | "
            f"openpyxl écriture seule : {_fmt(x['openpyxl_write_only'])} ; "
            f"xlsxwriter mémoire constante : {_fmt(x['xlsxwriter'])} | "
            f"{x['ratio']:.2f}× le plus rapide | ≤ 2× |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Mesures de performance (make bench)")
    parser.add_argument("--sizes", default="S,M,L", help="tailles mesurées (S,M,L)")
    parser.add_argument("--repeats", type=int, default=3, help="répétitions de chaque mesure")
    parser.add_argument(
        "--data",
        type=Path,
        default=HERE / "data",
        help="dossier des données générées (créées si absentes)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="fichier du rapport")
    args = parser.parse_args(argv)
    results = run(
        tuple(args.sizes.split(",")),
        args.repeats,
        folder=args.data,
        explorer=lambda project: bench_explorer.measure_explorer(),
        export=lambda project: bench_export.measure_project(project, args.repeats),
    )
    text = report(results)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
