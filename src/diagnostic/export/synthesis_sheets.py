"""Workbook sheets of the synthesis: territorial portrait, AFOM and shared priorities."""

from __future__ import annotations

import pandas as pd
from diagnostic.export.cells import DECIMAL_1, GREY, INTEGER, NOTE, PERCENT, put, write_title
from diagnostic.export.frames import write_frame
#: Column order of the portrait: the study area, then wider and wider references.
LEVELS = ["zone d'étude", "EPCI", "département", "région", "France"]
LEVEL_HEADERS = {"zone d'étude": "Zone d'étude", "EPCI": "EPCI", "département": "Département",
                 "région": "Région", "France": "France"}
AFOM_LABELS = {"atouts": "Atouts", "faiblesses": "Faiblesses", "opportunités": "Opportunités",
               "menaces": "Menaces"}
AFOM_FILLS = {"Atouts": "D9EAD3", "Faiblesses": "F4CCCC", "Opportunités": "CFE2F3",
              "Menaces": "FCE5CD"}


def portrait_table(context: pd.DataFrame) -> pd.DataFrame:
    """The `context` table wide: one row per indicator, one column per geographic level.

    Returns
    -------
    DataFrame
        indicator, label, year, one column per level present (see `LEVELS`), source, note
        (why a value is missing), in the order of `context`.
    """
    ctx = context.assign(year=context["year"].astype("Float64"))
    order = list(dict.fromkeys(ctx["indicator"]))
    keys = ["indicator", "label"]
    wide = (ctx.dropna(subset=["value"])
            .pivot_table(index=keys, columns="geo_level", values="value", aggfunc="first")
            .reset_index())
    meta = ctx.groupby(keys, sort=False).agg(
        year=("year", "max"), source=("source", "first"),
        note=("missing_reason", lambda s: next(iter(s.dropna()), None))).reset_index()
    out = meta.merge(wide, on=keys, how="left")
    out["_order"] = out["indicator"].map({k: i for i, k in enumerate(order)})
    levels = [lv for lv in LEVELS if lv in out.columns]
    out = out.sort_values("_order")[keys + ["year"] + levels + ["source", "note"]]
    return out.reset_index(drop=True)


def write_portrait(book, ws, diag, source: str) -> None:
    """Portrait du territoire: the study area against its references, with sources."""
    table = portrait_table(diag.context)
    names = (diag.context.dropna(subset=["geo_name"])
             .drop_duplicates("geo_level").set_index("geo_level")["geo_name"])
    headers = {"label": "Indicateur", "year": "Année"}
    for level in LEVELS:
        if level in table.columns:
            name = names.get(level)
            headers[level] = (f"{LEVEL_HEADERS[level]} ({name})"
                              if level in ("EPCI", "département", "région") and name
                              else LEVEL_HEADERS[level])
    headers.update({"source": "Source", "note": "Remarque"})
    start = write_title(book, ws, "Portrait du territoire", [
        "La zone d'étude comparée à son EPCI, son département, sa région et la France, "
        "selon les indicateurs disponibles (une colonne par échelon quand la donnée existe).",
        "Effectifs additionnés commune par commune ; taux recalculés à partir des numérateurs "
        "et dénominateurs, jamais moyennés. Case vide : donnée non disponible à cet échelon.",
        source], span=len(headers))
    levels = [c for c in headers if c in LEVELS]
    styles = {}  # one number format a row: counts as integers, rates with a decimal
    for i, row in enumerate(table[levels].to_numpy(dtype=object)):
        values = [v for v in row if pd.notna(v)]
        fmt = INTEGER if values and all(float(v).is_integer() for v in values) else DECIMAL_1
        styles.update({(i, level): {"num_format": fmt} for level in levels})
    ws.set_row(start, 48)
    write_frame(book, ws, table, start, headers, {"year": "0"},
                widths={"label": 42, "source": 45, "note": 45, "year": 8,
                        **dict.fromkeys(levels, 20)}, top=True, styles=styles)


def write_afom(book, ws, diag, source: str) -> None:
    """AFOM: atouts, faiblesses, opportunités, menaces, each with its source and evidence."""
    table = diag.afom.assign(category=diag.afom["category"].map(AFOM_LABELS)
                             .fillna(diag.afom["category"]))
    counts = table["category"].value_counts()
    summary = " ; ".join(f"{name} : {int(counts.get(name, 0))}" for name in AFOM_FILLS)
    start = write_title(book, ws, "AFOM : atouts, faiblesses, opportunités, menaces", [
        "Synthèse tirée de l'enquête (enjeux transversaux ou clivants, ressources offertes, "
        "besoins partagés), des indicateurs (regard croisé) et de l'atelier quand il a eu lieu.",
        f"{summary}.", source], span=4)
    styles = {(i, "category"): {"bg_color": "#" + AFOM_FILLS[c], "bold": True}
              for i, c in enumerate(table["category"]) if c in AFOM_FILLS}
    write_frame(book, ws, table, start, {
        "category": "Catégorie", "item": "Élément", "source": "Source", "evidence": "Justification"},
        widths={"category": 14, "item": 50, "source": 12, "evidence": 70}, top=True,
        styles=styles)


