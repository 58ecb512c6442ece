"""Progress shown on long work: a bar appears once a task has run for more than a moment.

Bars go to the terminal's error stream (tqdm), only when it is a terminal and only after
`DELAY` seconds, so that short work, tests and redirected output stay silent. Set
``DIAGNOSTIC_PROGRESS=1`` to show them anyway (a log file of a long run), ``0`` to hide them.
"""

from __future__ import annotations

import os

from tqdm import tqdm

#: Seconds of work before a bar is drawn, and between two drawings.
DELAY = 1.0
INTERVAL = 0.5


def _disabled() -> bool | None:
    """tqdm's `disable`: None lets tqdm hide the bar when the stream is not a terminal."""
    wanted = os.environ.get("DIAGNOSTIC_PROGRESS", "").strip()
    return {"1": False, "0": True}.get(wanted)


def bar(iterable=None, *, description: str, total: int | None = None, unit: str = "étape") -> tqdm:
    """A progress bar over `iterable` (or `total` steps, advanced with ``update``).

    Examples
    --------
    >>> with bar(total=3, description="Diagnostic") as b:
    ...     for stage in ("géographie", "enjeux", "coopération"):
    ...         b.set_postfix_str(stage, refresh=False)  # drawn at the next update
    ...         b.update()
    """
    return tqdm(
        iterable,
        total=total,
        desc=description,
        unit=f" {unit}",
        delay=DELAY,
        leave=False,
        disable=_disabled(),
        dynamic_ncols=True,
        mininterval=INTERVAL,
    )
