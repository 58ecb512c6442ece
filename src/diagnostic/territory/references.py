"""Reference values published for a whole area (région, France…), not summed from communes.

Where the communes of a région or of France are not all at hand (a national file too big to
ship), the reference can still be given as INSEE publishes it for the area: a *references
file* (CSV, ``;`` or ``,``) with one row per area and indicator::

    niveau;code;indicateur;annee;numerateur;denominateur;source
    région;28;P22_POP;2022;3339074;;Insee, populations légales 2025
    France;FR;part_pop_tres_peu_dense;2022;2.1e6;6.6e7;Insee, grille communale de densité

``numerateur`` and ``denominateur`` are the raw counts, so the value is computed with the
indicator's own formula (``catalogue``), exactly as for areas summed from communes: a count
(``sum``) has a numerator only; a rate (``ratio``) has both. Non-additive indicators
(medians…) cannot be given this way. Declared as any indicator file (``[[indicators]]``);
its rows are read into the `indicators` table at their level (``région``…), and
``compare_territories`` uses them for a level the communes do not cover.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from diagnostic.errors import DiagnosticError
from diagnostic.schemas import conform
from diagnostic.territory.catalogue import INDICATORS

#: Columns of a references file (the first four and ``numerateur`` are required).
COLUMNS = ("niveau", "code", "indicateur", "annee", "numerateur", "denominateur", "source")
#: Levels a reference can be given for, and how each is written in the `context` table.
LEVELS = {"département": "département", "région": "région", "france": "France"}
#: The code of France in the `context` table.
FRANCE_CODE = "FR"


def is_references(columns) -> bool:
    """Whether a delimited file's header is that of a references file."""
    return {"niveau", "code", "indicateur", "numerateur"} <= set(columns)


def read_references(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The rows of a references file (read as strings) as `indicators` table rows.

    Raises a `DiagnosticError` naming the file, the line and the column for an unknown level
    or indicator, a missing or unreadable number, a denominator missing (rate) or given for
    a count, and a second row for the same area and indicator.
    """
    name = Path(path).name
    missing = [c for c in COLUMNS[:5] if c not in frame.columns]
    if missing:
        raise DiagnosticError(
            f"colonnes manquantes : {', '.join(missing)} (attendu : {';'.join(COLUMNS)}).",
            file=name,
            row=1,
        )
    rows: list[dict] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, raw in enumerate(frame.to_dict("records")):
        line = i + 2
        cell = {k: str(raw.get(k) or "").strip() for k in COLUMNS}
        level = LEVELS.get(cell["niveau"].lower())
        if level is None:
            raise DiagnosticError(
                f"niveau « {cell['niveau']} » inconnu ; niveaux possibles : département, "
                "région, France.",
                file=name,
                row=line,
                column="niveau",
            )
        code = FRANCE_CODE if level == "France" else cell["code"]
        if not code:
            raise DiagnosticError(
                f"code manquant pour ce niveau ({level}).", file=name, row=line, column="code"
            )
        spec = INDICATORS.get(cell["indicateur"])
        if spec is None or spec.kind == "published":
            raise DiagnosticError(
                f"indicateur « {cell['indicateur']} » inconnu ou non additif (médiane, taux "
                "publié) : une référence se donne par son numérateur et son dénominateur.",
                file=name,
                row=line,
                column="indicateur",
            )
        year = _number(cell["annee"], name, line, "annee")
        numerator = _number(cell["numerateur"], name, line, "numerateur")
        denominator = None
        if spec.kind == "ratio":
            if not cell["denominateur"]:
                raise DiagnosticError(
                    f"« {cell['indicateur']} » est un taux : le dénominateur est requis.",
                    file=name,
                    row=line,
                    column="denominateur",
                )
            denominator = _number(cell["denominateur"], name, line, "denominateur")
            if denominator == 0:
                raise DiagnosticError(
                    "dénominateur nul.", file=name, row=line, column="denominateur"
                )
        elif cell["denominateur"]:
            raise DiagnosticError(
                f"« {cell['indicateur']} » est un effectif : pas de dénominateur.",
                file=name,
                row=line,
                column="denominateur",
            )
        key = (level, code, cell["indicateur"])
        if key in seen:
            raise DiagnosticError(
                f"{level} {code}, « {cell['indicateur']} » : déjà donné ligne {seen[key]}.",
                file=name,
                row=line,
            )
        seen[key] = line
        value = numerator if denominator is None else numerator / denominator * spec.scale
        source = cell["source"] or "références publiées"
        rows.append(
            {
                "geo_level": level,
                "geo_code": code,
                "indicator": cell["indicateur"],
                "year": int(year),
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "source": f"{source} ({name})",
                "missing_reason": None,
            }
        )
    if not rows:
        raise DiagnosticError("le fichier de références ne contient aucune ligne.", file=name)
    return conform(pd.DataFrame(rows), "indicators")


def _number(text: str, file: str, row: int, column: str) -> float:
    """A count as written (point or comma decimals, spaces between thousands)."""
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise DiagnosticError(
            f"nombre attendu, trouvé « {text} ».", file=file, row=row, column=column
        )
    return number
