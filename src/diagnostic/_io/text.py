"""Text files and text folding: the one place that decodes text, parses JSON and TOML, and
strips accents, so that every reader agrees on what « Mortagne » and « MORTAGNE » are.
"""

from __future__ import annotations

import json
import tomllib
import unicodedata
from pathlib import Path

from diagnostic.errors import DiagnosticError


def strip_accents(text, *, compatibility: bool = False) -> str:
    """`text` without its combining marks, case and other characters kept.

    With `compatibility`, compatibility characters are decomposed first (``ﬁ`` -> ``fi``).

    >>> strip_accents("Bellême, Cœur")
    'Belleme, Cœur'
    """
    form = "NFKD" if compatibility else "NFD"
    return "".join(
        c for c in unicodedata.normalize(form, str(text)) if not unicodedata.combining(c)
    )


def fold(text) -> str:
    """Lower-case ASCII form of `text` for comparisons: accents stripped, other non-ASCII
    characters dropped.

    >>> fold("Ferté-Macé"), fold("ÉTÉ")
    ('ferte-mace', 'ete')
    """
    return strip_accents(text, compatibility=True).encode("ascii", "ignore").decode().lower()


def read_text(path, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")) -> str:
    """The text of `path`, decoded with the first of `encodings` that fits.

    Raises DiagnosticError (French, naming the file) when the file is missing or no encoding
    fits.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    except IsADirectoryError:
        raise DiagnosticError(
            "un dossier a été donné à la place d'un fichier.", file=str(path)
        ) from None
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DiagnosticError(
        f"encodage du texte non reconnu (essayé : {', '.join(encodings)}).", file=path.name
    )


def read_json(path):
    """Parse the JSON file `path`; a damaged or absurdly nested file is a French error."""
    path = Path(path)
    text = read_text(path, ("utf-8-sig",))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DiagnosticError(
            f"fichier JSON illisible ({exc.msg}, ligne {exc.lineno}, colonne {exc.colno}).",
            file=path.name,
            row=exc.lineno,
        ) from None
    except RecursionError:
        raise DiagnosticError(
            "JSON imbriqué trop profondément : fichier refusé.", file=path.name
        ) from None


def read_toml(path) -> dict:
    """Parse the TOML file `path` (a project file); a syntax error is a French error."""
    path = Path(path)
    try:
        return tomllib.loads(read_text(path, ("utf-8-sig",)))
    except DiagnosticError:
        raise
    except tomllib.TOMLDecodeError as exc:
        raise DiagnosticError(f"fichier de projet TOML illisible : {exc}", file=path.name) from None
