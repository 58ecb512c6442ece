"""Write a file whole or not at all: write beside it, then move it into place."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import time
import zipfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from diagnostic.errors import DiagnosticError


@contextmanager
def atomic_path(path: Path):
    """Yield a temporary path in the target's folder; on success, move it onto `path`.

    If the body raises, the temporary file is removed and `path` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def save_workbook(wb, path: Path, *, fixed_time: datetime | None = None) -> None:
    """Save an openpyxl workbook atomically; `fixed_time` makes the bytes reproducible."""
    with atomic_path(path) as tmp:
        wb.save(tmp)
        if fixed_time is not None:
            _freeze_zip(Path(tmp), fixed_time)


def _freeze_zip(path: Path, when: datetime) -> None:
    """Rewrite a zip with every timestamp set to `when`, so equal content gives equal bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data
                )
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


def write_csv(frame, path) -> Path:
    """Write `frame` as a UTF-8 CSV file (no index), atomically, and return its path."""
    return write_csv_parts([frame], path)


def write_csv_parts(frames, path) -> Path:
    """Write `frames` one after the other as one UTF-8 CSV file (no index; the header of
    the first), atomically, and return its path: a large table written part by part.

    The bytes are those of pandas' ``to_csv`` (`_write_frame`)."""
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        for i, frame in enumerate(frames):
            _write_frame(frame, f, header=i == 0)
    return path


#: Rows joined into text at a time (`_write_frame`): the text of a block, not of a table.
CSV_BLOCK = 1 << 16


def _quoted_characters() -> str:
    """The characters that make Python's csv module quote a cell (minimal quoting, the
    platform's line ends), asked of the module itself."""
    found = ""
    for character in ',"\r\n\t\x00 ;':
        out = io.StringIO()
        csv.writer(out, lineterminator=os.linesep).writerow([f"a{character}b", ""])
        found += character if out.getvalue().startswith('"') else ""
    return found


_NEEDS_QUOTES = re.compile(f"[{re.escape(_quoted_characters())}]")


def _write_frame(frame, f, header: bool) -> None:
    """Write `frame` to the text file `f` exactly as ``frame.to_csv(f, index=False)`` does
    (comma, minimal quoting, empty cells for NA, the platform's line ends), column by
    column instead of cell by cell: each distinct text is quoted once and the rows are
    joined as whole lists. Frames with one column, dates or names that are not text are
    written by pandas itself."""
    ours = (
        frame.shape[1] >= 2
        and all(type(name) is str for name in frame.columns)
        and all(_csv_kind(dtype) for dtype in frame.dtypes)
    )
    if not ours:
        frame.to_csv(f, index=False, header=header)
        return
    columns = [_csv_column(frame.iloc[:, j]) for j in range(frame.shape[1])]
    end = os.linesep
    if header:
        f.write(",".join(_csv_field(name) for name in frame.columns) + end)
    for start in range(0, len(frame), CSV_BLOCK):
        block = [column(start, start + CSV_BLOCK) for column in columns]
        f.write(end.join(map(",".join, zip(*block))) + end)


def _csv_kind(dtype) -> str | None:
    """How `_csv_column` writes a column of `dtype`; None: left to pandas (dates…)."""
    import numpy as np
    import pandas as pd

    if isinstance(dtype, np.dtype):
        return {"i": "numbers", "u": "numbers", "b": "numbers", "f": "floats", "O": "objects"}.get(
            dtype.kind
        )
    if isinstance(dtype, pd.StringDtype):
        return "texts"
    if isinstance(dtype, pd.CategoricalDtype):
        return None if dtype.categories.dtype.kind in "Mm" else "categories"
    if isinstance(dtype, pd.Int64Dtype | pd.Float64Dtype | pd.BooleanDtype):
        return "masked"
    return None


