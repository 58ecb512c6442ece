"""How long the funder workbook takes to write, against bare streaming writers.

The baseline writes the same cells — the rows of the Données sheet (one per actor, one
column per question) and of every other table of the workbook — with no styling, no
charts, nothing but values: once with openpyxl in write-only mode, once with xlsxwriter
in constant-memory mode. The workbook itself is written by xlsxwriter in constant-memory
mode too, with its styles, charts and checks. It is timed whole (preparing the tables
included), the baselines get their rows ready-made: the ratio is what the workbook costs on
top. Above `data_sheet.ANNEX_ABOVE` cells the answers go to a CSV annex beside the
workbook: the baselines then write the Données rows with Python's csv module.

    PYTHONPATH=src python bench/bench_export.py data/M/diagnostic.toml [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import timed

import diagnostic
from diagnostic.export.cells import sheet_rows
from diagnostic.export.data_sheet import data_table, in_annex
from diagnostic.export.synthesis_sheets import portrait_table


def workbook_tables(diag) -> dict[str, pd.DataFrame]:
    """The tables the workbook writes, by sheet (Données first: it holds most cells)."""
    tables = {
        "Données": data_table(diag),
        "Participation": diag.participation,
        "Portrait du territoire": portrait_table(diag.context),
        "Enjeux communs": diag.issue_ranking,
        "Convergences": diag.group_matrix,
        "AFOM": diag.afom,
        "Pistes de coopération": diag.opportunities,
        "Groupes d'acteurs": diag.clusters.drop(columns=["actors"]),
        "Dictionnaire": diag.questions,
        "Anomalies": diag.anomalies,
    }
    if len(diag.votes):
        tables["Priorités partagées"] = diag.shared_priorities
    return tables


def bare_rows(diag) -> dict[str, list[list]]:
    """Header then rows of plain values, sheet by sheet."""
    out = {}
    for name, frame in workbook_tables(diag).items():
        rows = sheet_rows(frame.reset_index(drop=True))
        out[name] = [list(map(str, frame.columns))] + rows
    return out


def _annexed(sheets: dict[str, list[list]], path: Path, annexed: bool) -> dict:
    """The sheets left for the workbook; with `annexed`, « Données » written as CSV."""
    if not annexed:
        return sheets
    import csv

    with open(path.with_suffix(".csv"), "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(sheets["Données"])
    return {k: v for k, v in sheets.items() if k != "Données"}


def write_openpyxl(sheets: dict[str, list[list]], path: Path, annexed: bool = False) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in _annexed(sheets, path, annexed).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def write_xlsxwriter(sheets: dict[str, list[list]], path: Path, annexed: bool = False) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    for name, rows in _annexed(sheets, path, annexed).items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
    wb.close()


def measure_export(diag, repeats: int = 3) -> dict:
    """Time `to_workbook(diag, …)` against bare openpyxl write-only and xlsxwriter writes.

    Returns
    -------
    dict
        workbook, openpyxl_write_only, xlsxwriter: {min, median, max, runs} in seconds;
        ratio: workbook median / fastest bare median; cells and data_rows: what was
        written; text: one line in French for bench/RESULTS.md.
    """
    sheets = bare_rows(diag)
    annexed = in_annex(diag)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        out = {
            "workbook": timed(
                lambda: diagnostic.to_workbook(diag, folder / "classeur.xlsx"), repeats
            ),
            "openpyxl_write_only": timed(
                lambda: write_openpyxl(sheets, folder / "o.xlsx", annexed), repeats
            ),
            "xlsxwriter": timed(
                lambda: write_xlsxwriter(sheets, folder / "x.xlsx", annexed), repeats
            ),
        }
    fastest = min(out["openpyxl_write_only"]["median"], out["xlsxwriter"]["median"])
    out["ratio"] = out["workbook"]["median"] / fastest
    out["cells"] = sum(len(r) for rows in sheets.values() for r in rows)
    out["data_rows"] = len(sheets["Données"]) - 1
    out["annexed"] = annexed
    rows, cells = (f"{n:,}".replace(",", " ") for n in (out["data_rows"], out["cells"]))
    out["text"] = (
        f"{out['workbook']['median']:.2f} s ({rows} lignes de données, {cells} "
        f"cellules) ; openpyxl écriture seule {out['openpyxl_write_only']['median']:.2f}"
        f" s ; xlsxwriter {out['xlsxwriter']['median']:.2f} s ; rapport au plus "
        f"rapide {out['ratio']:.2f}× (cible ≤ 2×)"
    )
    return out


def measure_project(project: Path, repeats: int = 3) -> dict:
    """`measure_export` on the diagnostic of a project file (the hook of run.run)."""
    return measure_export(diagnostic.run_diagnostic(diagnostic.read_project(project)), repeats)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Mesure de l'export du classeur")
    parser.add_argument("project", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    result = measure_project(args.project, args.repeats)
    for key in ("workbook", "openpyxl_write_only", "xlsxwriter"):
        t = result[key]
        print(f"{key:20s} median {t['median']:.2f} s (min {t['min']:.2f}, max {t['max']:.2f})")
    print(result["text"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
