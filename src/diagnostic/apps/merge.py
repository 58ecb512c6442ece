"""Decisions saved by several visitors of one app at once: merged row by row, under a lock.

Each visitor's page keeps the table as it was when the page loaded (``loaded``) beside the
table the visitor is deciding (``mine``). On save, under a lock on the file, the table on
disk now (``theirs``) is read again and, row by row (a row is named by its key columns):

- a row the visitor did not change takes the value on disk (another visitor's decision is
  kept, never reverted);
- a row the visitor changed, and nobody else since the page loaded (or somebody else to the
  same value), takes the visitor's value;
- a row the visitor changed that somebody else changed to another value since the page
  loaded is a conflict: nothing is written, and the refusal names the rows.
"""

from __future__ import annotations

import html
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from diagnostic._io.atomic import file_locked
from diagnostic.errors import DiagnosticError


@dataclass(frozen=True)
class Merge:
    """The outcome of `merge_rows`.

    Attributes
    ----------
    table : DataFrame
        The merged table: the key and value columns, the rows of ``mine`` in their order,
        then the rows only on disk.
    conflicts : DataFrame
        One row per key changed both by the visitor and, to another value, by somebody
        else: the key columns, then for each value column ``<column>_loaded``,
        ``<column>_mine``, ``<column>_theirs``.
    changed : int
        How many rows the visitor changed since the page loaded.
    """

    table: pd.DataFrame
    conflicts: pd.DataFrame
    changed: int


class SaveConflict(DiagnosticError):
    """A save refused because rows the visitor changed were changed by somebody else since
    the page loaded; nothing was written. ``merge`` holds the rows in conflict."""

    def __init__(self, message: str, merge: Merge, theirs: pd.DataFrame):
        super().__init__(message)
        self.merge, self.theirs = merge, theirs


def _rows(frame: pd.DataFrame, keys: Sequence[str], columns: Sequence[str]) -> dict:
    """key tuple -> value tuple, missing values as None, the last row of a repeated key."""
    out = {}
    cols = list(keys) + list(columns)
    for record in frame.reindex(columns=cols).astype(object).itertuples(index=False):
        values = tuple(None if pd.isna(v) else str(v) for v in record)
        out[values[: len(keys)]] = values[len(keys) :]
    return out


def merge_rows(
    loaded: pd.DataFrame,
    mine: pd.DataFrame,
    theirs: pd.DataFrame,
    keys: Sequence[str],
    columns: Sequence[str],
) -> Merge:
    """Merge a visitor's table with the one on disk, row by row (see the module's doc).

    Values are compared as text (a missing value is its own value); a key missing from a
    table has every value missing there.

    Parameters
    ----------
    loaded : DataFrame
        The table as the visitor's page loaded it.
    mine : DataFrame
        The table as the visitor decided it.
    theirs : DataFrame
        The table on disk now.
    keys, columns : sequence of str
        The columns naming a row, and the columns decided.

    Examples
    --------
    >>> k, c = ["id"], ["status"]
    >>> t = lambda *rows: pd.DataFrame(rows, columns=["id", "status"])
    >>> m = merge_rows(t(("a", "x"), ("b", "x")), t(("a", "y"), ("b", "x")),
    ...                t(("a", "x"), ("b", "z")), k, c)
    >>> m.table.values.tolist(), len(m.conflicts)
    ([['a', 'y'], ['b', 'z']], 0)
    """
    keys, columns = list(keys), list(columns)
    base, own, disk = (_rows(f, keys, columns) for f in (loaded, mine, theirs))
    empty = (None,) * len(columns)
    rows, conflicts, changed = [], [], 0
    for key in list(own) + [k for k in disk if k not in own]:
        b, m, t = base.get(key, empty), own.get(key, empty), disk.get(key, empty)
        if key not in own or m == b:
            value = t if key in disk else m
        else:
            changed += 1
            if t in (b, m):
                value = m
            else:
                conflicts.append(key + b + m + t)
                value = t
        rows.append(key + value)
    table = pd.DataFrame(rows, columns=keys + columns, dtype=object)
    heads = keys + [f"{c}_{side}" for side in ("loaded", "mine", "theirs") for c in columns]
    return Merge(table, pd.DataFrame(conflicts, columns=heads, dtype=object), changed)


