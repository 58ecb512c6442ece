"""Progress shown on long work: a bar appears once a task has run for more than a moment.

Bars go to the terminal's error stream (tqdm), only when it is a terminal and only after
`DELAY` seconds, so that short work, tests and redirected output stay silent. Set
``DIAGNOSTIC_PROGRESS=1`` to show them anyway (a log file of a long run), ``0`` to hide them.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # tqdm is imported only for a bar that may be drawn (a faster start)
    from tqdm import tqdm

#: Seconds of work before a bar is drawn, and between two drawings.
DELAY = 1.0
INTERVAL = 0.5


def _disabled() -> bool | None:
    """tqdm's `disable`: None lets tqdm hide the bar when the stream is not a terminal."""
    wanted = os.environ.get("DIAGNOSTIC_PROGRESS", "").strip()
    return {"1": False, "0": True}.get(wanted)


def bar(
    iterable=None, *, description: str, total: int | None = None, unit: str = "étape"
) -> tqdm | _Silent:
    """A progress bar over `iterable` (or `total` steps, advanced with ``update``).

    Examples
    --------
    >>> with bar(total=3, description="Diagnostic") as b:
    ...     for stage in ("géographie", "enjeux", "coopération"):
    ...         b.set_postfix_str(stage, refresh=False)  # drawn at the next update
    ...         b.update()
    """
    disable = _disabled()
    if disable or (disable is None and not (sys.stderr and sys.stderr.isatty())):
        return _Silent(iterable)  # what tqdm would hide, without importing it
    from tqdm import tqdm

    return tqdm(
        iterable,
        total=total,
        desc=description,
        unit=f" {unit}",
        delay=DELAY,
        leave=False,
        disable=disable,
        dynamic_ncols=True,
        mininterval=INTERVAL,
    )


class _Silent:
    """A bar that is never drawn: iterates `iterable`, and takes the calls made on a bar."""

    def __init__(self, iterable=None):
        self.iterable = iterable
        self.n = 0  # steps done, as tqdm counts them

    def __iter__(self):
        return iter(self.iterable)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        return None

    def close(self) -> None:
        return None