def _csv_column(s):
    """A function (start, stop) -> the CSV texts of `s`'s cells in that range, as pandas'
    ``to_csv`` writes them (`pandas.core.indexes.base.get_values_for_csv`, then the csv
    module): numbers as numpy writes them, NA as an empty cell."""
    import numpy as np
    import pandas as pd

    kind = _csv_kind(s.dtype)
    if kind in ("numbers", "floats", "masked"):
        values = s.array._data if kind == "masked" else s.to_numpy()
        missing = (
            s.array._mask if kind == "masked" else np.isnan(values) if kind == "floats" else None
        )

        # Python's str() of a float64 is numpy's text, three times faster (both the
        # shortest text that reads back the same number); not so for other widths
        wide = values.dtype.kind != "f" or values.dtype.itemsize == 8

        def numbers(a, b):
            texts = list(map(str, values[a:b].tolist())) if wide else values[a:b].astype(str)
            if missing is None or not missing[a:b].any():
                return list(texts)
            texts = np.array(texts, dtype=object)
            texts[missing[a:b]] = ""
            return texts.tolist()

        return numbers
    if kind == "categories":
        codes = s.cat.codes.to_numpy()
        texts = np.array([_csv_value(c) for c in s.cat.categories] + [""], dtype=object)
        return lambda a, b: texts[codes[a:b]].tolist()
    if kind == "objects" and pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
        # other objects: each cell on its own (1 and True, 0.0 and -0.0 are not merged)
        cells = [_csv_value(v) for v in s.to_numpy()]
        return lambda a, b: cells[a:b]
    codes, uniques = pd.factorize(s, use_na_sentinel=True)  # texts: each quoted once
    table = np.array([*map(_csv_field, np.asarray(uniques, dtype=object)), ""], dtype=object)
    return lambda a, b: table[codes[a:b]].tolist()


def _csv_value(value) -> str:
    """A cell of objects as pandas and the csv module write it: NA empty, else its str()."""
    return "" if _is_na(value) else _csv_field(value)


def _is_na(value) -> bool:
    """NA as pandas writes it in a column of objects (an empty cell); a list is a value."""
    import pandas as pd

    if value is None or isinstance(value, str):
        return value is None
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _csv_field(value) -> str:
    """One cell as Python's csv writer writes it among others (str() of a non-text)."""
    text = value if type(value) is str else str(value)
    return text if _NEEDS_QUOTES.search(text) is None else _quote(text)


