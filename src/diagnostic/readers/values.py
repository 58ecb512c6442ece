"""Turn raw cells into answer values: choice codes, numbers, ISO dates."""

from __future__ import annotations

import re
from datetime import date

from diagnostic.readers.columns import norm_text

_NUMBER = re.compile(r"^[+-]?(\d{1,3}([ \u202f\xa0.]\d{3})+|\d+)([.,]\d+)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T].*)?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")


def parse_number(text: str) -> str | None:
    """ "3,5" -> "3.5", "1 200" -> "1200", "15.0" -> "15"; None when not a number."""
    t = str(text).strip()
    if not _NUMBER.match(t):
        return None
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    elif re.search(r"\.\d{3}(?!\d)", t) and t.count(".") > 1:
        t = t.replace(".", "")
    t = re.sub(r"[ \u202f\xa0]", "", t)
    value = float(t)
    return str(int(value)) if value.is_integer() else repr(value)


_US_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
#: A US-only spelling: thousands commas followed by decimals, or several thousands commas.
_US_ONLY = re.compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$|^[+-]?\d{1,3}(,\d{3}){2,}(\.\d+)?$")


def us_numbers(cells) -> bool:
    """True when every cell is a number written the US way (``179,900.00``, ``1,250``,
    ``12.5``) and some cell can only be read that way (thousands commas with decimals, or
    several thousands commas): ``1,5`` alone stays the French 1.5."""
    cells = [str(c).strip() for c in cells]
    return (
        bool(cells)
        and all(_US_NUMBER.match(c) for c in cells)
        and any(_US_ONLY.match(c) for c in cells)
    )


def parse_us_number(text: str) -> str | None:
    """ "179,900.00" -> "179900", "1,250.5" -> "1250.5"; None when not a US number."""
    t = str(text).strip()
    if not _US_NUMBER.match(t):
        return None
    value = float(t.replace(",", ""))
    return str(int(value)) if value.is_integer() else repr(value)


def parse_date(text: str) -> str | None:
    """dd/mm/yyyy (French order) or ISO -> "yyyy-mm-dd"; None when not a date."""
    t = str(text).strip()
    m = _ISO.match(t)
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        m = _DMY.match(t)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    except ValueError:
        return None
    return None


#: Spellings platforms use for the codes of built-in answers (LimeSurvey Y/N, "other").
_ALIASES = {
    "y": ("yes", "oui"),
    "n": ("no", "non"),
    "-oth-": ("other", "autre"),
    "other": ("autre",),
}


def choice_lookup(values: list[str], labels: list[str], prefer_labels: bool = False) -> dict:
    """Normalised code or label -> code.

    Codes win over labels, unless `prefer_labels` (exports of full answers, where a label
    "4" may belong to the code "5").
    """
    by_code = {norm_text(v): v for v in values}
    for value in values:
        for alias in _ALIASES.get(norm_text(value), ()):
            by_code.setdefault(alias, value)
    by_label = {}  # type: ignore[var-annotated]
    for value, label in zip(values, labels):
        by_label.setdefault(norm_text(label), value)
    first, second = (by_label, by_code) if prefer_labels else (by_code, by_label)
    return {**second, **first}


def prefers_labels(cells, values: list[str], labels: list[str], weights=None) -> bool:
    """True when more cells read as choice labels than as choice codes.

    `weights` counts each cell several times (distinct cells with their frequencies).
    """
    codes = {norm_text(v) for v in values}
    names = {norm_text(v) for v in labels}
    cells = [norm_text(c) for c in cells]
    weights = [1] * len(cells) if weights is None else list(weights)
    as_label = sum(w for c, w in zip(cells, weights) if c in names)
    return as_label > sum(w for c, w in zip(cells, weights) if c in codes)


def split_multi(text: str, lookup: dict[str, str]) -> list[str] | None:
    """Split a multi-select cell into choice codes.

    Space-joined codes (Kobo, ODK) are tried first; then labels joined with ", " or ";"
    (Google Forms, label exports), matching the longest known labels first so that a
    label containing a comma ("Locaux, salles") stays whole. None when some part is unknown.
    """
    parts = str(text).split()
    if parts and all(norm_text(p) in lookup for p in parts):
        return [lookup[norm_text(p)] for p in parts]
    rest, found = norm_text(text), []
    for key in sorted(lookup, key=len, reverse=True):
        if not key:
            continue
        pattern = rf"(?:^|[,;]\s*){re.escape(key)}(?=\s*[,;]|$)"
        if re.search(pattern, rest):
            found.append(lookup[key])
            rest = re.sub(pattern, ",", rest)
    if re.sub(r"[,;\s]", "", rest):
        return None
    return list(dict.fromkeys(found))
