"""The standalone HTML report: readable offline, printable, no personal data."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pandas as pd

from diagnostic._io.atomic import write_text
from diagnostic.analysis.labels import relabel, role_labels
from diagnostic.analysis.network import project_resources
from diagnostic.export.localized import localized
from diagnostic.export.maps import map_data, participation_note
from diagnostic.export.paroles import has_paroles, paroles_html, top_words
from diagnostic.export.project_cards import CARD_CSS, cards_html
from diagnostic.export.project_maps import project_geography, territory_shapes
from diagnostic.export.synthesis_sheets import LEVELS, portrait_headers, portrait_table
from diagnostic.export.workbook import cluster_view, method_notes
from diagnostic.i18n import day, decimal, percent, text
from diagnostic.i18n.workbook import sheet_name, word
from diagnostic.plots import (
    plot_group_heatmap,
    plot_indicator_map,
    plot_issue_ranking,
    plot_participation,
    plot_participation_map,
    plot_priority_slope,
    plot_project_map,
    plot_project_resources,
    plot_regard_croise,
    plot_words,
)
from diagnostic.privacy.audiences import (
    CONFIDENTIAL,
    DEFAULT_AUDIENCE,
    audience_line,
    check_audience,
    has_consent_question,
    no_consent_line,
)
from diagnostic.privacy.disclosure import disclosed, public_of, type_words

_CSS = (
    """
