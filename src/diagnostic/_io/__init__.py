"""The only code that opens files: spreadsheets, delimited text, atomic writes, progress.

Internal: the rest of the package reads and writes through these modules so that every file
passes the same checks (size limits, booby-trapped archives, encodings) and every output is
written whole or not at all.
"""
