"""One normaliser for INSEE commune codes, whatever spreadsheets did to them.

Excel strips leading zeros (``9001`` for ``09001``), spreadsheets hand back floats
(``61001.0``), old files split the code into département + 3-digit commune, and Corsica
uses ``2A``/``2B``. Every repair and every rejection becomes an anomaly: a code is never
silently turned into a missing value.
"""

from __future__ import annotations

import re

import pandas as pd

from diagnostic.anomalies import REJECTED, REPAIRED, AnomalyLog

_VALID = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_FLOAT = re.compile(r"^(\d+)\.0*$")
_DEP = re.compile(r"^(\d{1,3}|2[AB])$")


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().strip("'\"").upper()
    match = _FLOAT.match(text)
    return match.group(1) if match else text


def check_commune_code(value) -> tuple[str | None, str | None]:
    """Normalise one commune code.

    Parameters
    ----------
    value : str, int, float or None
        The code as read from a file.

    Returns
    -------
    (code, problem)
        The 5-character COG code (or None) and a French description of what was repaired
        or why the code is rejected (None when the code was already correct).

    Examples
    --------
    >>> check_commune_code("9001")
    ('09001', 'zéro initial perdu (Excel) : code complété')
    >>> check_commune_code(61001.0)
    ('61001', None)
    >>> check_commune_code("2a004")
    ('2A004', None)
    """
    text = _text(value)
    if not text:
        return None, "code commune vide"
    if _VALID.match(text):
        if text.startswith("20"):
            return None, "le département 20 n'existe plus : écrire 2A ou 2B (Corse)"
        return text, None
    if re.fullmatch(r"\d{4}", text):
        return "0" + text, "zéro initial perdu (Excel) : code complété"
    if re.fullmatch(r"2[AB]\d{1,2}", text):
        return text[:2] + text[2:].zfill(3), "zéros perdus dans un code corse : code complété"
    return None, "code commune invalide (5 caractères attendus, comme 09001 ou 2A004)"


def join_commune_code(departement, commune) -> tuple[str | None, str | None]:
    """Build a commune code from split département and 3-digit commune columns.

    >>> join_commune_code("9", "1")
    ('09001', None)
    >>> join_commune_code("971", "101")
    ('97101', None)
    """
    dep, com = _text(departement), _text(commune)
    if not _DEP.match(dep) or not re.fullmatch(r"\d{1,3}", com):
        return None, f"département « {dep} » ou numéro de commune « {com} » invalide"
    if len(dep) == 3:  # overseas: 971 + 101 -> 97101
        return check_commune_code(dep[:2] + com.zfill(3)[-3:])
    return check_commune_code(dep.zfill(2) + com.zfill(3))


def normalise_departement(value) -> str | None:
    """``9`` → ``09``, ``2a`` → ``2A``, ``971`` unchanged; None when not a département code."""
    text = _text(value)
    if not _DEP.match(text):
        return None
    return text if len(text) == 3 or text.startswith("2") and text[1:] in "AB" else text.zfill(2)


def normalise_codes(
    values,
    log: AnomalyLog,
    *,
    column: str,
    rows=None,
    departements=None,
    invalid_action: str = REJECTED,
) -> pd.Series:
    """Normalise a column of commune codes, logging every repair and rejection.

    Parameters
    ----------
    values : sequence
        Codes as read, or 3-digit commune numbers when `departements` is given.
    log : AnomalyLog
        Receives one anomaly per repaired or rejected code (file, row, column, value).
    column : str
        Column name shown in anomalies.
    rows : sequence of int, optional
        Row numbers in the file (defaults to 1-based positions after a header line).
    departements : sequence, optional
        Département codes, for files that split the commune code in two columns.
    invalid_action : str
        Action recorded for rejected codes: the caller drops those rows (``rejeté``) or
        keeps them without a code (``conservé``).

    Returns
    -------
    pandas.Series
        string dtype; rejected codes are missing and each has its anomaly.
    """
    values = list(values)
    rows = list(rows) if rows is not None else list(range(2, len(values) + 2))
    deps = list(departements) if departements is not None else [None] * len(values)
    out = []
    for value, dep, row in zip(values, deps, rows):
        if departements is None:
            code, problem = check_commune_code(value)
            shown = value
        else:
            code, problem = join_commune_code(dep, value)
            shown = f"{_text(dep)} + {_text(value)}"
        if problem:
            log.add(
                problem, REPAIRED if code else invalid_action, row=row, column=column, value=shown
            )
        out.append(code)
    return pd.Series(pd.array(out, dtype="string"))
