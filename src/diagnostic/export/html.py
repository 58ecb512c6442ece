"""The standalone HTML report: readable offline, printable, no personal data."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pandas as pd

from diagnostic.cooperation import KIND_LABELS
from diagnostic.export.atomic import write_text
from diagnostic.labels import relabel, role_labels
from diagnostic.export.synthesis_sheets import AFOM_LABELS, LEVEL_HEADERS, LEVELS, portrait_table
from diagnostic.plots import (
    plot_group_heatmap, plot_issue_ranking, plot_participation, plot_priority_slope,
    plot_regard_croise,
)

_CSS = """
body{font-family:'Source Sans Pro',Arial,sans-serif;color:#1d2b36;max-width:1100px;margin:2em auto;padding:0 1em;}
h1{color:#1F4E5F;border-bottom:3px solid #2A9D8F;padding-bottom:.3em}h2{color:#1F4E5F;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:.9em}th{background:#1F4E5F;color:#fff;text-align:left}
td,th{padding:.35em .5em;border-bottom:1px solid #ddd;vertical-align:top}.note{color:#555;font-style:italic}
.fig{page-break-inside:avoid}nav ol{columns:2}h3{color:#2A9D8F;margin-bottom:.3em}
td.num,th.num{text-align:right;white-space:nowrap}.small{color:#777;background:#eee}
@page{size:A4;margin:1.5cm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}.fig{width:100%}
h2{page-break-before:always}h2:first-of-type{page-break-before:avoid}nav{page-break-after:always}
tr,.fig{page-break-inside:avoid}thead{display:table-header-group}a{color:inherit;text-decoration:none}}
"""
_NBSP = "\u202f"  # narrow no-break space: the French thousands separator


def _number(value, kind: str) -> str:
    """French number text: « 13 531 », « 33,6 », « 75,0 % »."""
    if kind == "percent":
        return f"{float(value) * 100:.1f} %".replace(".", ",")
    if kind == "auto":
        kind = "int" if float(value).is_integer() else "dec1"
    digits = 0 if kind == "int" else 1
    return f"{float(value):,.{digits}f}".replace(",", _NBSP).replace(".", ",")


def _table(frame, headers: dict[str, str], percent=(), numbers: dict[str, str] | None = None
           ) -> str:
    """An HTML table with French headers; `percent` columns as « 12,5 % », `numbers` columns
    formatted by `_number` (int, dec1 or auto), text such as « n<5 » left as it is."""
    numbers = {**(numbers or {}), **{c: "percent" for c in percent}}
    cols = [c for c in headers if c in frame.columns]
    num = ' class="num"'
    head = "".join(f"<th{num if c in numbers else ''}>{html.escape(headers[c])}</th>"
                   for c in cols)
    body = []
    for rec in frame[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, rec):
            if v is None or v is pd.NA or (v != v):  # NA and NaN
                text = ""
            elif c in numbers and not isinstance(v, str):
                text = _number(v, numbers[c])
            else:
                text = str(v)
            css = ' class="num"' if c in numbers else ""
            if isinstance(v, str) and v.startswith("n<"):
                css = ' class="num small"'
            cells.append(f"<td{css}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _portrait(diag) -> str:
    table = portrait_table(diag.context)
    headers = {"label": "Indicateur", "year": "Année",
               **{lv: LEVEL_HEADERS[lv] for lv in LEVELS if lv in table.columns},
               "source": "Source", "note": "Remarque"}
    return ('<p class="note">La zone d\'étude comparée à son EPCI, son département, sa région '
            "et la France, selon les indicateurs disponibles ; case vide : donnée non "
            "disponible à cet échelon.</p>"
            + _table(table.assign(year=table["year"].astype("Int64").astype("string")), headers,
                     numbers={lv: "auto" for lv in LEVELS}))


def _afom(diag) -> str:
    parts = []
    for key, title in AFOM_LABELS.items():
        items = diag.afom[diag.afom["category"] == key]
        if len(items):
            parts.append(f"<h3>{title} ({len(items)})</h3>" + _table(
                items, {"item": "Élément", "source": "Source", "evidence": "Justification"}))
    return "".join(parts) or "<p>Aucun élément.</p>"


def _priorities(diag, figure: str) -> str:
    votes, n_min = diag.votes, diag.settings.min_group_size
    voters = int(votes.loc[votes["dots"].fillna(0) > 0, "participant"].nunique())
    table = diag.shared_priorities
    if voters < n_min:
        table = table.assign(workshop_share=f"n<{n_min}")
    comparison = diag.rank_comparison.text if diag.rank_comparison is not None else ""
    return (f'<p class="note">Vote aux gommettes : {voters} participants. '
            f"{html.escape(comparison)}</p><div class=\"fig\">{figure}</div>"
            + _table(table, {"label": "Enjeu", "survey_rank": "Rang enquête",
                             "support": "Soutien (enquête)", "workshop_share": "Part des gommettes",
                             "workshop_rank": "Rang atelier", "shift": "Rangs gagnés",
                             "trend": "Tendance"},
                     ("support", "workshop_share"),
                     {"survey_rank": "int", "workshop_rank": "int", "shift": "int"}))


def _regard(diag, figure: str) -> str:
    s = diag.settings
    return (f'<p class="note">Chaque enjeu relié à un indicateur est placé selon la part des '
            f"acteurs qui le jugent important (prioritaire à partir de "
            f"{_number(s.priority_threshold, 'percent')}) et l'écart statistique du territoire "
            f"à sa référence (objectivé à partir de {_number(s.gap_threshold, 'percent')}, "
            f"positif quand le territoire est en moins bonne situation).</p>"
            f'<div class="fig">{figure}</div>'
            + _table(diag.regard_croise, {
                "label": "Enjeu", "quadrant": "Lecture", "support": "Soutien",
                "indicator_label": "Indicateur", "area_value": "Zone d'étude",
                "reference_value": "Référence", "reference": "Territoire de référence",
                "gap": "Écart"}, ("support", "gap"),
                {"area_value": "dec1", "reference_value": "dec1"}))


def to_html(diag, path) -> Path:
    """Write the standalone report (plotly.js embedded once) to `path` atomically.

    The sections follow the workbook's sheets; « Priorités partagées » only when a
    workshop was held. A print style sheet puts each section on its own page.
    """
    types = role_labels(diag.questions, diag.choices, "actor_type")
    workshop = len(diag.votes) > 0
    figs = [
        plot_participation(diag.actors.assign(actor_type=relabel(diag.actors["actor_type"], types)),
                           title="Acteurs répondants par type"),
        plot_issue_ranking(diag.issue_ranking, title="Part des répondants qui jugent l'enjeu "
                           "important (intervalle de confiance à 95 %)"),
        plot_group_heatmap(
            diag.group_matrix.assign(actor_type=relabel(diag.group_matrix["actor_type"], types)),
            diag.issue_ranking, diag.settings.min_group_size),
    ]
    if workshop:
        figs.append(plot_priority_slope(diag.shared_priorities))
    regard = len(diag.regard_croise) > 0
    if regard:
        figs.append(plot_regard_croise(diag.regard_croise, diag.settings.priority_threshold,
                                       diag.settings.gap_threshold))
    parts = [f.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
             for i, f in enumerate(figs)]
    resources = role_labels(diag.questions, diag.choices, "need")
    opp = diag.opportunities.assign(kind=diag.opportunities["kind"].map(KIND_LABELS),
                                    category=relabel(diag.opportunities["category"], resources)
                                    ).head(40)
    accounts = "".join(
        f"<li>{html.escape(a.file)} : {a.rows_read} lignes lues, {a.rows_loaded} chargées, "
        f"{a.rows_rejected} rejetées</li>" for a in diag.accounts)
    sections = [
        ("Participation", f"<ul>{accounts}</ul><div class=\"fig\">{parts[0]}</div>"),
        ("Portrait du territoire", _portrait(diag)),
        ("Enjeux communs", f'<div class="fig">{parts[1]}</div>' + _table(
            diag.issue_ranking, {"rank": "Rang", "label": "Enjeu", "support": "Soutien",
                                 "breadth": "Types qui le partagent", "tag": "Profil",
                                 "reason": "Explication"}, ("support",))),
        ("Convergences", f'<div class="fig">{parts[2]}</div>'),
        ("AFOM", _afom(diag)),
        *([("Regard croisé", _regard(diag, parts[-1]))] if regard else []),
        ("Pistes de coopération",
         f'<p class="note">{len(diag.opportunities)} pistes, les 40 premières ci-dessous '
         "(toutes dans le classeur).</p>" + _table(opp, {
             "kind": "Type", "category": "Ressource", "explanation": "Explication",
             "status": "Statut"})),
        ("Groupes d'acteurs", _table(diag.clusters, {
            "label": "Intitulé", "issues": "Enjeux", "size": "Acteurs",
            "actor_types": "Types d'acteurs"}, numbers={"size": "int"})),
    ]
    if workshop:
        sections.append(("Priorités partagées", _priorities(diag, parts[3])))
    sections += [
        ("Méthode", _table(pd.DataFrame(diag.settings.describe(), columns=["n", "v", "d"])
                           .astype(str), {"d": "Réglage", "v": "Valeur"})),
        ("Anomalies", f"<p>{len(diag.anomalies)} anomalies relevées : voir la feuille "
                      "« Anomalies » du classeur.</p>"),
    ]
    anchors = [f"s{i}" for i in range(1, len(sections) + 1)]
    toc = "".join(f'<li><a href="#{a}">{html.escape(t)}</a></li>'
                  for a, (t, _) in zip(anchors, sections))
    body = "\n".join(f'<h2 id="{a}">{html.escape(t)}</h2>\n{content}'
                     for a, (t, content) in zip(anchors, sections))
    page = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>{html.escape(diag.project.title)}</title><style>{_CSS}</style></head><body>
<h1>{html.escape(diag.project.title)}</h1>
<p class="note">Rapport produit le {date.today().strftime('%d/%m/%Y')}. Les acteurs sont désignés
par un identifiant pseudonyme ; aucun nom, courriel ni téléphone n'y figure.</p>
<nav><h2>Sommaire</h2><ol>{toc}</ol></nav>
{body}
</body></html>"""
    write_text(Path(path), page)
    return Path(path)
