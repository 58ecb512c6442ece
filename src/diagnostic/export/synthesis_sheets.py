"""Workbook sheets of the synthesis: territorial portrait, AFOM and shared priorities."""

from __future__ import annotations

import pandas as pd

from diagnostic.export.cells import DECIMAL_1, GREY, INTEGER, NOTE, PERCENT, put, write_title
from diagnostic.export.frames import write_frame
from diagnostic.i18n import label
from diagnostic.i18n.workbook import word

#: Column order of the portrait: the study area, then wider and wider references.
LEVELS = ["zone d'étude", "EPCI", "département", "région", "France"]
LEVEL_HEADERS = word("levels", "fr")
AFOM_LABELS = word("afom_labels", "fr")
AFOM_FILLS = {
    "Atouts": "D9EAD3",
    "Faiblesses": "F4CCCC",
    "Opportunités": "CFE2F3",
    "Menaces": "FCE5CD",
}
#: Fill of each AFOM category, by its code (French)
_FILLS = dict(zip(AFOM_LABELS, AFOM_FILLS.values()))


def portrait_table(context: pd.DataFrame) -> pd.DataFrame:
    """The `context` table wide: one row per indicator, one column per geographic level.

    Returns
    -------
    DataFrame
        indicator, label, year, one column per level present (see `LEVELS`), source (each
        source of the indicator's rows once, « ; » between), note (why a value is missing),
        in the order of `context`.
    """
    ctx = context.assign(year=context["year"].astype("Float64"))
    order = list(dict.fromkeys(ctx["indicator"]))
    keys = ["indicator", "label"]
    wide = (
        ctx.dropna(subset=["value"])
        .pivot_table(index=keys, columns="geo_level", values="value", aggfunc="first")
        .reset_index()
    )
    meta = (
        ctx.groupby(keys, sort=False)
        .agg(
            year=("year", "max"),
            # every source once: a reference published for a whole area has its own
            source=("source", lambda s: " ; ".join(dict.fromkeys(s.dropna().astype(str)))),
            note=("missing_reason", lambda s: next(iter(s.dropna()), None)),
        )
        .reset_index()
    )
    out = meta.merge(wide, on=keys, how="left")
    out["_order"] = out["indicator"].map({k: i for i, k in enumerate(order)})
    levels = [lv for lv in LEVELS if lv in out.columns]
    out = out.sort_values("_order")[keys + ["year"] + levels + ["source", "note"]]
    return out.reset_index(drop=True)


def portrait_headers(context: pd.DataFrame, table: pd.DataFrame, lang: str) -> dict[str, str]:
    """The portrait's headers, each reference level with its name: « Département (Orne) »."""
    names = (
        context.dropna(subset=["geo_name"]).drop_duplicates("geo_level").set_index("geo_level")
    )["geo_name"]
    words, levels_words = word("portrait_headers", lang), word("levels", lang)
    headers = {"label": words["label"], "year": words["year"]}
    for level in LEVELS:
        if level in table.columns:
            name = names.get(level)
            headers[level] = (
                f"{levels_words[level]} ({name})"
                if level in ("EPCI", "département", "région") and name
                else levels_words[level]
            )
    headers.update({"source": words["source"], "note": words["note"]})
    return headers


def write_portrait(book, ws, diag, source: str) -> None:
    """Portrait du territoire: the study area against its references, with sources."""
    lang = diag.settings.language
    table = portrait_table(diag.context)
    headers = portrait_headers(diag.context, table, lang)
    start = write_title(
        book, ws, ws.name, [*word("portrait_notes", lang), source], span=len(headers)
    )
    levels = [c for c in headers if c in LEVELS]
    styles = {}  # one number format a row: counts as integers, rates with a decimal
    for i, row in enumerate(table[levels].to_numpy(dtype=object)):
        values = [v for v in row if pd.notna(v)]
        fmt = INTEGER if values and all(float(v).is_integer() for v in values) else DECIMAL_1
        styles.update({(i, level): {"num_format": fmt} for level in levels})
    write_frame(
        book,
        ws,
        table,
        start,
        headers,
        {"year": "0"},
        widths={"label": 42, "source": 45, "note": 45, "year": 8, **dict.fromkeys(levels, 20)},
        top=True,
        styles=styles,
    )


def write_afom(book, ws, diag, source: str) -> None:
    """AFOM: atouts, faiblesses, opportunités, menaces, each with its source and evidence."""
    lang = diag.settings.language
    shown = word("afom_labels", lang)  # category (in the table's language) -> label
    fills = {shown[label(code, lang)]: fill for code, fill in _FILLS.items()}
    table = diag.afom.assign(
        category=diag.afom["category"].map(shown).fillna(diag.afom["category"])
    )
    counts = table["category"].value_counts()
    summary = " ; " if lang == "fr" else "; "
    summary = summary.join(
        word("count", lang, name=name, n=int(counts.get(name, 0))) for name in fills
    )
    start = write_title(
        book, ws, word("afom_title", lang), [word("afom_note", lang), f"{summary}.", source], span=4
    )
    styles = {
        (i, "category"): {"bg_color": "#" + fills[c], "bold": True}
        for i, c in enumerate(table["category"])
        if c in fills
    }
    write_frame(
        book,
        ws,
        table,
        start,
        word("afom_headers", lang),
        widths={"category": 14, "item": 50, "source": 12, "evidence": 70},
        top=True,
        styles=styles,
    )


