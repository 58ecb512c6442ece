"""One printable page per cooperation project, for the workshop wall (``fiches.html``)."""

from __future__ import annotations

import html
from collections import Counter
from datetime import date
from pathlib import Path

from diagnostic._io.atomic import write_text
from diagnostic.export.project_maps import project_geography, svg_map
from diagnostic.i18n import day, text
from diagnostic.i18n.workbook import word
from diagnostic.privacy.audiences import (
    CONFIDENTIAL,
    DEFAULT_AUDIENCE,
    audience_line,
    check_audience,
    shown_names,
)

_CSS = """
body{font-family:'Source Sans Pro',Arial,sans-serif;color:#1d2b36;max-width:800px;margin:1em auto}
.fiche{border:2px solid #1F4E5F;padding:1em 1.4em;margin-bottom:2em}
h1{color:#1F4E5F;font-size:1.6em;margin:.2em 0 .4em}.kind{background:#1F4E5F;color:#fff;
padding:0 .5em;border-radius:3px;font-size:.8em}.note{color:#555;font-style:italic;font-size:.9em}
h2{color:#2A9D8F;font-size:1.1em;margin:.9em 0 .2em}ul{margin:.2em 0}
.map{float:right;width:46%;margin:.3em 0 .5em 1em}.map svg{width:100%;height:auto;
border:1px solid #ddd}.decide{clear:both}
.blank{border-bottom:1px solid #999;height:1.8em}.confidential{color:#C00000;font-weight:bold;
text-align:center;letter-spacing:.3em}
@page{size:A4;margin:1.5cm}
@media print{body{margin:0;max-width:none;font-size:10.5pt}.fiche{page-break-after:always;
border:none;margin:0;padding:0}h2{margin:.6em 0 .15em}.blank{height:1.5em}}
"""


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def to_fiches(diag, path, audience: str = DEFAULT_AUDIENCE) -> Path:
    """Write one page per cooperation project (title, a map of the members' communes, who
    needs, who brings, shared issues, first step, and blank lines for the decision, the
    carrier and the next date).

    The map is an inline SVG drawn from the project's contours (or its centroids): it prints
    without a browser's scripts; without geography the page says why there is no map.

    Names follow `audience` (see `diagnostic.privacy.audiences`); for funders each actor is
    described by its pseudonym and type only.
    """
    from diagnostic.export.workbook import project_view

    check_audience(audience)
    lang = diag.settings.language
    words = word("fiche_words", lang)
    shown = shown_names(diag, audience)
    from diagnostic.privacy.disclosure import public_of, type_words

    # but for the consultant, each member's type and commune as the actors table gives them
    secret = audience == "consultant"
    actors = diag.actors.drop_duplicates("actor_id") if secret else public_of(diag).actors
    types = actors.set_index("actor_id")["actor_type"]
    type_labels = type_words(diag)
    no_type = text("coop.no_type", lang)  # a withheld actor (or one without a type)

    def person(a):
        kind = types.get(a)
        kind = type_labels.get(kind, kind) if isinstance(kind, str) else no_type
        return f"{shown[a]} ({kind})" if a in shown else f"{a} ({kind})"

    geography = project_geography(diag)
    place = dict(zip(actors["actor_id"].astype(str), actors["commune_code"].astype(object)))
    commune_names = dict(zip(diag.communes["commune_code"], diag.communes["name"]))
    territory = diag.communes["commune_code"].astype(str).tolist()
    no_map = f'<p class="note">{html.escape(word("map_missing", lang))}</p>'
    pages = []
    for p in project_view(diag, audience).to_dict("records"):
        brings = [person(a) for a in (p["offerers"] or "").split(";") if a]
        needs = [person(a) for a in (p["needers"] or "").split(";") if a]
        blanks = (
            '<div class="decide">'
            + "".join(
                f"<h2>{html.escape(w)}</h2>" + '<div class="blank"></div>' * n
                for w, n in ((words["decision"], 3), (words["carrier"], 1), (words["next"], 1))
            )
            + "</div>"
        )
        ids = [a for a in (p["members"] or "").split(";") if a]
        here = Counter(place[a] for a in ids if isinstance(place.get(a), str))
        drawn = svg_map(geography, dict(here), territory, commune_names)
        if drawn:
            drawn = f'<div class="map">{drawn}</div>'
        elif geography.drawable and not here:  # every member generalised by the public view
            drawn = f'<p class="note">{html.escape(word("map_unpublished", lang))}</p>'
        else:
            drawn = no_map
        pages.append(
            '<section class="fiche">'
            + (f'<div class="confidential">{CONFIDENTIAL}</div>' if secret else "")
            + f"<h1>{html.escape(p['title'])}</h1>"
            f'<p><span class="kind">{html.escape(p["kind"])}</span> '
            f"{html.escape(p['summary'])}</p>"
            + drawn
            + (f"<h2>{html.escape(words['needs'])}</h2>{_list(needs)}" if needs else "")
            + (f"<h2>{html.escape(words['brings'])}</h2>{_list(brings)}" if brings else "")
            + (
                f"<h2>{html.escape(words['issues'])}</h2><p>{html.escape(p['issues'])}</p>"
                if isinstance(p["issues"], str) and p["issues"]
                else ""
            )
            + f"<h2>{html.escape(words['first_step'])}</h2><p>{html.escape(p['first_step'])}</p>"
            + blanks
            + f'<p class="note">{html.escape(audience_line(audience, lang))} '
            f"{html.escape(p['project_id'])} — {html.escape(diag.project.title)}, "
            f"{day(date.today(), lang)}</p></section>"
        )
    if not pages:
        pages.append(f"<p>{html.escape(word('projects_none', lang))}</p>")
    code = "en" if lang == "en" else "fr"
    title = html.escape(words["title"] + " — " + diag.project.title)
    page = (
        f'<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8"><title>'
        f"{CONFIDENTIAL + ' — ' if secret else ''}{title}</title><style>{_CSS}</style>"
        f"</head><body>{''.join(pages)}</body></html>"
    )
    write_text(Path(path), page)
    return Path(path)
