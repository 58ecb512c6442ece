"""Exports: the funder workbook, the HTML report and the result tables as CSV."""

from __future__ import annotations

from pathlib import Path

from diagnostic.export.html import to_html
from diagnostic.export.tables import to_tables
from diagnostic.export.workbook import to_workbook

__all__ = ["to_html", "to_tables", "to_workbook", "write_outputs"]


def write_outputs(diag, outdir) -> dict[str, Path]:
    """Write ``diagnostic.xlsx``, ``diagnostic.html`` and ``tables/*.csv`` into `outdir`."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return {
        "workbook": to_workbook(diag, outdir / "diagnostic.xlsx"),
        "html": to_html(diag, outdir / "diagnostic.html"),
        "tables": outdir / "tables",
        **{p.stem: p for p in to_tables(diag, outdir / "tables")},
    }
