"""A cooperation project as a card (HTML), the same in the report and in the app.

Every value is escaped; names appear only as the audience allows (see
`diagnostic.privacy.audiences.shown_names`): funders read counts by actor type, never a name.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from diagnostic.analysis.labels import relabel, resource_labels, role_labels
from diagnostic.analysis.projects import SWAP, short_type
from diagnostic.i18n import decimal
from diagnostic.i18n.workbook import word
from diagnostic.privacy.audiences import DEFAULT_AUDIENCE, check_audience, shown_names
from diagnostic.privacy.disclosure import public_of, type_words

CARD_CSS = """
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:.8em}
.card{border:1px solid #ccd;border-left:5px solid #2A9D8F;padding:.5em .8em;
page-break-inside:avoid;background:#fff;font-size:14px;line-height:1.35}
.card h3{margin:.1em 0 .3em;color:#1F4E5F;font-size:1.1em}.card p{margin:.25em 0}
.card .kind{font-size:.8em;color:#fff;background:#1F4E5F;padding:0 .4em;border-radius:3px}
.card .status{font-size:.8em;border:1px solid #1F4E5F;color:#1F4E5F;padding:0 .4em;
border-radius:3px}.card .names{color:#1F4E5F}
"""


def _e(value) -> str:
    return "" if value is None or value is pd.NA else html.escape(str(value))


@dataclass(frozen=True)
class CardContext:
    """What every card of one output needs: names allowed, types, words."""

    audience: str
    language: str
    shown: dict
    types: dict  # actor_id -> actor type code
    type_labels: dict
    words: dict
    heads: dict


def card_context(diag, audience: str = DEFAULT_AUDIENCE) -> CardContext:
    """The names `audience` may read and the words of the cards, for `diag`."""
    check_audience(audience)
    lang = diag.settings.language
    if audience == "consultant":
        actors = diag.actors.drop_duplicates("actor_id")
        labels = role_labels(diag.questions, diag.choices, "actor_type")
    else:  # the types of the public view: small types merged, withheld actors untyped
        actors, labels = public_of(diag).actors, type_words(diag)
    return CardContext(
        audience,
        lang,
        shown_names(diag, audience),
        dict(zip(actors["actor_id"].astype(str), actors["actor_type"].astype(object))),
        labels,
        word("card_words", lang),
        word("projects_headers", lang),
    )


def who(ids, ctx: CardContext) -> str:
    """The members `ids` as the audience may read them: names (with their type) for the
    collective and the consultant, « 2 entreprises, 1 association » for funders."""
    ids = [i for i in (ids.split(";") if isinstance(ids, str) else ids or []) if i]

    def kind(a):
        t = ctx.types.get(a)
        return ctx.type_labels.get(t, t) if isinstance(t, str) else None

    if ctx.audience == "funder" or not ctx.shown:
        counts = Counter(kind(a) for a in ids)
        return ", ".join(
            short_type(t, n, ctx.language)
            for t, n in sorted(counts.items(), key=lambda x: (-x[1], str(x[0])))
        )
    return ", ".join(
        f"{ctx.shown.get(a, a)} ({short_type(kind(a), None, ctx.language)})" for a in ids
    )


def card_html(project: dict, ctx: CardContext, labels: dict | None = None) -> str:
    """One project's card: title, kind, status, resources, summary, who needs and who brings
    (named only as the audience allows), communes, shared issues, first step, carrier and
    next step once decided.

    `project` is a row of `diagnostic.export.workbook.project_view` (words applied).
    """
    w, lang = ctx.words, ctx.language
    labels = labels or {}

    def line(key, value, css=""):
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return ""
        if not str(value).strip():
            return ""
        cls = f' class="{css}"' if css else ""
        return f"<p{cls}><b>{_e(w[key])} :</b> {_e(value)}</p>"

    resources = " ↔ ".join(labels.get(r, r) for r in str(project["resources"]).split(SWAP))
    if project.get("needers"):
        people = line("needs", who(project["needers"], ctx), "names") + line(
            "offers", who(project.get("offerers"), ctx), "names"
        )
    else:  # a swap: every member brings and needs
        people = line("members", who(project["members"], ctx), "names")
    decided = line("carrier", project.get("carrier")) if ctx.audience != "funder" else ""
    contacts = project.get("member_contacts") if ctx.audience == "consultant" else None
    return (
        f'<div class="card" data-project="{_e(project["project_id"])}">'
        f"<h3>{_e(project['title'])}</h3>"
        f'<p><span class="kind">{_e(project["kind"])}</span> '
        f'<span class="status">{_e(project["status"])}</span> '
        f"{_e(ctx.heads['score'])} {decimal(project['score'], 2, lang)}</p>"
        + line("resources", resources)
        + f"<p>{_e(project['summary'])}</p>"
        + people
        + line("communes", project.get("commune_names"))
        + line("issues", project.get("issues"))
        + line("first_step", project.get("first_step"))
        + decided
        + line("next_step", project.get("next_step"))
        + (line("members", contacts) if contacts else "")
        + "</div>"
    )


def cards_html(diag, audience: str = DEFAULT_AUDIENCE, projects: pd.DataFrame | None = None):
    """The cards of `projects` (default: every project of `diag`), in a grid."""
    from diagnostic.export.workbook import project_view

    ctx = card_context(diag, audience)
    view = project_view(diag, audience)
    if projects is not None:
        view = view[view["project_id"].isin(projects["project_id"])]
    labels = resource_labels(diag.questions, diag.choices)
    return (
        '<div class="cards">'
        + "".join(card_html(p, ctx, labels) for p in view.to_dict("records"))
        + "</div>"
    )


def resource_words(diag) -> dict:
    """Resource code -> label of `diag`, for filters and titles."""
    labels = resource_labels(diag.questions, diag.choices)
    codes = sorted(
        {r for res in diag.cooperation_projects["resources"].dropna() for r in str(res).split(SWAP)}
    )
    return dict(zip(codes, relabel(pd.Series(codes, dtype="string"), labels).astype(str)))
