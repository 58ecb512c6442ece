"""Normalise commune names so that the spellings respondents type meet the official ones."""

from __future__ import annotations

import re

from diagnostic._io.text import fold

_ARTICLES = {"le", "la", "les", "l"}
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ʼ": "'"})
#: "Ferté-Macé (La)", "Ferté-Macé, La": the article written after the name (INSEE's ARTMIN)
_TRAILING_ARTICLE = re.compile(r"(\(\s*(l'|la|le|les)\s*\)|,\s*(l'|la|le|les))\s*$", re.IGNORECASE)


def normalise_name(name: str) -> str:
    """Lower-case, accent-free, hyphen-free form of a commune name, articles dropped.

    Handles accents and ligatures (œ), case, hyphens and apostrophes, ``St``/``Ste``
    abbreviations, ``s/`` for *sur*, and a leading or trailing article (``La Ferté-Macé``,
    ``Ferté-Macé (La)``, ``Ferté Macé``).

    >>> normalise_name("La Ferté-Macé"), normalise_name("ferte mace")
    ('ferte mace', 'ferte mace')
    >>> normalise_name("St Langis lès Mortagne")
    'saint langis les mortagne'
    >>> normalise_name("Authieux-du-Puits (Les)")
    'authieux du puits'
    """
    text = _TRAILING_ARTICLE.sub("", str(name).translate(_LIGATURES).strip())
    text = re.sub(r"\bs/\s*", "sur ", text, flags=re.IGNORECASE)
    words = [_ABBREVIATIONS.get(w, w) for w in re.sub(r"[^a-z0-9]+", " ", fold(text)).split()]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def split_postal_code(text: str) -> tuple[str, str | None]:
    """Separate a 5-digit postal code from a commune name typed with it.

    >>> split_postal_code("61400 Mortagne-au-Perche")
    ('Mortagne-au-Perche', '61400')
    >>> split_postal_code("Mortagne (61400)")
    ('Mortagne', '61400')
    >>> split_postal_code("Bellême")
    ('Bellême', None)
    """
    match = re.search(r"(?<!\d)(\d{5})(?!\d)", str(text))
    if not match:
        return str(text).strip(), None
    rest = text[: match.start()] + " " + text[match.end() :]
    rest = re.sub(r"\(\s*\)|\bcedex\b", " ", rest, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", rest).strip(" ,-–/"), match.group(1)