def write_priorities(book, ws, diag, source: str) -> None:
    """Priorités partagées: survey rank against workshop dots, and how the ranks compare."""
    shared, votes = diag.shared_priorities, diag.votes
    n_min, lang = diag.settings.min_group_size, diag.settings.language
    voters = int(votes.loc[votes["dots"].fillna(0) > 0, "participant"].nunique())
    dots = votes.groupby("item_id")["dots"].sum()
    table = shared.assign(dots=shared["issue_id"].map(dots).fillna(0).astype(int))
    notes = [
        word("priorities_question", lang),
        word(
            "priorities_base",
            lang,
            voters=voters,
            dots=int(votes["dots"].fillna(0).sum()),
            actors=len(diag.actors),
        ),
    ]
    if diag.rank_comparison is not None:
        notes.append(diag.rank_comparison.text)
    if voters < n_min:
        notes.append(word("priorities_hidden", lang, n=n_min))
    start = write_title(book, ws, word("priorities_title", lang), notes + [source], span=9)
    headers = word("priorities_headers", lang)
    hidden = voters < n_min
    shown = table.assign(workshop_share=f"n<{n_min}") if hidden else table
    styles = {(i, "workshop_share"): GREY for i in range(len(table))} if hidden else None
    first, last = write_frame(
        book,
        ws,
        shown,
        start,
        headers,
        {
            "support": PERCENT,
            "workshop_share": PERCENT,
            "dots": INTEGER,
            "participants": INTEGER,
            "survey_rank": "0",
            "workshop_rank": "0",
            "shift": "+0;-0;0",
        },
        widths={"label": 40, "trend": 18},
        styles=styles,
    )
    put(ws, last + 2, 0, word("priorities_shift", lang), book.format(NOTE))
    if not hidden and len(table):
        share = [c for c in headers if c in shown.columns].index("workshop_share")
        book.bar_chart(
            ws,
            word("priorities_chart", lang),
            name=(start, share),
            values=(first, last, share),
            categories=(first, last, 0),
            size_cm=(20, 2 + 0.8 * len(table)),
            anchor=(last + 3, 0),
            percent=True,
            top_down=True,
        )


#: Reading order of the quadrants and their colours (those of the HTML report's chart).
QUADRANTS = {
    "enjeu confirmé": "#E76F51",
    "sous-estimé": "#6D597A",
    "perçu non objectivé": "#E9C46A",
    "non prioritaire": "#8AB17D",
}


def write_regard(book, ws, diag, source: str) -> None:
    """Regard croisé: each issue linked to an indicator, perceived priority against the gap."""
    s, lang = diag.settings, diag.settings.language
    colours = {label(q, lang): colour for q, colour in QUADRANTS.items()}  # table's language
    table = diag.regard_croise.assign(
        _order=diag.regard_croise["quadrant"].map({q: i for i, q in enumerate(colours)})
    ).sort_values(["_order", "issue_id"])
    table = table.reset_index(drop=True)
    first_note, *notes = word("regard_notes", lang)
    first_note = first_note.format(
        priority=f"{s.priority_threshold:.0%}", gap=f"{s.gap_threshold:.0%}"
    )
    start = write_title(
        book,
        ws,
        word("regard_title", lang),
        [first_note if lang == "en" else first_note.replace("%", " %"), *notes, source],
        span=8,
    )
    headers = word("regard_headers", lang)
    styles = {
        (i, "quadrant"): {"bg_color": colours[q], "bold": True}
        for i, q in enumerate(table["quadrant"])
        if q in colours
    }
    first, last = write_frame(
        book,
        ws,
        table,
        start,
        headers,
        {"support": PERCENT, "gap": PERCENT, "area_value": DECIMAL_1, "reference_value": DECIMAL_1},
        widths={"label": 32, "quadrant": 20, "indicator_label": 40, "reference": 22},
        styles=styles,
    )
    if not len(table):
        return
    cols = list(headers)
    series = [
        (q, colours[q], first + int(rows.index[0]), first + int(rows.index[-1]))
        for q, rows in table.groupby("quadrant", sort=False)
        if q in colours
    ]
    book.quadrant_chart(
        ws,
        word("regard_chart", lang),
        series=series,
        x_col=cols.index("gap"),
        y_col=cols.index("support"),
        label_col=cols.index("label"),
        lines=(s.gap_threshold, s.priority_threshold),
        x_span=max(
            0.3, 2 * s.gap_threshold, round(float(table["gap"].abs().max()) * 1.2 + 0.05, 1)
        ),
        axes=word("regard_axes", lang),
        size_cm=(22, 12),
        anchor=(last + 2, 0),
    )
