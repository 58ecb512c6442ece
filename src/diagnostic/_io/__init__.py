"""The only code that opens files: spreadsheets, delimited text, atomic writes, progress.

Internal: the rest of the package reads and writes through these modules so that every file
passes the same checks (size limits, booby-trapped archives, encodings) and every output is
written whole or not at all.
"""

import os


def spare_core() -> bool:
    """Whether work may be spread over a second core: two cores or more, unless the user
    asked for a single process (``DIAGNOSTIC_PROCESSES=1``)."""
    single = os.environ.get("DIAGNOSTIC_PROCESSES", "").strip() == "1"
    return not single and (os.cpu_count() or 1) >= 2
