"""Place respondents on communes: by code, by name, and only then by strict fuzzy match."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from diagnostic.anomalies import KEPT, REPAIRED, AnomalyLog
from diagnostic.settings import Settings
from diagnostic.territory.names import normalise_name, split_postal_code

_CODE = re.compile(r"^\s*(\d{5}|2[AB]\d{3})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class _Gazetteer:
    """Lookups built once from the `communes` table."""

    by_name: dict[str, set[str]]
    by_postal: dict[str, set[str]]
    parent_of: dict[str, str]
    label: dict[str, str]

    @classmethod
    def build(cls, communes: pd.DataFrame) -> _Gazetteer:
        by_name: dict[str, set[str]] = {}
        parent_of, label, by_postal = {}, {}, {}  # type: ignore[var-annotated]
        for row in communes.itertuples():
            target = (
                row.parent_code
                if row.type in ("COMD", "COMA") and pd.notna(row.parent_code)
                else row.commune_code
            )
            if pd.notna(row.name):
                by_name.setdefault(normalise_name(row.name), set()).add(target)
            parent_of.setdefault(row.commune_code, target)
            if row.type == "COM" or row.commune_code not in label:
                # an Etalab item may lack its département (or its name): NA, never `or`
                dep = row.departement if pd.notna(row.departement) else "?"
                label[row.commune_code] = f"{row.name if pd.notna(row.name) else '?'} ({dep})"
            if row.type == "COM" and pd.notna(row.postal_codes):
                for postal in str(row.postal_codes).split():
                    by_postal.setdefault(postal, set()).add(row.commune_code)
        return cls(by_name, by_postal, parent_of, label)

    def names(self, codes) -> str:
        return ", ".join(f"{self.label.get(c, c)} [{c}]" for c in sorted(codes))


def place_actors(
    actors: pd.DataFrame,
    communes: pd.DataFrame,
    settings: Settings = Settings(),
    area: set[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill `commune_code` and `epci_code` of the `actors` table from `commune_name`.

    Order of attempts: a COG code; the exact normalised name (accents, case, hyphens,
    St/Ste, articles) narrowed by a postal code typed with it; then a fuzzy match scored
    at least ``settings.fuzzy_threshold``, always reported. A name shared by several
    communes (homonyms) is resolved by the postal code, then by the study area; if still
    ambiguous, the actor stays unplaced with an anomaly listing the candidates.

    Parameters
    ----------
    actors : DataFrame
        The `actors` table, with `commune_name` as the respondent typed it.
    communes : DataFrame
        The `communes` table; delegated communes lead to their parent.
    area : set of str, optional
        Commune codes of the study area, preferred among homonyms.

    Returns
    -------
    (actors, anomalies)
        Placed actors, and one anomaly per repaired, ambiguous or unresolved name.
    """
    gaz = _Gazetteer.build(communes)
    choices = list(gaz.by_name)
    area = set(area or ())
    epci_of = dict(zip(communes["commune_code"], communes["epci_code"]))
    # Respondents type the same few names many times: place each distinct text once,
    # recording its notes, then replay them on every row that typed it.
    outcome = {}
    codes, logs = [], {}
    for file, row, written in zip(
        actors["source_file"], actors["source_row"], actors["commune_name"]
    ):
        if written not in outcome:
            notes: list = []
            code = _place(
                written,
                gaz,
                choices,
                area,
                settings,
                lambda problem, action, notes=notes: notes.append((problem, action)),
            )
            outcome[written] = (code, notes)
        code, notes = outcome[written]
        if file not in logs:
            logs[file] = AnomalyLog(file)
        for problem, action in notes:
            logs[file].add(problem, action, row=row, column="commune", value=written)
        codes.append(code)
    placed = actors.assign(commune_code=pd.array(codes, dtype="string"))
    placed["epci_code"] = placed["commune_code"].map(epci_of).astype("string")
    anomalies = [log.frame() for log in logs.values()]
    return placed, (
        pd.concat(anomalies, ignore_index=True) if anomalies else AnomalyLog("").frame()
    )


def _place(written, gaz: _Gazetteer, choices, area, settings, note) -> str | None:
    if written is None or written is pd.NA or not str(written).strip():
        note("commune non renseignée : acteur conservé sans commune", KEPT)
        return None
    match = _CODE.match(str(written))
    if match and match.group(1).upper() in gaz.parent_of:
        return gaz.parent_of[match.group(1).upper()]
    name, postal = split_postal_code(str(written))
    key = normalise_name(name)
    if not key and postal:
        found = gaz.by_postal.get(postal, set())
        return (
            _resolve(found, postal, gaz, area, note, "code postal")
            if found
            else _lost(f"code postal {postal} inconnu dans le fichier des communes", note)  # type: ignore[func-returns-value]
        )
    if key in gaz.by_name:
        return _resolve(gaz.by_name[key], postal, gaz, area, note, "nom")
    from rapidfuzz import fuzz, process  # only for a name not found as written: a faster start

    best = process.extract(key, choices, scorer=fuzz.ratio, limit=3)
    if (
        best
        and best[0][1] >= settings.fuzzy_threshold
        and (len(best) == 1 or best[1][1] < best[0][1])
    ):
        code = _resolve(gaz.by_name[best[0][0]], postal, gaz, area, note, "nom approché")
        if code:
            note(
                f"commune rapprochée de « {gaz.label[code]} » ({code}), "
                f"ressemblance {best[0][1]:.0f}/100",
                REPAIRED,
            )
        return code
    # suggestions use a lenient scorer: "Mortagne" should suggest "Mortagne-au-Perche"
    near = process.extract(key, choices, scorer=fuzz.WRatio, limit=3)
    nearest = ", ".join(f"{gaz.names(gaz.by_name[c])} ({s:.0f}/100)" for c, s, _ in near)
    return _lost(f"commune introuvable ; les plus proches : {nearest or 'aucune'}", note)  # type: ignore[func-returns-value]


def _resolve(candidates: set[str], postal, gaz: _Gazetteer, area, note, how) -> str | None:
    if len(candidates) == 1:
        return next(iter(candidates))
    if postal:
        with_postal = candidates & gaz.by_postal.get(postal, set())
        if len(with_postal) == 1:
            return next(iter(with_postal))
    inside = candidates & area
    if len(inside) == 1:
        code = next(iter(inside))
        note(
            f"{how} porté par plusieurs communes ({gaz.names(candidates)}) : celle de la "
            f"zone d'étude retenue, {gaz.label[code]} [{code}]",
            REPAIRED,
        )
        return code
    return _lost(  # type: ignore[func-returns-value]
        f"{how} ambigu, porté par plusieurs communes : {gaz.names(candidates)} ; "
        "précisez le code postal ou le code commune",
        note,
    )


def _lost(problem: str, note) -> None:
    note(problem + " — acteur conservé sans commune", KEPT)
    return None