def write_priorities(book, ws, diag, source: str) -> None:
    """Priorités partagées: survey rank against workshop dots, and how the ranks compare."""
    shared, votes = diag.shared_priorities, diag.votes
    n_min = diag.settings.min_group_size
    voters = int(votes.loc[votes["dots"].fillna(0) > 0, "participant"].nunique())
    dots = votes.groupby("item_id")["dots"].sum()
    table = shared.assign(dots=shared["issue_id"].map(dots).fillna(0).astype(int))
    notes = [
        "Question posée en atelier : répartir ses gommettes entre les enjeux jugés prioritaires. "
        "Part des gommettes : moyenne, sur les participants, de la part de leurs gommettes "
        "donnée à l'enjeu (chaque participant pèse autant).",
        f"Base : {voters} participants ayant voté, {int(votes['dots'].fillna(0).sum())} gommettes ; "
        f"enquête : {len(diag.actors)} acteurs répondants.",
    ]
    if diag.rank_comparison is not None:
        notes.append(diag.rank_comparison.text)
    if voters < n_min:
        notes.append(f"Moins de {n_min} participants : parts non affichées (« n<{n_min} »).")
    start = write_title(book, ws, "Priorités partagées : enquête et atelier", notes + [source],
                        span=9)
    headers = {"label": "Enjeu", "survey_rank": "Rang enquête", "support": "Soutien (enquête)",
               "dots": "Gommettes", "participants": "Participants", "workshop_share":
               "Part des gommettes", "workshop_rank": "Rang atelier", "shift": "Rangs gagnés",
               "trend": "Tendance"}
    hidden = voters < n_min
    shown = table.assign(workshop_share=f"n<{n_min}") if hidden else table
    styles = {(i, "workshop_share"): GREY for i in range(len(table))} if hidden else None
    first, last = write_frame(book, ws, shown, start, headers, {
        "support": PERCENT, "workshop_share": PERCENT, "dots": INTEGER, "participants": INTEGER,
        "survey_rank": "0", "workshop_rank": "0", "shift": "+0;-0;0"},
        widths={"label": 40, "trend": 18}, styles=styles)
    put(ws, last + 2, 0, "Rangs gagnés = rang dans l'enquête − rang en atelier "
                         "(positif : l'enjeu gagne du terrain en atelier).", book.format(NOTE))
    if not hidden and len(table):
        share = [c for c in headers if c in shown.columns].index("workshop_share")
        book.bar_chart(ws, "Part des gommettes par enjeu", name=(start, share),
                       values=(first, last, share), categories=(first, last, 0),
                       size_cm=(20, 2 + 0.8 * len(table)), anchor=(last + 3, 0),
                       percent=True, top_down=True)


#: Reading order of the quadrants and their colours (those of the HTML report's chart).
QUADRANTS = {"enjeu confirmé": "#E76F51", "sous-estimé": "#6D597A",
             "perçu non objectivé": "#E9C46A", "non prioritaire": "#8AB17D"}


def write_regard(book, ws, diag, source: str) -> None:
    """Regard croisé: each issue linked to an indicator, perceived priority against the gap."""
    s = diag.settings
    table = diag.regard_croise.assign(_order=diag.regard_croise["quadrant"].map(
        {q: i for i, q in enumerate(QUADRANTS)})).sort_values(["_order", "issue_id"])
    table = table.reset_index(drop=True)
    start = write_title(book, ws, "Regard croisé : perception des acteurs et statistiques", [
        f"Chaque enjeu relié à un indicateur : prioritaire quand au moins "
        f"{s.priority_threshold:.0%} des acteurs le jugent important (moyenne par type), "
        f"objectivé quand le territoire est en moins bonne situation que sa référence d'au "
        f"moins {s.gap_threshold:.0%} (écart relatif).".replace("%", " %"),
        "Écart = zone d'étude / référence − 1, compté positivement quand le territoire est "
        "défavorisé (par exemple plus de chômage, moins de revenu).",
        "Enjeu confirmé : prioritaire et objectivé ; perçu non objectivé : prioritaire sans "
        "écart défavorable ; sous-estimé : écart défavorable mais peu cité ; non prioritaire.",
        source], span=8)
    headers = {"label": "Enjeu", "quadrant": "Lecture", "support": "Soutien",
               "indicator_label": "Indicateur", "area_value": "Zone d'étude",
               "reference_value": "Référence", "reference": "Territoire de référence",
               "gap": "Écart"}
    styles = {(i, "quadrant"): {"bg_color": QUADRANTS[q], "bold": True}
              for i, q in enumerate(table["quadrant"]) if q in QUADRANTS}
    first, last = write_frame(book, ws, table, start, headers, {
        "support": PERCENT, "gap": PERCENT, "area_value": DECIMAL_1,
        "reference_value": DECIMAL_1},
        widths={"label": 32, "quadrant": 20, "indicator_label": 40, "reference": 22},
        styles=styles)
    if not len(table):
        return
    cols = list(headers)
    series = [(q, QUADRANTS[q], first + int(rows.index[0]), first + int(rows.index[-1]))
              for q, rows in table.groupby("quadrant", sort=False) if q in QUADRANTS]
    book.quadrant_chart(ws, "Perception et statistiques", series=series,
                        x_col=cols.index("gap"), y_col=cols.index("support"),
                        label_col=cols.index("label"),
                        lines=(s.gap_threshold, s.priority_threshold),
                        x_span=max(0.3, 2 * s.gap_threshold,
                                   round(float(table["gap"].abs().max()) * 1.2 + 0.05, 1)),
                        axes=("Écart à la référence", "Soutien des acteurs"),
                        size_cm=(22, 12), anchor=(last + 2, 0))