def _quote(text: str) -> str:
    """`text` quoted as the csv module quotes it (its quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")


#: How long a run waits for another run to finish swapping its outputs into the same folder.
LOCK_TIMEOUT = 120
STAGING_PREFIX = ".diagnostic-en-cours-"


def check_output_folder(outdir: Path) -> None:
    """Refuse, in French, an output folder that is a file or that cannot be written.

    Creates the folder when it does not exist; nothing in it is touched.
    """
    outdir = Path(outdir)
    where = f"dossier de sortie « {outdir} »"
    for folder in (outdir, *outdir.parents):
        if folder.exists() and not folder.is_dir():
            raise DiagnosticError(
                f"{where} : « {folder} » est un fichier, pas un dossier ; choisissez un "
                "autre dossier de sortie (-o)."
            )
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DiagnosticError(
            f"{where} : impossible de le créer ({exc.strerror or type(exc).__name__})."
        ) from None
    if not os.access(outdir, os.W_OK | os.X_OK):
        raise DiagnosticError(
            f"{where} : écriture interdite (droits insuffisants) ; choisissez un dossier "
            "où vous pouvez écrire."
        )


@contextmanager
def staged_folder(outdir: Path):
    """Yield a staging folder inside `outdir`; on success, swap its entries into `outdir`.

    Every output of a run is written into the staging folder; only when all are written,
    each one replaces its namesake in `outdir` (a file by `os.replace`, a folder by two
    renames), under a lock so that two runs into one folder never mix their outputs, and
    with Ctrl-C and SIGTERM held back for those few renames. If the body raises, or a
    signal stops it, the staging folder is removed and `outdir` keeps its previous outputs.
    Other files of `outdir` are never touched.
    """
    from filelock import FileLock, Timeout

    outdir = Path(outdir)
    check_output_folder(outdir)
    _remove_stale_stages(outdir)
    stage = None
    try:
        with _signals_held():  # a signal right after mkdtemp would leave it behind
            try:
                stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=outdir))
            except OSError as exc:
                raise DiagnosticError(
                    f"dossier de sortie « {outdir} » : impossible d'y écrire "
                    f"({exc.strerror or type(exc).__name__})."
                ) from None
        os.chmod(stage, 0o777 & ~_umask())
        yield stage
        try:
            with FileLock(_lock_file(outdir), timeout=LOCK_TIMEOUT), _signals_held():
                _swap(stage, outdir)
        except Timeout:
            raise DiagnosticError(
                f"dossier de sortie « {outdir} » : un autre calcul y écrit depuis plus de "
                f"{LOCK_TIMEOUT} s ; réessayez quand il aura fini."
            ) from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)


#: A staging folder untouched for this long was left by a run killed outright (SIGKILL,
#: power cut): no run takes a day, so it is removed.
STALE_AFTER = 24 * 3600


def _remove_stale_stages(outdir: Path) -> None:
    now = time.time()
    for folder in outdir.glob(f"{STAGING_PREFIX}*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _lock_file(outdir: Path) -> Path:
    """The lock taken to swap outputs in: one per user, in the system's temporary folder.

    Swaps last milliseconds, so one lock for all of a user's output folders costs nothing,
    leaves a single empty file behind (a lock file cannot be removed safely while others
    may wait on it) and keeps the output folder free of anything but outputs.
    """
    import getpass

    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment (some containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "diagnostic"
    safe = re.sub(r"[^\w.-]", "_", user)
    return Path(tempfile.gettempdir()) / f"diagnostic-sorties-{safe}.lock"


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _swap(stage: Path, outdir: Path) -> None:
    """Move every entry of `stage` onto `outdir`.

    First every output being replaced goes into ``stage/.old`` (a rename each), then the
    new ones come in. If a rename fails (on Windows, a workbook open in Excel cannot be
    moved), what was moved goes back and the previous outputs stay as they were.
    """
    old = stage / ".old"
    old.mkdir()
    entries = sorted(p for p in stage.iterdir() if p != old)
    moved: list[Path] = []
    try:
        for entry in entries:
            target = outdir / entry.name
            if target.exists() or target.is_symlink():
                os.replace(target, old / entry.name)
                moved.append(target)
    except OSError as exc:
        for back in reversed(moved):
            os.replace(old / back.name, back)
        raise DiagnosticError(
            f"dossier de sortie « {outdir} » : impossible de remplacer « {target.name} » "
            f"({exc.strerror or type(exc).__name__}) ; est-il ouvert dans un autre programme ? "
            "Fermez-le et relancez : les résultats précédents sont intacts."
        ) from None
    for entry in entries:
        os.replace(entry, outdir / entry.name)


@contextmanager
def _signals_held():
    """Hold back SIGINT and SIGTERM while the body runs; act on them afterwards."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    wanted = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None]
    previous = {s: signal.signal(s, lambda signum, _frame: caught.append(signum)) for s in wanted}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if caught:  # now handled as it would have been: KeyboardInterrupt, exit…
            signal.raise_signal(caught[0])


def create_private(path: Path, text: str) -> None:
    """Create `path` with `text`, readable by its owner only, unless it exists already.

    Atomic: the file appears whole or not at all, and when two processes create it at once,
    the first one's content is kept (a hard link never replaces an existing file).
    Raises OSError when the folder is not writable.
    """
    import os
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:  # mkstemp: owner only
            out.write(text)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.remove(tmp)


#: How long a save waits for another visitor's save of the same file.
FILE_LOCK_TIMEOUT = 30


@contextmanager
def file_locked(path: Path, timeout: float = FILE_LOCK_TIMEOUT):
    """Hold a lock on `path` (a file several processes read, merge and rewrite) while the
    body runs: one lock per file, in the system's temporary folder (as `_lock_file`: the
    folder of `path` stays free of lock files).

    Raises `DiagnosticError` in French when another process holds it past `timeout` seconds.
    """
    import hashlib

    from filelock import FileLock, Timeout

    path = Path(path)
    key = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:20]
    lock = Path(tempfile.gettempdir()) / f"diagnostic-{key}.lock"
    try:
        with FileLock(lock, timeout=timeout):
            yield
    except Timeout:
        raise DiagnosticError(
            f"« {path.name} » : une autre personne l'enregistre depuis plus de {timeout:.0f} s ; "
            "réessayez dans un instant."
        ) from None
