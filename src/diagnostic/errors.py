"""The one exception users see: a plain-language message naming file, row and column."""

from __future__ import annotations


class DiagnosticError(Exception):
    """Bad input that stops the work, explained in plain French.

    Parameters
    ----------
    message : str
        What is wrong and what to do, in French.
    file, row, column : optional
        Where the problem is; included in the message when known.
    """

    def __init__(self, message: str, *, file=None, row=None, column=None):
        self.file, self.row, self.column = file, row, column
        where = []
        if file is not None:
            where.append(f"fichier « {file} »")
        if row is not None:
            where.append(f"ligne {row}")
        if column is not None:
            where.append(f"colonne « {column} »")
        prefix = (", ".join(where) + " : ") if where else ""
        super().__init__(prefix + message)


class SchemaError(DiagnosticError):
    """A table that does not meet its contract (`diagnostic.schemas`): a missing column, or
    a value that is not of the column's type. Raised by `diagnostic.schemas.validate`."""
