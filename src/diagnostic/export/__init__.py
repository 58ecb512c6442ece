"""Exports: the funder workbook, the HTML report and the result tables as CSV."""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

from diagnostic._io.atomic import staged_folder
from diagnostic.errors import DiagnosticError
from diagnostic.export.data_sheet import annex_path
from diagnostic.export.fiches import to_fiches
from diagnostic.export.html import to_html
from diagnostic.export.localized import localized
from diagnostic.export.network import opportunity_graph, plain_graph, to_gexf, to_kumu
from diagnostic.export.tables import to_tables
from diagnostic.export.workbook import method_notes, to_workbook
from diagnostic.privacy.audiences import DEFAULT_AUDIENCE, check_audience, shown_names
from diagnostic.privacy.disclosure import disclosed, public_of

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

        def workbook() -> dict[str, Path]:
            book = {"workbook": to_workbook(diag, stage / "diagnostic.xlsx", audience=audience)}
            annex = annex_path(book["workbook"])
            return {**book, "data": annex} if annex.exists() else book

        def the_rest() -> dict[str, Path]:
            # but for the consultant, the pairs and the actors' types and communes as the
            # actors table gives them (`diagnostic.privacy.disclosure`)
            secret = audience == "consultant"
            seen = disclosed(diag, audience)
            graph = opportunity_graph(
                seen.opportunities, diag.actors if secret else public_of(diag).actors
            )
            shown = shown_names(diag, audience)
            for node, data in graph.nodes(data=True):
                if node in shown:  # the collective reads consenting structures' names only
                    data["label"] = shown[node]
            language = diag.settings.language
            plain = plain_graph(graph, language)  # one text-only copy for Gephi and Kumu
            out = {"gexf": to_gexf(plain, stage / "reseau" / "cooperation.gexf", plain=True)}
            out["kumu_elements"], out["kumu_connections"] = to_kumu(
                plain, stage / "reseau", plain=True
            )
            out["html"] = to_html(diag, stage / "diagnostic.html", audience=audience)
            out["fiches"] = to_fiches(diag, stage / "fiches_projets.html", audience=audience)
            out["tables"] = stage / "tables"
            out.update({p.stem: p for p in to_tables(diag, stage / "tables", audience)})
            return out

        # what the workbook and the report both read, computed once before they part
        method_notes(disclosed(localized(diag), audience))
        written: dict[str, Path] = {}
        for part in in_parallel([workbook, the_rest]):
            written.update(part)
        first = ("gexf", "kumu_elements", "kumu_connections", "workbook", "html", "fiches")
        paths = {key: written[key] for key in first} | written
    return {key: outdir / Path(path).relative_to(stage) for key, path in paths.items()}


_JOBS: list = []  # the jobs of `in_parallel`, inherited by the forked worker


def _job(i: int):
    os.environ["DIAGNOSTIC_PROGRESS"] = "0"  # one process draws the progress bars
    return _JOBS[i]()


def in_parallel(jobs: list) -> list:
    """The results of calling each of `jobs` (functions without arguments), in order.

    The first runs in this process, the others in one forked worker process at the same
    time: the workbook on one core, the report, network and tables on another. Forking
    shares the diagnostic's tables with the worker without copying them. Sequential where
    forking is not the way (not Linux), on a single core, or with ``DIAGNOSTIC_PROCESSES=1``.
    An error in the worker is raised here; a worker that died (out of memory) is
    reported in French.
    """
    single = os.environ.get("DIAGNOSTIC_PROCESSES", "").strip() == "1"
    if len(jobs) < 2 or single or not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2:
        return [job() for job in jobs]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _JOBS[:] = jobs
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_job, i) for i in range(1, len(jobs))]
            first = jobs[0]()
            try:
                return [first] + [f.result() for f in futures]
            except BrokenProcessPool:
                raise DiagnosticError(
                    "écriture des sorties interrompue : le processus qui écrivait le rapport "
                    "s'est arrêté (mémoire insuffisante ?) ; relancez avec "
                    "DIAGNOSTIC_PROCESSES=1 pour tout écrire dans un seul processus."
                ) from None
    finally:
        _JOBS.clear()
