"""Compare two output folders of `diagnostic run`, table by table and cell by cell.

Every file of the reference folder must be in the other one with the same content: CSV,
HTML, GEXF and other text files line by line, workbooks sheet by sheet and cell by cell
(the values python-calamine reads). The data annex is the exception made on purpose: when
the reference workbook holds the « Données » sheets and the new one does not, the new
folder's data annex (``diagnostic_donnees.csv``) must hold their header row and rows, cell
by cell (a number as Python writes it, a text that would start a formula after an
apostrophe).

    PYTHONPATH=src python bench/compare_outputs.py REFERENCE NEW

Prints each difference found (at most a few per file) and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

TEXT = {".csv", ".html", ".gexf", ".json", ".txt", ".md"}
ANNEX = "diagnostic_donnees.csv"
#: Plotly names each figure's element by a random UUID: not a difference of content.
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DATA = "Données"


def sheets(path: Path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _trimmed(rows: list[list]) -> list[list]:
    """Rows without trailing empty cells (calamine pads every row to the widest)."""
    out = [list(r) for r in rows]
    for r in out:
        while r and r[-1] in ("", None):
            r.pop()
    while out and not out[-1]:
        out.pop()
    return out


def compare_sheet(name: str, old: list[list], new: list[list], limit: int = 5) -> list[str]:
    old, new = _trimmed(old), _trimmed(new)
    out = []
    if len(old) != len(new):
        out.append(f"{name} : {len(old)} lignes, maintenant {len(new)}")
    for i, (a, b) in enumerate(zip(old, new)):
        if a != b:
            for j in range(max(len(a), len(b))):
                x = a[j] if j < len(a) else ""
                y = b[j] if j < len(b) else ""
                if x != y:
                    out.append(f"{name} ligne {i + 1} colonne {j + 1} : {x!r} → {y!r}")
                    break
            if len(out) >= limit:
                break
    return out


def compare_books(old: Path, new: Path, annex: Path | None) -> list[str]:
    a, b = sheets(old), sheets(new)
    moved = [s for s in a if s.startswith(DATA) and s not in b]
    out = []
    if list(b) != [s for s in a if s not in moved]:
        out.append(f"{new.name} : feuilles {list(a)} → {list(b)}")
    for name in b:
        if name in a:
            out += [f"{new.name} / {m}" for m in compare_sheet(name, a[name], b[name])]
    if moved:
        if annex is None or not annex.exists():
            return out + [f"{new.name} : feuilles {moved} absentes et pas d'annexe {ANNEX}"]
        rows: list[list] = []
        for name in moved:  # each sheet from its header row (the one after the labels)
            body = _trimmed(a[name])
            start = next(i for i, r in enumerate(body) if r[:1] in (["Acteur"], ["Actor"]))
            rows += body[start + (1 if rows else 0) :]
        with open(annex, encoding="utf-8", newline="") as f:
            written = list(csv.reader(f))
        width = len(written[0]) if written else 0
        expected = [[_csv_text(v) for v in (r + [""] * width)[:width]] for r in rows]
        out += [f"{ANNEX} / {m}" for m in compare_sheet(DATA, expected, written)]
    return out


def _csv_text(value) -> str:
    """How a sheet's cell reads in the annex CSV."""
    if value in ("", None):
        return ""
    if isinstance(value, str):
        live = value[:1] in ("=", "+", "-", "@", "\t", "\r")
        if live and re.fullmatch(r"-\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?|-[.,]\d+", value):
            live = False
        return "'" + value if live else value
    return repr(float(value))


def compare_folders(reference: Path, new: Path) -> list[str]:
    """The differences between two output folders (empty when they agree)."""
    out = []
    for old in sorted(p for p in reference.rglob("*") if p.is_file()):
        rel = old.relative_to(reference)
        other = new / rel
        if not other.exists():
            out.append(f"{rel} : absent")
            continue
        if old.suffix == ".xlsx":
            annex = new / ANNEX if rel.name == "diagnostic.xlsx" else None
            out += [f"{rel} : {m}" for m in compare_books(old, other, annex)]
        elif old.suffix in TEXT:
            a = UUID.sub("…", old.read_text(encoding="utf-8")).splitlines()
            b = UUID.sub("…", other.read_text(encoding="utf-8")).splitlines()
            if a != b:
                first = next(
                    (i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b))
                )
                out.append(f"{rel} : diffère dès la ligne {first + 1} ({len(a)} → {len(b)} lignes)")
        elif old.read_bytes() != other.read_bytes():
            out.append(f"{rel} : contenu différent")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Compare deux dossiers de sorties")
    parser.add_argument("reference", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    found = compare_folders(args.reference, args.new)
    for line in found:
        print(line)
    print("identiques" if not found else f"{len(found)} différence(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
