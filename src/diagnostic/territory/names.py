"""Normalise commune names so that the spellings respondents type meet the official ones."""

from __future__ import annotations

import re
import unicodedata

_ARTICLES = {"le", "la", "les", "l"}
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalise_name(name: str) -> str:
    """Lower-case, accent-free, hyphen-free form of a commune name, articles dropped.

    >>> normalise_name("La Ferté-Macé"), normalise_name("ferte mace")
    ('ferte mace', 'ferte mace')
    >>> normalise_name("St Langis lès Mortagne")
    'saint langis les mortagne'
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    text = [_ABBREVIATIONS.get(w, w) for w in text]
    if len(text) > 1 and text[0] in _ARTICLES:
        text = text[1:]
    return " ".join(text)