def save_rows(
    path,
    loaded: pd.DataFrame,
    mine: pd.DataFrame,
    *,
    keys: Sequence[str],
    columns: Sequence[str],
    read: Callable[[Path], pd.DataFrame],
    write: Callable[[pd.DataFrame, Path], object],
    describe: Callable[[pd.DataFrame], str] | None = None,
) -> Merge:
    """Merge `mine` into the file at `path` under a lock, then write it; or refuse.

    Under `diagnostic._io.atomic.file_locked`, the file is read again with `read` (a missing
    file is taken as `loaded`: nobody saved since the page loaded), merged with `merge_rows`, and written whole with `write` only
    when no row is in conflict.

    Parameters
    ----------
    describe : callable, optional
        Turns the conflicts (`Merge.conflicts`) into French lines naming the rows for the
        refusal; by default the key values.

    Returns
    -------
    Merge
        What was written (``table``) and how many rows the visitor had changed.

    Raises
    ------
    SaveConflict
        When a row the visitor changed was changed by somebody else to another value since
        the page loaded; nothing is written.
    """
    path = Path(path)
    with file_locked(path):
        # no file: nobody saved since the page loaded (the loaded table is the defaults)
        theirs = read(path) if path.exists() else loaded
        merge = merge_rows(loaded, mine, theirs, keys, columns)
        if len(merge.conflicts):
            lines = (describe or _describe(keys))(merge.conflicts)
            n = len(merge.conflicts)
            raise SaveConflict(
                f"« {path.name} » : rien n'a été enregistré. "
                f"{n} ligne{'s' if n > 1 else ''} que vous avez modifiée{'s' if n > 1 else ''} "
                f"{'ont' if n > 1 else 'a'} été modifiée{'s' if n > 1 else ''} par quelqu'un "
                f"d'autre depuis l'ouverture de la page : {lines}",
                merge,
                theirs,
            )
        write(merge.table, path)
    return merge


def _describe(keys: Sequence[str]) -> Callable[[pd.DataFrame], str]:
    def lines(conflicts: pd.DataFrame) -> str:
        return " ; ".join(
            ", ".join(str(v) for v in row) for row in conflicts[list(keys)].to_numpy()
        )

    return lines


class FileWatch:
    """Notices that a file was written since it was last looked at (by another visitor's
    page, say): its inode, modification time and size, read with ``stat`` (the file is not
    opened).

    Examples
    --------
    >>> import tempfile
    >>> from diagnostic._io.atomic import write_text
    >>> path = Path(tempfile.mkdtemp()) / "decisions.csv"
    >>> watch = FileWatch(path)
    >>> watch.changed()
    False
    >>> _ = write_text(path, "status\\n")
    >>> watch.changed(), watch.changed()
    (True, False)
    """

    def __init__(self, path):
        self.path = Path(path)
        self.seen = self._stamp()
        self._timer = None

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except OSError:  # not written yet, or removed
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def changed(self) -> bool:
        """Whether the file was written (or removed) since the last call (or creation)."""
        stamp = self._stamp()
        new = stamp != self.seen
        self.seen = stamp
        return new

    def every(self, seconds: float, callback: Callable[[], None]) -> bool:
        """Call `callback` every `seconds` on the event loop of this thread, the kernel's when
        run from a notebook or Voila (nothing is sent to the browser unless `callback`
        changes a widget, so an idle page stays idle for the server's culler). Returns
        False, and does nothing, outside a running event loop (a script, a test)."""
        import asyncio

        from tornado.ioloop import PeriodicCallback

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        self.stop()
        self._timer = PeriodicCallback(callback, seconds * 1000)
        self._timer.start()
        return True

    def stop(self) -> None:
        """Stop the calls started by `every`."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def follow(self, seconds: float, refresh: Callable[[], object], errors, what: str) -> bool:
        """`every` `seconds`, call `refresh` (an app's re-reading of other visitors' saves);
        an error stops the calls and is shown in `errors` (an ``ipywidgets.Output``) with a
        French line saying the page no longer follows `what` (« les décisions »…)."""

        def tick() -> None:
            try:
                refresh()
            except Exception:  # shown to the user, never swallowed
                self.stop()
                errors.append_stderr(
                    f"Erreur en relisant {what} des autres visiteurs (la page ne les suit "
                    "plus ; rechargez-la) :\n" + traceback.format_exc()
                )

        return self.every(seconds, tick)


def news_html(lines: Sequence[str]) -> str | None:
    """The HTML of an app's news line (what other visitors' saves changed on the page),
    each line escaped; None when there is nothing to say (the line is left as it was)."""
    if not lines:
        return None
    return "<p><i>" + "<br>".join(html.escape(n) for n in lines) + "</i></p>"
