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

        def network() -> dict[str, Path]:
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
            return out

        def tables() -> dict[str, Path]:
            out = {"tables": stage / "tables"}
            out.update({p.stem: p for p in to_tables(diag, stage / "tables", audience)})
            return out

        def report() -> dict[str, Path]:
            return {"html": to_html(diag, stage / "diagnostic.html", audience=audience)}

        def fiches() -> dict[str, Path]:
            return {"fiches": to_fiches(diag, stage / "fiches_projets.html", audience=audience)}

        # what the workbook and the report both read, computed once before they part
        method_notes(disclosed(localized(diag), audience))
        written: dict[str, Path] = {}
        # the longest first: the workbook here, the network in the worker, then each
        # process takes the next job left as soon as it is free
        for part in in_parallel([workbook, network, tables, report, fiches]):
            written.update(part)
        first = ("gexf", "kumu_elements", "kumu_connections", "workbook", "html", "fiches")
        paths = {key: written[key] for key in first} | written
    return {key: outdir / Path(path).relative_to(stage) for key, path in paths.items()}


_JOBS: list = []  # the jobs of `in_parallel`, inherited by the forked worker
_NEXT: list = []  # [the shared count of jobs taken], inherited likewise


def _take() -> int:
    """The index of the next job nobody has taken yet (counted across both processes)."""
    counter = _NEXT[0]
    with counter.get_lock():
        i = counter.value
        counter.value += 1
    return i


def _work(first: int) -> dict:
    """Run job `first`, then the jobs left, one at a time: {index: result}."""
    done = {first: _JOBS[first]()}
    while (i := _take()) < len(_JOBS):
        done[i] = _JOBS[i]()
    return done


def _worker() -> dict:
    os.environ["DIAGNOSTIC_PROGRESS"] = "0"  # one process draws the progress bars
    return _work(1)


def in_parallel(jobs: list) -> list:
    """The results of calling each of `jobs` (functions without arguments), in order.

    The first runs in this process and the second in one forked worker process at the
    same time (the workbook on one core, the network on the other); then each process
    takes the next job nobody has taken as soon as it is free, so that the two finish
    close together whatever each job costs. Forking shares the diagnostic's tables with
    the worker without copying them. Sequential where forking is not the way (not Linux),
    on a single core, or with ``DIAGNOSTIC_PROCESSES=1``. An error in the worker is raised
    here; a worker that died (out of memory) is reported in French.
    """
    single = os.environ.get("DIAGNOSTIC_PROCESSES", "").strip() == "1"
    if len(jobs) < 2 or single or not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2:
        return [job() for job in jobs]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    _JOBS[:] = jobs
    _NEXT[:] = [context.Value("i", 2)]  # jobs 0 and 1 are given; the rest are taken
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            future = pool.submit(_worker)
            try:
                done = _work(0)
            except BaseException:
                _NEXT[0].value = len(jobs)  # the worker takes no more jobs
                raise
            try:
                done.update(future.result())
            except BrokenProcessPool:
                raise DiagnosticError(
                    "écriture des sorties interrompue : le processus qui écrivait le rapport "
                    "s'est arrêté (mémoire insuffisante ?) ; relancez avec "
                    "DIAGNOSTIC_PROCESSES=1 pour tout écrire dans un seul processus."
                ) from None
            return [done[i] for i in range(len(jobs))]
    finally:
        _JOBS.clear()
        _NEXT.clear()
