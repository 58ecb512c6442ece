"""The words of the result tables, applied once at the edge of every export."""

from __future__ import annotations

import dataclasses
import weakref

from diagnostic.i18n import CODED_COLUMNS, localize

#: id of a diagnostic → its localized copy, dropped with the diagnostic (frozen)
_LOCALIZED: dict[int, object] = {}


def localized(diag):
    """`diag` with the coded columns of its tables in the words of its language.

    The analyses keep codes (« clivant », « gagne du terrain »…); the workbook, the report and
    the CSV tables show them in the project's language.
    """
    language = diag.settings.language
    if language == "fr":
        return diag
    if id(diag) not in _LOCALIZED:  # once per diagnostic: the workbook, report and tables
        tables = {
            name: localize(getattr(diag, name), name, language)
            for name in CODED_COLUMNS
            if getattr(diag, name, None) is not None
        }
        _LOCALIZED[id(diag)] = dataclasses.replace(diag, **tables)
        weakref.finalize(diag, _LOCALIZED.pop, id(diag), None)
    return _LOCALIZED[id(diag)]
