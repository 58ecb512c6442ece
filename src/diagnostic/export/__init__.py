"""Exports: the funder workbook, the HTML report and the result tables as CSV."""

from __future__ import annotations

from pathlib import Path

from diagnostic.export.html import to_html
from diagnostic.export.network import opportunity_graph, to_gexf, to_kumu
from diagnostic.export.tables import to_tables
from diagnostic.export.workbook import to_workbook

__all__ = [
    "opportunity_graph",
    "to_gexf",
    "to_html",
    "to_kumu",
    "to_tables",
    "to_workbook",
    "write_outputs",
]


def write_outputs(diag, outdir) -> dict[str, Path]:
    """Write ``diagnostic.xlsx``, ``diagnostic.html``, ``tables/*.csv`` and the cooperation
    network (``reseau/cooperation.gexf``, Kumu ``reseau/elements.csv`` and
    ``reseau/connections.csv``) into `outdir`."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    graph = opportunity_graph(diag.opportunities, diag.actors)
    language = diag.settings.language
    network = {"gexf": to_gexf(graph, outdir / "reseau" / "cooperation.gexf", language)}
    network["kumu_elements"], network["kumu_connections"] = to_kumu(
        graph, outdir / "reseau", language
    )
    return {
        **network,
        "workbook": to_workbook(diag, outdir / "diagnostic.xlsx"),
        "html": to_html(diag, outdir / "diagnostic.html"),
        "tables": outdir / "tables",
        **{p.stem: p for p in to_tables(diag, outdir / "tables")},
    }
