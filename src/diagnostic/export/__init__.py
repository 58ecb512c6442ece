"""Exports: the funder workbook, the HTML report and the result tables as CSV."""

from __future__ import annotations

from pathlib import Path

from diagnostic._io.atomic import staged_folder
from diagnostic.export.data_sheet import annex_path
from diagnostic.export.fiches import to_fiches
from diagnostic.export.html import to_html
from diagnostic.export.network import opportunity_graph, to_gexf, to_kumu
from diagnostic.export.tables import to_tables
from diagnostic.export.workbook import to_workbook
from diagnostic.privacy.audiences import DEFAULT_AUDIENCE, check_audience, shown_names

__all__ = [
    "to_fiches",
    "opportunity_graph",
    "to_gexf",
    "to_html",
    "to_kumu",
    "to_tables",
    "to_workbook",
    "write_outputs",
]


def write_outputs(diag, outdir, audience: str = DEFAULT_AUDIENCE) -> dict[str, Path]:
    """Write ``diagnostic.xlsx`` (and, for a large survey, its data annex
    ``diagnostic_donnees.csv``: see `export.data_sheet.ANNEX_ABOVE`), ``diagnostic.html``,
    ``fiches_projets.html`` (one printable page per cooperation project), ``tables/*.csv``
    and the cooperation
    network (``reseau/cooperation.gexf``, Kumu ``reseau/elements.csv`` and
    ``reseau/connections.csv``) into `outdir`, for `audience` (funder, collective or
    consultant: see `diagnostic.privacy.audiences`).

    The folder is checked first (a file in its place, or no right to write, is refused in
    French); every output is written to a staging folder inside it and swapped in at the
    end under a lock, so that a failed, interrupted or concurrent run never leaves a mix of
    old and new outputs. Other files of `outdir` are left alone.
    """
    check_audience(audience)
    outdir = Path(outdir)
    with staged_folder(outdir) as stage:
        graph = opportunity_graph(diag.opportunities, diag.actors)
        shown = shown_names(diag, audience)
        for node, data in graph.nodes(data=True):
            if node in shown:  # the collective reads consenting structures' names only
                data["label"] = shown[node]
        language = diag.settings.language
        network = {"gexf": to_gexf(graph, stage / "reseau" / "cooperation.gexf", language)}
        network["kumu_elements"], network["kumu_connections"] = to_kumu(
            graph, stage / "reseau", language
        )
        paths = {
            **network,
            "workbook": to_workbook(diag, stage / "diagnostic.xlsx", audience=audience),
            "html": to_html(diag, stage / "diagnostic.html", audience=audience),
            "fiches": to_fiches(diag, stage / "fiches_projets.html", audience=audience),
            "tables": stage / "tables",
            **(
                {"data": annex} if (annex := annex_path(stage / "diagnostic.xlsx")).exists() else {}
            ),
            **{p.stem: p for p in to_tables(diag, stage / "tables", audience)},
        }
    return {key: outdir / Path(path).relative_to(stage) for key, path in paths.items()}
