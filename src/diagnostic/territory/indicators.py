"""Read INSEE indicator files into the long `indicators` table (one row per commune × indicator).

Supported, detected from the content: the *comparateur de territoires* base
(``base_cc_comparateur.csv``) and any ``CODGEO`` file with INSEE's column names (the
*dossier complet*: age groups, equipment counts ``BPE_2024_…``), populations légales
(``ensemble.xlsx`` and the ``;`` CSV with a split code), the *grille communale de
densité*, DREES's *accessibilité potentielle localisée* (APL) to general practitioners (the
sheet of the latest year, ``APL 2023``…, of its workbook), and a references file of values
published for whole areas (``references``).
Statistical secret (``s``) and blanks stay missing with a reason; numerators and
denominators are kept so that areas aggregate by summing counts (see ``catalogue``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from diagnostic._io.delimited import read_delimited, sheet_with_header
from diagnostic._io.sheets import SPREADSHEET_SUFFIXES, sheet_names
from diagnostic.anomalies import KEPT, AnomalyLog
from diagnostic.errors import DiagnosticError
from diagnostic.schemas import conform
from diagnostic.territory.catalogue import AGE_GROUPS, INDICATORS
from diagnostic.territory.codes import normalise_codes
from diagnostic.territory.references import is_references, read_references

_MISSING = {
    "": "non renseigné (donnée absente du fichier)",
    "s": "secret statistique (Insee)",
    "nd": "non disponible",
    "null": "non renseigné (donnée absente du fichier)",
}


def read_indicators(path, *, with_anomalies: bool = False):
    """Read an INSEE indicator file (format detected) into the `indicators` table.

    Returns
    -------
    DataFrame or (DataFrame, DataFrame)
        The `indicators` table at commune level (geo_level ``commune``), and with
        `with_anomalies` the `anomalies` table (repaired codes, unreadable values).
    """
    path = Path(path)
    if not path.exists():
        raise DiagnosticError("fichier introuvable.", file=str(path))
    log = AnomalyLog(path.name)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        sheets = sheet_names(path)
        apl = {int(m.group(1)): n for n in sheets if (m := _APL_SHEET.match(n.strip()))}
        if "Communes" in sheets:
            codes, wide, year, source = _populations_xlsx(path, log)
        elif apl:
            codes, wide, year, source = _apl(path, apl, log)
        else:
            codes, wide, year, source = _density_grid(path, sheets[0], log)
    else:
        frame = read_delimited(path)
        if is_references(frame.columns):  # values published for whole areas (région, France)
            table = read_references(frame, path)
            return (table, log.frame()) if with_anomalies else table
        if "CODGEO" in frame.columns:
            codes, wide, year, source = _comparateur(frame, path, log)
        elif {"CODDEP", "CODCOM", "PMUN"} <= set(frame.columns):
            rows = range(2, len(frame) + 2)
            codes = normalise_codes(
                frame["CODCOM"],
                log,
                column="CODDEP+CODCOM",
                rows=rows,
                departements=frame["CODDEP"],
            )
            wide = {c: frame[c] for c in ("PMUN", "PCAP", "PTOT") if c in frame.columns}
            codes, wide, year, source = codes, wide, None, "Insee, populations légales"
        else:
            raise DiagnosticError(
                "fichier d'indicateurs non reconnu : attendu la base du comparateur de "
                "territoires (CODGEO), les populations légales (CODDEP, CODCOM, PMUN) ou la "
                f"grille de densité. Colonnes trouvées : {', '.join(frame.columns[:12])}.",
                file=path.name,
            )
    table = _to_long(codes, wide, log, year, f"{source} ({path.name})")
    return (table, log.frame()) if with_anomalies else table


def _comparateur(frame: pd.DataFrame, path: Path, log: AnomalyLog):
    codes = normalise_codes(frame["CODGEO"], log, column="CODGEO")
    wide = {c: frame[c] for c in frame.columns if c != "CODGEO"}
    # the comparateur always has the area; a dossier complet extract may not
    if "SUPERF" in frame.columns:
        return codes, wide, None, "Insee, base du comparateur de territoires"
    return codes, wide, None, "Insee, dossier complet"


def _populations_xlsx(path: Path, log: AnomalyLog):
    titles: list[str] = []
    frame, first = sheet_with_header(
        path,
        "Communes",
        {"Code département", "Code commune", "Population municipale"},
        titles=titles,
    )
    frame = frame[frame["Code commune"].notna()].reset_index(drop=True)
    codes = normalise_codes(
        frame["Code commune"],
        log,
        column="Code département + Code commune",
        rows=range(first, first + len(frame)),
        departements=frame["Code département"],
    )
    wide = {
        "PMUN": frame["Population municipale"],
        "PCAP": frame["Population comptée à part"],
        "PTOT": frame["Population totale"],
    }
    year = re.search(r"référence statistique.*?(\d{4})", " ".join(titles))
    return codes, wide, int(year.group(1)) if year else None, "Insee, populations légales"


def _density_grid(path: Path, sheet: str, log: AnomalyLog):
    frame, first = sheet_with_header(path, sheet, {"Code Commune"})
    frame = frame[frame["Code Commune"].notna()].reset_index(drop=True)
    codes = normalise_codes(
        frame["Code Commune"], log, column="Code Commune", rows=range(first, first + len(frame))
    )
    pick = {c.lower(): c for c in frame.columns}
    level = next((pick[c] for c in pick if "densit" in c and "typo" in c), None)
    population = next((pick[c] for c in pick if c.startswith("population")), None)
    if level is None or population is None:
        raise DiagnosticError(
            "grille de densité : colonnes « Typo degré de Densité » et "
            "« Population municipale » introuvables.",
            file=path.name,
        )
    parsed = _numbers(frame[population], "PMUN_GRILLE", log, first)  # parsed once
    wide: dict = {"degre_densite": frame[level], "PMUN_GRILLE": parsed}
    pop = parsed[0]
    for i, _word in enumerate(["dense", "intermédiaire", "peu dense", "très peu dense"], start=1):
        share = next((pick[c] for c in pick if c.startswith("part") and f"({i})" in c), None)
        if share is not None:
            wide[f"PDENSE{i}"] = _numbers(frame[share], share, log, first)[0] * pop
    return codes, wide, 2022, "Insee, grille communale de densité"


_APL_SHEET = re.compile(r"^APL (\d{4})$")
#: DREES's APL workbook: its columns of commune codes, of APL (all doctors, under 65) and
#: the start of its standardised population's (whose year changes with the edition)
APL_CODE, APL_ALL, APL_UNDER_65 = (
    "Code commune INSEE",
    "APL aux médecins généralistes",
    "APL aux médecins généralistes de moins de 65 ans",
)
APL_STANDARD = "Population standardisée"


def _apl(path: Path, sheets: dict[int, str], log: AnomalyLog):
    """DREES's APL to general practitioners, from the sheet of the latest year.

    An area's APL is the communes' APL weighted by their standardised population (DREES's
    note in the file): the numerators are the products APL × standardised population.
    """
    year = max(sheets)
    frame, first = sheet_with_header(path, sheets[year], {APL_CODE, APL_ALL})
    standard = next((c for c in frame.columns if c.startswith(APL_STANDARD)), None)
    if standard is None:
        raise DiagnosticError(
            f"feuille « {sheets[year]} » : colonne « Population standardisée … » introuvable "
            "(l'APL d'un territoire se pondère par la population standardisée).",
            file=path.name,
        )
    code = frame[APL_CODE].fillna("").str.strip()
    while len(code) and code.iloc[0] == "":  # the units' line under the header
        frame, code, first = frame.iloc[1:], code.iloc[1:], first + 1
    filled = (code != "").to_numpy().nonzero()[0]
    frame = frame.iloc[: int(filled.max()) + 1 if len(filled) else 0].reset_index(drop=True)
    codes = normalise_codes(
        frame[APL_CODE], log, column=APL_CODE, rows=range(first, first + len(frame))
    )
    population = _numbers(frame[standard], standard, log, first)
    wide: dict = {"POP_STD_MG": population}
    for column, name in ((APL_ALL, "APL_MG_POND"), (APL_UNDER_65, "APL_MG65_POND")):
        if column in frame.columns:
            value, reason = _numbers(frame[column], column, log, first)
            wide[name] = (value * population[0], _first_reason([reason, population[1]]))
    source = f"Drees, accessibilité potentielle localisée aux médecins généralistes {year}"
    return codes, wide, year, source


def _numbers(column: pd.Series, name: str, log: AnomalyLog, first: int = 2):
    """Parse INSEE numbers (point or comma decimals); missing values get a reason.

    Plain numbers are parsed in one pass; only the cells that fail (decimal commas, spaces,
    ``s``, blanks) are looked at again.
    """
    if pd.api.types.is_float_dtype(column):
        return column.astype("Float64"), pd.Series(pd.NA, index=column.index, dtype="string")
    text = column.fillna("").astype("string")
    values = pd.to_numeric(text, errors="coerce").astype("Float64")
    reasons = pd.Series(pd.NA, index=column.index, dtype="string")
    again = values.isna()
    if again.any():
        rest = text[again].str.strip()
        values[again] = pd.to_numeric(
            rest.str.replace(",", ".", regex=False).str.replace(r"[\s\u202f]", "", regex=True),
            errors="coerce",
        ).astype("Float64")
        reasons[again] = rest.str.lower().map(lambda t: _MISSING.get(t, pd.NA)).astype("string")
    bad = values.isna() & reasons.isna()
    for i in bad[bad].index:
        log.add(
            "valeur non numérique : traitée comme manquante",
            KEPT,
            row=first + int(i),
            column=name,
            value=text[i],
        )
    reasons[bad] = "valeur illisible dans le fichier"
    return values, reasons


def _inputs() -> set[str]:
    """Every column some indicator of the catalogue is computed from."""
    out = {"PIMP21", "NBMENFISC21", *AGE_GROUPS}
    for code, spec in INDICATORS.items():
        out |= (
            {c.lstrip("-") for c in spec.numerator} | {spec.denominator}  # type: ignore[arg-type]
            if spec.kind == "ratio"
            else {code}
        )
    return out


def _to_long(codes: pd.Series, wide: dict, log: AnomalyLog, year, source: str) -> pd.DataFrame:
    used = _inputs()  # columns no indicator is made of are not parsed
    parsed = {  # a reader may give a column already parsed: (values, reasons)
        name: col if isinstance(col, tuple) else _numbers(col.reset_index(drop=True), name, log)
        for name, col in wide.items()
        if name in used
    }
    if "PIMP21" in parsed and "NBMENFISC21" in parsed:
        value, reason = parsed["PIMP21"]
        parsed["PIMP21_NUM"] = (value * parsed["NBMENFISC21"][0] / 100, reason)
    if all(c in parsed for c in AGE_GROUPS):  # the population the age groups share
        ages = [parsed[c] for c in AGE_GROUPS]
        parsed["P22_POP_AGES"] = (sum(v for v, _ in ages), _first_reason([r for _, r in ages]))
    keep = codes.notna().to_numpy()
    frames = []
    for code, spec in INDICATORS.items():
        needed = (
            [c.lstrip("-") for c in spec.numerator] + [spec.denominator]
            if (spec.kind == "ratio")
            else [code]
        )
        if not all(c in parsed for c in needed):
            continue
        if spec.kind == "ratio":
            num = sum(
                (-1 if c.startswith("-") else 1) * parsed[c.lstrip("-")][0] for c in spec.numerator
            )
            den = parsed[spec.denominator][0]
            value = (num / den.where(den != 0)) * spec.scale
            reason = _first_reason([parsed[c][1] for c in needed])
            reason = reason.mask(reason.isna() & (den == 0).fillna(False), "dénominateur nul")
        else:
            value, reason = parsed[code]
            num = value if spec.kind == "sum" else pd.Series(pd.NA, index=value.index)
            den = pd.Series(pd.NA, index=value.index)
        frames.append(
            pd.DataFrame(
                {
                    "geo_code": codes,
                    "indicator": code,
                    "year": _year(code, spec, year),
                    "value": value,
                    "numerator": num,
                    "denominator": den,
                    "missing_reason": reason,
                }
            )[keep]
        )
    if not frames:
        raise DiagnosticError("aucun indicateur connu dans ce fichier.", file=log.file)
    table = pd.concat(frames, ignore_index=True).assign(geo_level="commune", source=source)
    table["missing_reason"] = table["missing_reason"].where(table["value"].isna())
    return conform(table, "indicators")


def _first_reason(reasons: list[pd.Series]) -> pd.Series:
    out = reasons[0].copy()
    for other in reasons[1:]:
        out = out.fillna(other)
    return out


def _year(code: str, spec, default):
    base = (spec.numerator[0].lstrip("-") if spec.kind == "ratio" else code).replace("_NUM", "")
    equipment = re.match(r"^BPE_(\d{4})_", base)  # BPE_2024_D307: the year is written whole
    if equipment:
        return int(equipment.group(1))
    match = re.match(r"^P(\d\d)_", base) or re.search(r"(\d\d)$", base)
    return 2000 + int(match.group(1)) if match else default