body{font-family:'Source Sans Pro',Arial,sans-serif;color:#1d2b36;max-width:1100px;margin:2em auto;padding:0 1em;}
h1{color:#1F4E5F;border-bottom:3px solid #2A9D8F;padding-bottom:.3em}h2{color:#1F4E5F;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:.9em}th{background:#1F4E5F;color:#fff;text-align:left}
td,th{padding:.35em .5em;border-bottom:1px solid #ddd;vertical-align:top}.note{color:#555;font-style:italic}
.fig{page-break-inside:avoid}nav ol{columns:2}h3{color:#2A9D8F;margin-bottom:.3em}
blockquote{margin:.5em 0 .7em 0;padding:.45em .9em;border-left:4px solid #2A9D8F;background:#F1F6F7;page-break-inside:avoid}
blockquote p{margin:.15em 0}blockquote footer{color:#555;font-size:.85em}
td.num,th.num{text-align:right;white-space:nowrap}th.num{white-space:normal}.small{color:#777;background:#eee}
@page{size:A4;margin:1.5cm}
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}.fig{width:100%}
h2{page-break-before:always}h2:first-of-type{page-break-before:avoid}nav{page-break-after:always}
tr,.fig{page-break-inside:avoid}thead{display:table-header-group}a{color:inherit;text-decoration:none}}
.audience{font-weight:bold;color:#8a1c1c}.confidential{color:#C00000;font-weight:bold;
text-align:center;letter-spacing:.3em;border:2px solid #C00000;padding:.2em}
@media print{.confidential{position:fixed;top:0;left:0;right:0;background:#fff}
body.confidential-body{padding-top:2em}.cards{display:block}.card{margin-bottom:.6em}}
"""
    + CARD_CSS
)


def _number(value, kind: str, language: str = "fr") -> str:
    """Number text: « 13 531 », « 33,6 », « 75,0 % » in French; "13,531", "33.6", "75.0%"."""
    if kind == "percent":
        return percent(value, 1, language)
    if kind == "auto":
        kind = "int" if float(value).is_integer() else "dec1"
    return decimal(value, 0 if kind == "int" else 1, language)


def _table(
    frame,
    headers: dict[str, str],
    percents=(),
    numbers: dict[str, str] | None = None,
    language: str = "fr",
) -> str:
    """An HTML table with the given headers; `percents` columns as « 12,5 % », `numbers`
    columns formatted by `_number` (int, dec1 or auto) in `language`, text such as « n<5 »
    left as it is."""
    numbers = {**(numbers or {}), **{c: "percent" for c in percents}}
    cols = [c for c in headers if c in frame.columns]
    num = ' class="num"'
    head = "".join(f"<th{num if c in numbers else ''}>{html.escape(headers[c])}</th>" for c in cols)
    body = []
    for rec in frame[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, rec):
            if v is None or v is pd.NA or (v != v):  # NA and NaN
                text = ""
            elif c in numbers and not isinstance(v, str):
                text = _number(v, numbers[c], language)
            else:
                text = str(v)
            css = ' class="num"' if c in numbers else ""
            if isinstance(v, str) and v.startswith("n<"):
                css = ' class="num small"'
            cells.append(f"<td{css}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _portrait(diag) -> str:
    lang = diag.settings.language
    table = portrait_table(diag.context)
    headers = portrait_headers(diag.context, table, lang)  # « Département (Orne) »
    return f'<p class="note">{html.escape(word("html_portrait", lang), quote=False)}</p>' + _table(
        table.assign(year=table["year"].astype("Int64").astype("string")),
        headers,
        numbers={lv: "auto" for lv in LEVELS},
        language=lang,
    )


def _afom(diag) -> str:
    lang = diag.settings.language
    headers = {k: v for k, v in word("afom_headers", lang).items() if k != "category"}
    parts = []
    for key, title in word("afom_labels", lang).items():
        items = diag.afom[diag.afom["category"] == key]
        if len(items):
            parts.append(f"<h3>{title} ({len(items)})</h3>" + _table(items, headers))
    return "".join(parts) or f"<p>{word('html_none', lang)}</p>"


def _priorities(diag, figure: str) -> str:
    votes, n_min = diag.votes, diag.settings.min_group_size
    lang = diag.settings.language
    voters = int(votes.loc[votes["dots"].fillna(0) > 0, "participant"].nunique())
    table = diag.shared_priorities
    if voters < n_min:
        table = table.assign(workshop_share=f"n<{n_min}")
    comparison = diag.rank_comparison.text if diag.rank_comparison is not None else ""
    headers = {
        k: v
        for k, v in word("priorities_headers", lang).items()
        if k not in ("dots", "participants")
    }
    return (
        f'<p class="note">{word("html_votes", lang, voters=voters)}'
        f'{html.escape(comparison)}</p><div class="fig">{figure}</div>'
        + _table(
            table,
            headers,
            ("support", "workshop_share"),
            {"survey_rank": "int", "workshop_rank": "int", "shift": "int"},
            lang,
        )
    )


def _regard(diag, figure: str) -> str:
    s, lang = diag.settings, diag.settings.language
    note = word(
        "html_regard",
        lang,
        priority=_number(s.priority_threshold, "percent", lang),
        gap=_number(s.gap_threshold, "percent", lang),
    )
    return (
        f'<p class="note">{html.escape(note, quote=False)}</p>'
        f'<div class="fig">{figure}</div>'
        + _table(
            diag.regard_croise,
            word("regard_headers", lang),
            ("support", "gap"),
            {"area_value": "dec1", "reference_value": "dec1"},
            lang,
        )
    )


def _tests(diag) -> str:
    """The tests of the support gaps between types, in the ranking's order."""
    lang = diag.settings.language
    yes, no = word("yes_no", lang)
    order = diag.issue_ranking[["issue_id", "label"]]
    tests = order.merge(diag.divergence.drop(columns=["label"]), on="issue_id", how="inner")
    tests = tests.assign(
        significant=[yes if bool(s) else no for s in tests["significant"].fillna(False)],
        p_value=[_p(p, lang) for p in tests["p_value"]],
        p_adjusted=[_p(p, lang) for p in tests["p_adjusted"]],
        between=tests["between"].fillna(""),
    )
    headers = {"label": word("issue", lang), **word("matrix_tests", lang)}
    return f'<p class="note">{html.escape(word("html_tests", lang), quote=False)}</p>' + _table(
        tests, headers, ("gap",), language=lang
    )


def _p(p, language: str) -> str:
    """A p-value with four decimals (« < 0,0001 » below), or a dash when not tested."""
    if pd.isna(p):
        return "–"
    if p < 0.0001:
        return "< " + decimal(0.0001, 4, language)
    return decimal(p, 4, language)


def _projects(diag, audience: str, figures: str = "") -> str:
    """The cooperation projects as cards (see `diagnostic.export.project_cards`), the link to
    their printable fiches, the map and the projects × resources matrix (`figures`)."""
    lang = diag.settings.language
    if not len(diag.cooperation_projects):
        return f"<p>{html.escape(word('projects_none', lang))}</p>"
    note = html.escape(word("projects_note", lang), quote=False)
    link = (
        f"<p>{html.escape(word('html_fiches_link', lang))}"
        '<a href="fiches_projets.html">fiches_projets.html</a></p>'
    )
    return f'<p class="note">{note}</p>{link}{cards_html(diag, audience)}{figures}'


def _project_figures(diag, resources: dict, include_plotlyjs: bool, who=None) -> str:
    """The projects' map (or why there is none) and the projects × resources matrix; the
    members are placed on `who` (the actors as the audience reads them)."""
    lang = diag.settings.language
    projects = diag.cooperation_projects
    if not len(projects):
        return ""
    geography = project_geography(diag)
    figs = [
        plot_project_resources(
            project_resources(projects, diag.needs, diag.offers),
            projects,
            resources,
            language=lang,
        )
    ]
    note = ""
    if geography.drawable:
        actors = (diag.actors if who is None else who).drop_duplicates("actor_id")
        figs.insert(
            0,
            plot_project_map(
                projects,
                geography.centroids,
                territory_shapes(geography, diag),
                dict(zip(diag.communes["commune_code"], diag.communes["name"])),
                {
                    a: c
                    for a, c in zip(actors["actor_id"].astype(str), actors["commune_code"])
                    if isinstance(c, str)
                },
                language=lang,
            ),
        )
    else:
        note = f'<p class="note">{html.escape(word("map_missing", lang))}</p>'
    return note + "".join(
        '<div class="fig">'
        + f.to_html(
            full_html=False,
            include_plotlyjs=include_plotlyjs and i == 0,
            config={"displaylogo": False},
        )
        + "</div>"
        for i, f in enumerate(figs)
    )


def _plan(diag) -> str:
    """The action plan for funders: validated and ongoing projects, no names."""
    from diagnostic.export.workbook import plan_view

    lang = diag.settings.language
    table = plan_view(diag)
    note = word("plan_note", lang) if len(table) else word("plan_none", lang)
    return f'<p class="note">{html.escape(note, quote=False)}</p>' + (
        _table(table, word("plan_headers", lang), numbers={"actors": "int"}, language=lang)
        if len(table)
        else ""
    )


def _word_figures(diag) -> list[str]:
    """One chart of the most used words per free-text question (plotly.js already loaded)."""
    lang = diag.settings.language
    out = []
    for question, part in top_words(diag).groupby("question", sort=False):
        figure = plot_words(part, title=str(question), language=lang)
        out.append(figure.to_html(full_html=False, include_plotlyjs=False))
    return out


def _maps(diag) -> tuple[str, str]:
    """The participation map and the indicator map (HTML, plotly.js not included), or
    empty texts without contours."""
    data = map_data(diag)
    if data is None or not len(data.respondents):
        return "", ""
    lang, n = diag.settings.language, diag.settings.min_group_size
    config = {"displaylogo": False}
    note = html.escape(participation_note(data, n, lang), quote=False)
    first = plot_participation_map(
        data.geojson, data.respondents, data.names, n, subtitle=note, language=lang
    ).to_html(full_html=False, include_plotlyjs=False, config=config)
    participation = f'<div class="fig map">{first}</div>'
    if data.values is None:
        return participation, ""
    source = text("map.indicator_note", lang, source=data.indicator_source or "")
    second = plot_indicator_map(
        data.geojson,
        data.values,
        data.names,
        title=data.indicator_label or "",
        subtitle=html.escape(source, quote=False),
        language=lang,
    ).to_html(full_html=False, include_plotlyjs=False, config=config)
    return participation, f'<div class="fig map">{second}</div>'


def to_html(diag, path, audience: str = DEFAULT_AUDIENCE) -> Path:
    """Write the standalone report (plotly.js embedded once) to `path` atomically.

    The sections follow the workbook's sheets; « Priorités partagées » only when a
    workshop was held. A print style sheet puts each section on its own page. The header
    says for which `audience` the report is written; the consultant's report repeats
    « CONFIDENTIEL » at the top of every printed page.
    """
    diag = disclosed(localized(diag), check_audience(audience))
    lang = diag.settings.language
    name = lambda key: sheet_name(key, lang)  # noqa: E731
    types = role_labels(diag.questions, diag.choices, "actor_type")
    who = diag.actors if audience == "consultant" else public_of(diag).actors
    workshop = len(diag.votes) > 0
    figs = [
        plot_participation(
            who.assign(actor_type=relabel(who["actor_type"], type_words(diag))),
            title=word("html_participation", lang),
            language=lang,
        ),
        plot_issue_ranking(diag.issue_ranking, title=word("html_ranking", lang), language=lang),
        plot_group_heatmap(
            diag.group_matrix.assign(actor_type=relabel(diag.group_matrix["actor_type"], types)),
            diag.issue_ranking,
            diag.settings.min_group_size,
            language=lang,
        ),
    ]
    if workshop:
        title, survey, workshop_ = text("plot.slope", lang)
        figs.append(
            plot_priority_slope(
                diag.shared_priorities, left_title=survey, right_title=workshop_, title=title
            )
        )
    regard = len(diag.regard_croise) > 0
    if regard:
        figs.append(
            plot_regard_croise(
                diag.regard_croise,
                diag.settings.priority_threshold,
                diag.settings.gap_threshold,
                language=lang,
            )
        )
    parts = [
        f.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        for i, f in enumerate(figs)
    ]
    participation_map, indicator_map = _maps(diag)
    resources = role_labels(diag.questions, diag.choices, "need")
    project_figs = _project_figures(diag, resources, include_plotlyjs=not parts, who=who)
    accounts = "".join(
        "<li>"
        + word(
            "html_account",
            lang,
            file=html.escape(a.file),
            read=a.rows_read,
            loaded=a.rows_loaded,
            rejected=a.rows_rejected,
        )
        + "</li>"
        for a in diag.accounts
    )
    pick = lambda key, *cols: {c: word(key, lang)[c] for c in cols}  # noqa: E731
    method = word("method_headers", lang)
    sections = [
        (
            name("participation"),
            f'<ul>{accounts}</ul><div class="fig">{parts[0]}</div>{participation_map}',
        ),
        (name("portrait"), _portrait(diag) + indicator_map),
        (
            name("ranking"),
            f'<div class="fig">{parts[1]}</div>'
            + _table(
                diag.issue_ranking,
                pick("ranking_headers", "rank", "label", "support", "breadth", "tag", "reason"),
                ("support",),
                language=lang,
            ),
        ),
        (name("matrix"), f'<div class="fig">{parts[2]}</div>' + _tests(diag)),
        (name("afom"), _afom(diag)),
        *([(name("regard"), _regard(diag, parts[-1]))] if regard else []),
        (name("projects"), _projects(diag, audience, project_figs)),
        (name("plan"), _plan(diag)),
        (
            name("opportunities"),
            '<p class="note">'
            + html.escape(
                word(
                    "html_opportunities_detail",
                    lang,
                    n=len(diag.opportunities),
                    sheet=name("opportunities"),
                ),
                quote=False,
            )
            + "</p>",
        ),
        (
            name("clusters"),
            _table(
                cluster_view(diag),  # issues in words
                pick("clusters_headers", "label", "issues", "size", "actor_types"),
                numbers={"size": "int"},
                language=lang,
            ),
        ),
    ]
    if workshop:
        sections.append((name("priorities"), _priorities(diag, parts[3])))
    if has_paroles(diag):
        sections.append((name("paroles"), paroles_html(diag, _word_figures(diag))))
    sections += [
        (
            name("method"),
            "".join(f"<p>{html.escape(n, quote=False)}</p>" for n in method_notes(diag))
            + _table(
                pd.DataFrame(diag.settings.describe(lang), columns=["n", "v", "d"]).astype(str),
                {"d": method["description"], "v": method["value"]},
            ),
        ),
        (
            name("anomalies"),
            "<p>"
            + html.escape(
                word("html_anomalies", lang, n=len(diag.anomalies), sheet=name("anomalies")),
                quote=False,
            )
            + "</p>",
        ),
    ]
    anchors = [f"s{i}" for i in range(1, len(sections) + 1)]
    toc = "".join(
        f'<li><a href="#{a}">{html.escape(t)}</a></li>' for a, (t, _) in zip(anchors, sections)
    )
    body = "\n".join(
        f'<h2 id="{a}">{html.escape(t)}</h2>\n{content}'
        for a, (t, content) in zip(anchors, sections)
    )
    produced = word(
        "html_produced" if audience == "funder" else "html_produced_named",
        lang,
        day=day(date.today(), lang),
    )
    code = "en" if lang == "en" else "fr"
    line = audience_line(audience, lang)
    if audience == "collective" and not has_consent_question(diag.questions):
        line += " " + no_consent_line(lang)
    secret = audience == "consultant"
    banner = f'<div class="confidential">{CONFIDENTIAL}</div>\n' if secret else ""
    page = f"""<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8">
<title>{CONFIDENTIAL + " — " if secret else ""}{html.escape(diag.project.title)}</title>
<style>{_CSS}</style></head><body{' class="confidential-body"' if secret else ""}>
{banner}<h1>{html.escape(diag.project.title)}</h1>
<p class="note">{produced}</p>
<p class="audience">{html.escape(line)}</p>
<nav><h2>{word("html_contents", lang)}</h2><ol>{toc}</ol></nav>
{body}
</body></html>"""
    write_text(Path(path), page)
    return Path(path)
