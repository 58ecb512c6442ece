"""The standalone HTML report: readable offline, printable, no personal data."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pandas as pd

from diagnostic.cooperation import KIND_LABELS
from diagnostic.export.atomic import write_text
from diagnostic.labels import relabel, role_labels
from diagnostic.plots import plot_group_heatmap, plot_issue_ranking, plot_participation

_CSS = """
body{font-family:'Source Sans Pro',Arial,sans-serif;color:#1d2b36;max-width:1100px;margin:2em auto;padding:0 1em;}
h1{color:#1F4E5F;border-bottom:3px solid #2A9D8F;padding-bottom:.3em}h2{color:#1F4E5F;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:.9em}th{background:#1F4E5F;color:#fff;text-align:left}
td,th{padding:.35em .5em;border-bottom:1px solid #ddd;vertical-align:top}.note{color:#555;font-style:italic}
.fig{page-break-inside:avoid}@media print{.fig{width:100%}}
"""


def _table(frame, headers: dict[str, str], percent=()) -> str:
    cols = [c for c in headers if c in frame.columns]
    head = "".join(f"<th>{html.escape(headers[c])}</th>" for c in cols)
    body = []
    for rec in frame[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, rec):
            if v is None or (v != v):  # NA and NaN
                text = ""
            elif c in percent:
                text = f"{float(v) * 100:.0f} %"
            else:
                text = str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def to_html(diag, path) -> Path:
    """Write the standalone report (plotly.js embedded once) to `path` atomically."""
    types = role_labels(diag.questions, diag.choices, "actor_type")
    figs = [
        plot_participation(diag.actors.assign(actor_type=relabel(diag.actors["actor_type"], types)),
                           title="Acteurs répondants par type"),
        plot_issue_ranking(diag.issue_ranking, title="Part des répondants qui jugent l'enjeu "
                           "important (intervalle de confiance à 95 %)"),
        plot_group_heatmap(
            diag.group_matrix.assign(actor_type=relabel(diag.group_matrix["actor_type"], types)),
            diag.issue_ranking, diag.settings.min_group_size),
    ]
    parts = [f.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
             for i, f in enumerate(figs)]
    resources = role_labels(diag.questions, diag.choices, "need")
    opp = diag.opportunities.assign(kind=diag.opportunities["kind"].map(KIND_LABELS),
                                    category=relabel(diag.opportunities["category"], resources)
                                    ).head(40)
    accounts = "".join(
        f"<li>{html.escape(a.file)} : {a.rows_read} lignes lues, {a.rows_loaded} chargées, "
        f"{a.rows_rejected} rejetées</li>" for a in diag.accounts)
    page = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>{html.escape(diag.project.title)}</title><style>{_CSS}</style></head><body>
<h1>{html.escape(diag.project.title)}</h1>
<p class="note">Rapport produit le {date.today().strftime('%d/%m/%Y')}. Les acteurs sont désignés
par un identifiant pseudonyme ; aucun nom, courriel ni téléphone n'y figure.</p>
<h2>Participation</h2><ul>{accounts}</ul><div class="fig">{parts[0]}</div>
<h2>Enjeux communs</h2><div class="fig">{parts[1]}</div>
{_table(diag.issue_ranking, {"rank": "Rang", "label": "Enjeu", "support": "Soutien",
        "breadth": "Types qui le partagent", "tag": "Profil", "reason": "Explication"}, ("support",))}
<h2>Convergences entre types d'acteurs</h2><div class="fig">{parts[2]}</div>
<h2>Pistes de coopération</h2>
<p class="note">{len(diag.opportunities)} pistes, les 40 premières ci-dessous (toutes dans le classeur).</p>
{_table(opp, {"kind": "Type", "category": "Ressource", "explanation": "Explication", "status": "Statut"})}
<h2>Méthode et réglages</h2>
{_table(pd.DataFrame(diag.settings.describe(), columns=["n", "v", "d"]).astype(str),
        {"d": "Réglage", "v": "Valeur"})}
<h2>Anomalies</h2><p>{len(diag.anomalies)} anomalies relevées : voir la feuille « Anomalies » du classeur.</p>
</body></html>"""
    write_text(Path(path), page)
    return Path(path)
