"""The words of the result tables, applied once at the edge of every export."""

from __future__ import annotations

import dataclasses

from diagnostic.i18n import CODED_COLUMNS, localize


def localized(diag):
    """`diag` with the coded columns of its tables in the words of its language.

    The analyses keep codes (« clivant », « gagne du terrain »…); the workbook, the report and
    the CSV tables show them in the project's language.
    """
    language = diag.settings.language
    if language == "fr":
        return diag
    tables = {
        name: localize(getattr(diag, name), name, language)
        for name in CODED_COLUMNS
        if getattr(diag, name, None) is not None
    }
    return dataclasses.replace(diag, **tables)
