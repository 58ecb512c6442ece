"""Exports: the funder workbook, the HTML report and the result tables as CSV."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from diagnostic._io import spare_core
from diagnostic._io.atomic import staged_folder
from diagnostic.errors import DiagnosticError
from diagnostic.export.data_sheet import (
    LoadedData,
    annex_path,
    data_size,
    in_annex,
    write_annex,
)
from diagnostic.export.localized import localized
from diagnostic.export.network import opportunity_graph, to_gexf, to_kumu, write_network
from diagnostic.export.tables import BIG_TABLES, TABLES, to_tables
from diagnostic.export.workbook import keep_checks, method_notes, ranking_checks, to_workbook
from diagnostic.privacy.audiences import DEFAULT_AUDIENCE, check_audience, shown_names
from diagnostic.privacy.disclosure import (
    disclosed,
    public_of,
    public_opportunities,
    remember_public_opportunities,
)

__all__ = [
    "to_fiches",
    "opportunity_graph",
    "outputs",
    "to_gexf",
    "to_html",
    "to_kumu",
    "to_tables",
    "to_workbook",
    "write_outputs",
]

#: Imported when first asked for (`__getattr__`): the report's modules and their charts'
#: are imported by the process that writes the report, not before the analyses.
_LATER = {"to_html": "diagnostic.export.html", "to_fiches": "diagnostic.export.fiches"}


def __getattr__(name: str):
    if name in _LATER:
        import importlib

        return getattr(importlib.import_module(_LATER[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The annex's worker's lower priority (`Early`): on a loaded machine, the analyses keep
#: their core (M, load 2 on 2 cores: the analyses took 1.8 s for 1.3 s of work beside it).
EARLY_NICE = 5
#: Above this many responses (actors × issues), the ranking's checks of the method notes
#: are computed in a worker while this process makes the public view: 9.6 million at L,
#: 5 s; 310,000 at M, a tenth of a second, less than forking for it.
CHECKS_APART_ABOVE = 1_000_000
#: Up to this many actors, the cooperation network is written in a forked worker as soon
#: as the pairs are final (`Outputs.matched`), while the projects, the groups and the
#: public view are computed: 5,000 actors, its 0.5 s taken off the end of the run, the
#: second core idle then. Above, the data annex's worker still holds that core when the
#: pairs are final (50,000 actors: 3 s more), and a third process would hold the graph
#: (hundreds of MB) beside the other two; the network is written with the other outputs.
NETWORK_AHEAD_MAX_ACTORS = 20_000
#: The file name of the funder workbook in the output folder.
WORKBOOK = "diagnostic.xlsx"
#: Cells per part of the data annex written while the analyses run (`Outputs.loaded`):
#: smaller parts than `data_sheet.ANNEX_PART` on a wide survey, the same file. The
#: worker's own memory is memory the run holds twice: 50,000 actors × 245 columns, about
#: +230 MB at its peak by parts of 2,500 actors against +370 MB by parts of 5,000, for
#: some 10 % more of its time, hidden by the analyses running beside it (5,000 actors ×
#: 120 columns: one part, as before).
EARLY_CELLS = 625_000


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
    with outputs(outdir, audience) as out:
        return out.write(diag)


@contextmanager
def outputs(outdir, audience: str = DEFAULT_AUDIENCE):
    """The outputs of one run into `outdir`, begun before the run ends: yields an `Outputs`
    whose `Outputs.loaded` is given to `run_diagnostic` (its ``loaded`` hook), so that the
    outputs that need only the answers as loaded (the data annex) are written in a forked
    worker while the analyses run, and whose `Outputs.write` writes the rest.

    Written whole or not at all, as `write_outputs`: everything goes to one staging folder,
    swapped into `outdir` when the body ends without error; an error anywhere (the worker's
    included) or an interruption publishes nothing and stops the worker.
    """
    check_audience(audience)
    outdir = Path(outdir)
    with staged_folder(outdir) as stage:
        out = Outputs(outdir, stage, audience)
        try:
            yield out
        finally:
            out.stop()


@dataclass(frozen=True)
class MatchedData:
    """What the cooperation network reads of a diagnostic, all known once the pairs are
    final, before the projects and the groups (`run_diagnostic`'s ``matched`` hook): the
    network's files are written from it as from the `Diagnostic` (`_network`)."""

    settings: object
    questions: pd.DataFrame
    choices: pd.DataFrame
    actors: pd.DataFrame
    personal: pd.DataFrame
    communes: pd.DataFrame
    opportunities: pd.DataFrame


def _network(diag, folder: Path, audience: str, opportunities: pd.DataFrame) -> dict[str, Path]:
    """Write the cooperation network of `diag` (a `Diagnostic` or `MatchedData`) into
    ``folder / "reseau"``: `opportunities` as `audience` reads them (`disclosed`), the
    actors' types and communes as the public view gives them but for the consultant, and
    the names `audience` may read (`shown_names`)."""
    secret = audience == "consultant"
    graph = opportunity_graph(opportunities, diag.actors if secret else public_of(diag).actors)
    shown = shown_names(diag, audience)
    for node, data in graph.nodes(data=True):
        if node in shown:  # the collective reads consenting structures' names only
            data["label"] = shown[node]
    gexf, elements, connections = write_network(graph, folder / "reseau", diag.settings.language)
    return {"gexf": gexf, "kumu_elements": elements, "kumu_connections": connections}


class Outputs:
    """The outputs of a run being written into the staging folder `stage` (see `outputs`)."""

    def __init__(self, outdir: Path, stage: Path, audience: str):
        self.outdir, self.stage, self.audience = outdir, stage, audience
        self.early: Early | None = None  # the data annex's worker
        self.ahead: Early | None = None  # the network's worker
        self.matched_data: MatchedData | None = None  # what the network's worker read

    def loaded(self, **tables) -> None:
        """Start the outputs that need only the loaded answers (the fields of
        `LoadedData`), in a forked worker, when they are large enough to be worth it: the
        data annex (`in_annex`). Nothing here when the writing runs in one process
        (`parallel`): `write` then writes everything, in the same order as ever."""
        data = LoadedData(**tables)
        if self.early is not None or not parallel() or not in_annex(data):
            return
        path = annex_path(self.stage / WORKBOOK)
        audience = self.audience
        part = max(1, EARLY_CELLS // data_size(data)[1])
        # not waited for before the analyses and the public view are done: it yields to them
        self.early = Early(
            lambda: {"data": write_annex(data, path, part, audience=audience)}, nice=EARLY_NICE
        )

    def matched(self, **tables) -> None:
        """Start the cooperation network once the pairs are final (the fields of
        `MatchedData`), in a forked worker, up to `NETWORK_AHEAD_MAX_ACTORS` actors: the
        very files `write` would write, from the same tables. Nothing here when the writing
        runs in one process (`parallel`)."""
        data = MatchedData(**tables)
        if self.ahead is not None or not parallel():
            return
        if data.actors["actor_id"].nunique() > NETWORK_AHEAD_MAX_ACTORS:
            return
        stage, audience = self.stage, self.audience

        def network(tell) -> dict[str, Path]:
            # `disclosed`'s opportunities: the consultant's as they are, else the public
            # view's, computed from the same tables and told to this process, whose public
            # view then takes them (`remember_public_opportunities`)
            if audience == "consultant":
                tell(None)
                seen = data.opportunities
            else:
                seen = public_opportunities(data)
                tell(seen)
            return _network(data, stage, audience, seen)

        self.ahead = Early(network, tells=True)
        self.matched_data = data

    def stop(self) -> None:
        """Stop the workers if they still run (after an error: their files are not
        published)."""
        for worker in (self.early, self.ahead):
            if worker is not None:
                worker.stop()

    def write(self, diag) -> dict[str, Path]:
        """Write the outputs of `diag` into the staging folder (those `loaded` began are
        waited for); returns each output's path in the output folder."""
        stage, audience, early = self.stage, self.audience, self.early

        def workbook() -> dict[str, Path]:
            path = to_workbook(diag, stage / WORKBOOK, audience=audience, annex=early is None)
            annex = annex_path(path)
            return {"workbook": path, "data": annex} if annex.exists() else {"workbook": path}

        def network() -> dict[str, Path]:
            # but for the consultant, the pairs and the actors' types and communes as the
            # actors table gives them (`diagnostic.privacy.disclosure`)
            return _network(diag, stage, audience, disclosed(diag, audience).opportunities)

        def tables_part(names: tuple[str, ...]):
            def tables() -> dict[str, Path]:
                out = {"tables": stage / "tables"}
                out.update({p.stem: p for p in to_tables(diag, stage / "tables", audience, names)})
                return out

            return tables

        # the largest table apart (50,000 actors: clusters 107 MB of the tables' 180 MB),
        # so that the two processes end close together
        tables = tables_part(BIG_TABLES)
        other_tables = tables_part(tuple(n for n in TABLES if n not in BIG_TABLES))

        def report() -> dict[str, Path]:
            from diagnostic.export.html import to_html  # its charts' modules: here only

            return {"html": to_html(diag, stage / "diagnostic.html", audience=audience)}

        def fiches() -> dict[str, Path]:
            from diagnostic.export.fiches import to_fiches

            return {"fiches": to_fiches(diag, stage / "fiches_projets.html", audience=audience)}

        def documents() -> dict[str, Path]:
            return report() | workbook()  # the method notes computed once, for both

        # what the workbook and the report both read, computed once before they part: the
        # ranking's checks in a worker while this process makes the public view (two
        # processes at most: not while the early one still runs)
        apart = len(diag.responses) > CHECKS_APART_ABOVE and parallel()
        busy = early is not None and not early.done()
        checks = Early(lambda: ranking_checks(diag)) if apart and not busy else None
        ahead, data = self.ahead, self.matched_data
        if ahead is not None and data is not None and audience != "consultant":
            # the public opportunities the network's worker computed: the public view takes
            # them if they are those of this diagnostic's very tables
            remember_public_opportunities(data, ahead.told())
        try:
            view = disclosed(localized(diag), audience)
            if checks is not None:
                keep_checks(view, checks.result())
        finally:
            if checks is not None:
                checks.stop()
        # costly checks the annex's worker leaves no core for: not computed here before
        # the writing parts (50,000 actors: 4 s alone, the second core idle once the annex
        # is written) but by the process that writes the report and the workbook, one job
        later = apart and busy
        if not later:
            method_notes(view)
        written: dict[str, Path] = {}
        # the longest two first (50,000 actors: network 6 to 7 s, tables 4 s, report
        # 0.5 s, workbook without its data 0.2 to 0.8 s, fiches 0.2 s; 5,000 actors: 0.6,
        # 0.6, 0.5, 0.2, 0.05 s): the tables here, the network in the worker (networkx,
        # 0.1 s to import, is imported there only), then each process takes the next job
        # left as soon as it is free. While the data annex's worker still runs, this
        # process begins alone, the tables first; the worker, forked now, waits for the
        # annex's to end and then takes the next job left, the network if it is still there.
        # The rest of the tables before the report: at 5,000 actors this process then
        # writes the tables and the report while the worker writes the network, and the
        # workbook goes to whichever is free first (the outputs 0.75 -> 0.66 s)
        rest = (
            [documents, other_tables, fiches] if later else [other_tables, report, workbook, fiches]
        )
        # the network begun when the pairs were final (`matched`) is not written again
        jobs = [tables, *rest] if ahead is not None else [tables, network, *rest]
        for part in in_parallel(jobs, after=early):
            written.update(part)
        for worker in (early, ahead):
            if worker is not None:
                written.update(worker.result())
        first = ("gexf", "kumu_elements", "kumu_connections", "workbook", "html", "fiches")
        paths = {key: written[key] for key in first} | written
        return {key: self.outdir / Path(path).relative_to(stage) for key, path in paths.items()}


def parallel() -> bool:
    """Whether the outputs are written in two processes: on Linux (forked workers share the
    tables without copying them), with two cores or more, unless ``DIAGNOSTIC_PROCESSES=1``."""
    return sys.platform.startswith("linux") and spare_core()


_DIED = (
    "écriture des sorties interrompue : le processus qui écrivait le rapport "
    "s'est arrêté (mémoire insuffisante ?) ; relancez avec "
    "DIAGNOSTIC_PROCESSES=1 pour tout écrire dans un seul processus."
)


_UNTOLD = object()


class Early:
    """`job` (a function without arguments) run now in a forked worker process, while this
    one goes on; `result` waits for its result (its error raised here), `stop` ends it.

    `nice`: the worker's lower priority (``os.nice``), for a job that is not waited for
    soon: on a machine whose other core is busy, this process keeps its core.

    `tells`: the job is called with one argument, a function by which it tells this process
    one value before it ends (its first part's result); `told` waits for that value. `done`
    is then not asked (the value told would read as the end)."""

    def __init__(self, job, nice: int = 0, tells: bool = False):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)

        telling: list[threading.Thread] = []

        def tell(value) -> None:
            # sent by a thread: a value larger than the pipe holds waits there until this
            # process reads it, while the job goes on
            telling.append(threading.Thread(target=send.send, args=((None, value),)))
            telling[-1].start()

        def run() -> None:
            os.environ["DIAGNOSTIC_PROGRESS"] = "0"  # one process draws the progress bars
            if nice:
                os.nice(nice)
            try:
                outcome = (True, job(tell) if tells else job())
            except BaseException as exc:  # raised in the parent by `result`
                outcome = (False, exc)
            for thread in telling:  # the value told before the end
                thread.join()
            try:
                send.send(outcome)
            except Exception:  # an error that cannot be pickled: its message
                send.send((False, DiagnosticError(str(outcome[1]))))

        self._process = context.Process(target=run, daemon=True)
        # the objects of this process as they stand left out of the worker's garbage
        # collections: collecting writes to every object it looks at, and each page
        # written is a page the fork no longer shares (its memory counted twice)
        _give_back_freed_memory()
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        send.close()  # the worker holds the writing end: its end is seen here as EOF
        self._outcome: tuple | None = None
        self._told = _UNTOLD

    def done(self) -> bool:
        """Whether the worker has finished (its result is ready, or it died)."""
        return self._outcome is not None or self._receive.poll()

    def _next(self) -> tuple:
        """The worker's next message; a worker that died (out of memory, killed) without
        a word reported in French."""
        try:
            return self._receive.recv()
        except EOFError:
            return (False, DiagnosticError(_DIED))

    def _read(self) -> None:
        """Read the worker's messages until its outcome: the value told, then the end."""
        while self._outcome is None:
            message = self._next()
            if message[0] is None and self._told is _UNTOLD:
                self._told = message[1]
                continue
            self._outcome = message
            self._process.join()

    def told(self):
        """The value the job told (`tells`), once it has; the job's error raised here if it
        failed before telling it."""
        if self._told is _UNTOLD and self._outcome is None:
            message = self._next()
            if message[0] is None:
                self._told = message[1]
            else:
                self._outcome = message
                self._process.join()
        if self._told is _UNTOLD:
            self.result()  # its error, or a job that ended without telling
            raise DiagnosticError("le processus de travail n'a rien transmis.")
        return self._told

    def result(self):
        """The job's result, once the worker has finished; its error raised here; a worker
        that died (out of memory, killed) reported in French."""
        self._read()
        assert self._outcome is not None
        ok, value = self._outcome
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """End the worker now if it still runs (its result is no longer wanted)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receive.close()


#: Below this peak resident size, no garbage is collected before forking: what a freed
#: page shared with the worker may cost is small, the collection is not (5,000 actors: 25
#: to 40 ms a fork, twice in a run; 50,000 actors: 1.5 GB, collected).
GIVE_BACK_ABOVE = 512 * 1024**2


def _give_back_freed_memory() -> None:
    """Collect garbage, then return the memory freed to the system (glibc's
    ``malloc_trim``), before forking: a page freed but kept would be shared by the worker,
    then copied when this process reuses it (its memory counted twice). Only for a process
    that has held more than `GIVE_BACK_ABOVE` (its peak, in kilobytes on Linux)."""
    import resource

    if resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 <= GIVE_BACK_ABOVE:
        return
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        pass


_JOBS: list = []  # the jobs of `in_parallel`, inherited by the forked worker
_NEXT: list = []  # [the shared count of jobs taken], inherited likewise
_AFTER: list = []  # [the busy early worker's pipe], inherited by a worker that waits for it


def _take() -> int:
    """The index of the next job nobody has taken yet (counted across both processes)."""
    counter = _NEXT[0]
    with counter.get_lock():
        i = counter.value
        counter.value += 1
    return i


def _work(first: int | None) -> dict:
    """Run job `first` (none: the next one left), then the jobs left, one at a time:
    {index: result}."""
    done = {} if first is None else {first: _JOBS[first]()}
    while (i := _take()) < len(_JOBS):
        done[i] = _JOBS[i]()
    return done


def _worker() -> dict:
    os.environ["DIAGNOSTIC_PROGRESS"] = "0"  # one process draws the progress bars
    return _work(1)


def _late_worker() -> dict:
    """Wait, without using the processor, for the early worker to finish (its pipe holds
    its result, or is closed if it died: read by the parent, not here), then take jobs."""
    os.environ["DIAGNOSTIC_PROGRESS"] = "0"
    _AFTER[0].poll(None)
    return _work(None)


def in_parallel(jobs: list, after: Early | None = None) -> list:
    """The results of calling each of `jobs` (functions without arguments), in order.

    The first runs in this process and the second in one forked worker process at the
    same time (the network on one core, the tables on the other); then each process
    takes the next job nobody has taken as soon as it is free, so that the two finish
    close together whatever each job costs. Forking shares the diagnostic's tables with
    the worker without copying them. Sequential where forking is not the way (not Linux),
    on a single core, or with ``DIAGNOSTIC_PROCESSES=1``. An error in the worker is raised
    here; a worker that died (out of memory) is reported in French.

    `after`, a worker still busy (`Early`): two processes at work at most, so the worker
    is forked now but waits for it to finish (the annex's worker at 50,000 actors), then
    takes the next job left, in order (the callers list the longest first), while this
    process may still be in the middle of one.
    """
    if len(jobs) < 2 or not parallel():
        return [job() for job in jobs]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    _JOBS[:] = jobs
    late = after is not None and not after.done()
    # jobs 0 and 1 are given (none when the worker waits); the rest are taken
    _NEXT[:] = [context.Value("i", 0 if late else 2)]
    _AFTER[:] = [after._receive] if late else []  # type: ignore[union-attr]
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            future = pool.submit(_late_worker if late else _worker)
            try:
                done = {} if late else {0: _JOBS[0]()}
                done.update(_work(None))
            except BaseException:
                _NEXT[0].value = len(jobs)  # the worker takes no more jobs
                if late:  # nor waits for the early one: nothing of this run is kept
                    after.stop()  # type: ignore[union-attr]
                raise
            try:
                done.update(future.result())
            except BrokenProcessPool:
                raise DiagnosticError(_DIED) from None
            return [done[i] for i in range(len(jobs))]
    finally:
        _JOBS.clear()
        _NEXT.clear()
        _AFTER.clear()
