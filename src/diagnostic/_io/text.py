"""Text files and text folding: the one place that decodes text, parses JSON and TOML, and
strips accents, so that every reader agrees on what « Mortagne » and « MORTAGNE » are.

Delimited files are decoded as users save them: UTF-8 (with or without BOM), Windows-1252,
UTF-16 (with a BOM, or without one when its zero bytes give it away), and UTF-8 files in
which a few lines were pasted from a Windows-1252 source: those lines are decoded as
Windows-1252 and reported by line number. Files no survey produces (a 64 MB line, twenty
million separators) are refused before they are parsed.
"""

from __future__ import annotations

import codecs
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
    decomposed = unicodedata.normalize("NFKD" if compatibility else "NFD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text) -> str:
    """Lower-case ASCII form of `text` for comparisons: accents stripped, other non-ASCII
    characters dropped.

    >>> fold("Ferté-Macé"), fold("ÉTÉ")
    ('ferte-mace', 'ete')
    """
    return strip_accents(text, compatibility=True).encode("ascii", "ignore").decode().lower()


def read_text(path, *, utf8_only: bool = False) -> str:
    """The text of `path`, decoded like every delimited file (`decode_text`: UTF-8 with or
    without BOM, UTF-16, Windows-1252, or a mix of UTF-8 and Windows-1252 lines); with
    `utf8_only` (JSON, TOML, the project's key), UTF-8 only.

    Raises DiagnosticError (French, naming the file) when the file is missing or cannot be
    decoded.
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
    if not utf8_only:
        return decode_text(raw, path.name)[0]
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiagnosticError(
            f"ce fichier doit être en UTF-8 (octet illisible en position {exc.start}).",
            file=path.name,
        ) from None


def read_json(path):
    """Parse the JSON file `path`; a damaged or absurdly nested file is a French error."""
    path = Path(path)
    text = read_text(path, utf8_only=True)
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
        return tomllib.loads(read_text(path, utf8_only=True))
    except DiagnosticError:
        raise
    except tomllib.TOMLDecodeError as exc:
        raise DiagnosticError(f"fichier de projet TOML illisible : {exc}", file=path.name) from None


#: No survey export has a line this long (Excel holds 32,767 characters per cell) or this
#: many columns (Excel stops at 16,384): beyond, the file is refused before it is parsed.
MAX_LINE_BYTES = 16 * 1024**2
MAX_COLUMNS = 16_384
#: Lines of a mixed file named one by one in the notes.
MIXED_SHOWN = 20


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _mebibytes(n: int) -> str:
    return f"{n / 1024**2:.0f} Mo"


def check_lines(raw: bytes, name: str) -> None:
    """Refuse a file with a line longer than `MAX_LINE_BYTES`, naming the line.

    Done on the bytes with numpy before any parsing, so that a 64 MB line or 20 MB of
    separators costs one pass over the file, not a row of twenty million cells.
    """
    if len(raw) <= MAX_LINE_BYTES:
        return
    import numpy as np  # here only: reading a project file needs no numpy

    ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)
    lengths = np.diff(np.concatenate(([-1], ends, [len(raw)]))) - 1
    too_long = np.flatnonzero(lengths > MAX_LINE_BYTES)
    if len(too_long):
        line = int(too_long[0])
        raise DiagnosticError(
            f"ligne de {_mebibytes(int(lengths[line]))}, bien plus longue qu'une ligne "
            f"d'export d'enquête (limite {_mebibytes(MAX_LINE_BYTES)}) : fichier endommagé ou "
            "qui n'est pas un tableau de réponses ; il n'est pas lu.",
            file=name,
            row=line + 1,
        )


def check_columns(row: list, name: str, line: int) -> None:
    """Refuse a row of more than `MAX_COLUMNS` cells."""
    if len(row) > MAX_COLUMNS:
        raise DiagnosticError(
            f"{_thousands(len(row))} colonnes sur cette ligne (limite {_thousands(MAX_COLUMNS)}) : "
            "fichier endommagé ou qui n'est pas un tableau de réponses ; il n'est pas lu.",
            file=name,
            row=line,
        )


def _utf16(raw: bytes) -> str | None:
    """The UTF-16 codec of `raw`: from its BOM, or from zero bytes in every other place."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = raw[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def decode_text(
    raw: bytes, name: str, *, strict: bool = True
) -> tuple[str, str, list[tuple[str, int | None]]]:
    """Decode a delimited text file.

    With ``strict=False``, bytes Windows-1252 leaves undefined become U+FFFD instead of
    refusing the file.

    Returns
    -------
    (text, encoding, notes)
        The text (BOM removed), the encoding found (``utf-8``, ``utf-8-sig``, ``cp1252``,
        ``utf-16``…, or ``utf-8+cp1252`` for a mixed file) and, for a mixed file, one
        (problem, line) pair per line decoded as Windows-1252.
    """
    wide = _utf16(raw)
    if wide:
        try:
            return raw.decode(wide).removeprefix("\ufeff"), wide, []
        except UnicodeDecodeError:
            raise DiagnosticError(
                "fichier en UTF-16 endommagé (nombre d'octets impair ou caractère invalide) : "
                "enregistrez-le de nouveau en CSV UTF-8.",
                file=name,
            ) from None
    try:
        bom = raw.startswith(codecs.BOM_UTF8)
        return raw.decode("utf-8-sig"), "utf-8-sig" if bom else "utf-8", []
    except UnicodeDecodeError:
        pass
    lines = raw.split(b"\n")
    texts, good, bad = [], 0, []
    for number, line in enumerate(lines, 1):
        if line.isascii():
            texts.append(line.decode("ascii"))
            continue
        try:
            texts.append(line.decode("utf-8-sig" if number == 1 else "utf-8"))
            good += 1
        except UnicodeDecodeError:
            texts.append(line.decode("cp1252", errors="replace"))
            bad.append(number)
    if not good or good * 4 < len(bad):  # Windows-1252, with a look-alike UTF-8 line or two
        try:
            return raw.decode("cp1252", errors="strict" if strict else "replace"), "cp1252", []
        except UnicodeDecodeError:
            raise DiagnosticError(
                "encodage du fichier non reconnu (ni UTF-8 ni Windows-1252) : enregistrez-le "
                "en CSV UTF-8.",
                file=name,
            ) from None
    notes: list[tuple[str, int | None]] = [
        (
            "caractères qui ne sont pas de l'UTF-8, lus en Windows-1252 (fichier à "
            "l'encodage mêlé : vérifiez les accents de cette ligne)",
            number,
        )
        for number in bad[:MIXED_SHOWN]
    ]
    if len(bad) > MIXED_SHOWN:
        notes.append((f"… et {len(bad) - MIXED_SHOWN} autres lignes lues en Windows-1252", None))
    return "\n".join(texts), "utf-8+cp1252", notes


def read_xml(path):
    """The root element of the XML file `path`, parsed with defusedxml: entity bombs and
    external references are refused, a damaged file is a French error naming its line."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    path = Path(path)
    try:
        return ElementTree.parse(str(path)).getroot()
    except FileNotFoundError:
        raise DiagnosticError("fichier introuvable.", file=str(path)) from None
    except DefusedXmlException:
        raise DiagnosticError(
            "fichier XML refusé : il contient des entités ou des références externes dangereuses.",
            file=path.name,
        ) from None
    except ElementTree.ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        raise DiagnosticError(
            f"fichier {path.suffix or 'XML'} illisible (XML mal formé : {exc}).",
            file=path.name,
            row=line,
        ) from None
