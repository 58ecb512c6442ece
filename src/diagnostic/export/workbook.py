"""The funder workbook: self-documented, pseudonymised, safe to open."""

from __future__ import annotations

import math
import weakref
from datetime import date
from pathlib import Path

import pandas as pd

from diagnostic._io.progress import bar
from diagnostic.analysis import contrasts
from diagnostic.analysis.decisions import PROJECT_STATUSES
from diagnostic.analysis.issues import issue_cells, non_answers, top_stability
from diagnostic.analysis.labels import relabel, relabel_mix, role_labels
from diagnostic.analysis.projects import kind_words
from diagnostic.anomalies import summarise
from diagnostic.export.book import open_book
from diagnostic.export.cells import (
    BOLD,
    DARK,
    DECIMAL,
    GREY,
    HEADER,
    INTEGER,
    NOTE,
    PERCENT,
    print_setup,
    put,
    wrapped_lines,
    write_title,
)
from diagnostic.export.data_sheet import annex_note, annex_path, in_annex, write_data
from diagnostic.export.frames import beside_table, write_frame
from diagnostic.export.localized import localized
from diagnostic.export.maps import participation_map_image
from diagnostic.export.paroles import has_paroles, write_paroles
from diagnostic.export.synthesis_sheets import (
    write_afom,
    write_portrait,
    write_priorities,
    write_regard,
)
from diagnostic.export.tables import audience_projects
from diagnostic.i18n import day, label, percent
from diagnostic.i18n.workbook import SHEET_NAMES, sheet_name, word
from diagnostic.privacy.audiences import (
    CONFIDENTIAL,
    DEFAULT_AUDIENCE,
    audience_line,
    check_audience,
    has_consent_question,
    no_consent_line,
)
from diagnostic.privacy.disclosure import (
    disclosed,
    dropped_projects,
    public_of,
    type_words,
    unique_on,
)
from diagnostic.privacy.masking import mask_text

#: Every sheet, in order (French names); « Priorités partagées » only when a workshop was
#: held (votes), « Regard croisé » only when the project links issues to indicators.
SHEETS = [name for key, name in SHEET_NAMES["fr"].items() if key != "opportunities"]
WORKSHOP_SHEET = SHEET_NAMES["fr"]["priorities"]
REGARD_SHEET = SHEET_NAMES["fr"]["regard"]
#: Bootstrap resamples of the stability of the top five (Méthode sheet).
STABILITY_RESAMPLES = 200


def to_workbook(
    diag,
    path,
    *,
    include_personal: bool = False,
    audience: str = DEFAULT_AUDIENCE,
    annex: bool = True,
) -> Path:
    """Write the funder workbook to `path` (atomically) and return the path.

    Parameters
    ----------
    diag : Diagnostic
    include_personal : bool
        Add respondents' names and contacts (a warning sheet says so). Off by default;
        always on for the consultant.
    audience : str
        funder (no names), collective (names of consenting structures in the projects
        sheet) or consultant (everything; « CONFIDENTIEL » in every sheet's page header).
    annex : bool
        Above a size (`in_annex`), the answers go to the data annex beside the workbook:
        written here, unless False (written apart by `write_annex`, as `write_outputs`
        does while the analyses run); the Méthode sheet names it either way.
    """
    path = Path(path)
    diag = disclosed(localized(diag), check_audience(audience))
    include_personal = include_personal or audience == "consultant"
    lang = diag.settings.language
    base = word("base", lang, n=len(diag.actors))
    source = word("source", lang, title=diag.project.title, day=day(date.today(), lang))
    name = lambda key: sheet_name(key, lang)  # noqa: E731
    with open_book(path) as book:
        summary = book.sheet(name("summary"))  # filled last, when every sheet is known
        if include_personal:
            _personal(book, book.sheet(word("personal_sheet", lang)), diag)

        def sheet(key):
            return book.sheet(name(key))

        writers = [
            ("method", lambda: _method(book, sheet("method"), diag, annex_note(diag, path))),
            (
                "participation",
                lambda: _participation(book, sheet("participation"), diag, base, source, audience),
            ),
            ("portrait", lambda: write_portrait(book, sheet("portrait"), diag, source)),
            ("ranking", lambda: _ranking(book, sheet("ranking"), diag, base, source)),
            ("matrix", lambda: _matrix(book, sheet("matrix"), diag, source)),
            ("afom", lambda: write_afom(book, sheet("afom"), diag, source)),
            ("regard", lambda: write_regard(book, sheet("regard"), diag, source)),
            (
                "projects",
                lambda: _projects(book, sheet("projects"), diag, source, audience),
            ),
            ("plan", lambda: _plan(book, sheet("plan"), diag, source)),
            ("clusters", lambda: _clusters(book, sheet("clusters"), diag, source)),
            ("priorities", lambda: write_priorities(book, sheet("priorities"), diag, source)),
            ("paroles", lambda: write_paroles(book, sheet("paroles"), diag, source)),
            # and its continuation sheets; above a size, the data annex beside the workbook
            ("data", lambda: write_data(book, diag, source, audience, annex_path(path))),
            ("dictionary", lambda: _dictionary(book, sheet("dictionary"), diag)),
            ("anomalies", lambda: _anomalies(book, sheet("anomalies"), diag)),
        ]
        skip = {
            "data": not annex and in_annex(diag),
            "regard": not len(diag.regard_croise),
            "priorities": not len(diag.votes),
            "paroles": not has_paroles(diag),
        }
        writers = [(key, write) for key, write in writers if not skip.get(key)]
        with bar(total=len(writers), description="Classeur", unit="feuille") as done:
            for key, write in writers:
                done.set_postfix_str(name(key), refresh=False)
                write()
                done.update()
        sheets = book.workbook.worksheets()
        _summary(book, summary, diag, source, [ws.name for ws in sheets[1:]], audience)
        data_name, personal = name("data"), word("personal_sheet", lang)
        for ws in sheets:
            data = ws.name.startswith(data_name) and ws.name != personal
            print_setup(ws, scale=70 if data else None)  # data: too wide for one page
            if audience == "consultant":  # on every printed page of every sheet
                ws.set_header(f'&C&"-,Bold"&12{CONFIDENTIAL}', {"margin": 0.4})
                ws.set_tab_color("#C00000")
    return path


def _summary(book, ws, diag, source, names, audience=DEFAULT_AUDIENCE):
    lang = diag.settings.language
    purposes = {sheet_name(key, lang): text for key, text in word("purposes", lang).items()}
    put(
        ws,
        0,
        0,
        diag.project.title,
        book.format({"font_size": 16, "bold": True, "font_color": DARK}),
    )
    put(ws, 1, 0, source, book.format(NOTE))
    named = word(
        "named",
        lang,
        personal=word("named_personal", lang) if audience == "consultant" else "",
    )
    put(ws, 2, 0, word("pseudonyms", lang) if audience == "funder" else named, book.format(NOTE))
    line = audience_line(audience, lang)
    if audience == "collective" and not has_consent_question(diag.questions):
        line += " " + no_consent_line(lang)
    put(ws, 3, 0, line, book.format(BOLD, {"font_color": "#C00000"}))
    sheet, contents = word("summary_headers", lang)
    put(ws, 4, 0, sheet, book.format(BOLD))
    put(ws, 4, 1, contents, book.format(BOLD))
    for i, name in enumerate(names, start=5):
        ws.write_url(i, 0, f"internal:'{name}'!A1", string=name)
        put(ws, i, 1, purposes.get(name.split(" (")[0], ""))
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 70)


#: id of a (disclosed) diagnostic → its method notes, dropped with the diagnostic (frozen)
_NOTES: dict[int, list[str]] = {}


def method_notes(diag) -> list[str]:
    """The method's sentences, with the rules as coded: compared types, thresholds, tests,
    the stability of the top five and how reciprocal exchanges were searched.

    Computed once per diagnostic (the stability resamples cost a second): the workbook and
    the report read the same sentences."""
    if id(diag) not in _NOTES:
        _NOTES[id(diag)] = _method_notes(diag)
        weakref.finalize(diag, _NOTES.pop, id(diag), None)
    return list(_NOTES[id(diag)])


#: ids of a diagnostic's tables read (`_CHECKED`) → `ranking_checks` of them, dropped with
#: the first of those tables to go
_CHECKS: dict[tuple, tuple] = {}
_CHECKED = ("responses", "answers", "questions", "choices")


def ranking_checks(diag) -> tuple[list, pd.DataFrame, int]:
    """(the actor types compared, as codes; the stability of the top five; the non-answers
    left out): what the method notes compute from the answers alone, the costly part of
    them (5 s on 50,000 actors, most of it the resamples). Computed once per diagnostic
    (keyed by the tables they read); `keep_checks` takes them computed elsewhere (in a
    worker process, while this one makes the public view)."""
    key = tuple(id(getattr(diag, name)) for name in _CHECKED)
    if key not in _CHECKS:
        st = diag.settings
        _issues, kinds, _n, _s, actors = issue_cells(diag.responses)
        qualify = contrasts.qualifying(actors, st)
        stability = top_stability(diag.responses, st, resamples=STABILITY_RESAMPLES)
        left_out = non_answers(diag.answers, diag.questions, diag.choices)
        keep_checks(diag, ([k for k, q in zip(kinds, qualify) if q], stability, left_out))
    return _CHECKS[key]


def keep_checks(diag, checks: tuple) -> None:
    """Keep `checks` (`ranking_checks` computed elsewhere) as those of `diag`'s tables."""
    key = tuple(id(getattr(diag, name)) for name in _CHECKED)
    if key not in _CHECKS:
        _CHECKS[key] = checks
        for name in _CHECKED:
            weakref.finalize(getattr(diag, name), _CHECKS.pop, key, None)


def _method_notes(diag) -> list[str]:
    st, lang = diag.settings, diag.settings.language
    qualifying, stability, left_out = ranking_checks(diag)
    names = role_labels(diag.questions, diag.choices, "actor_type")
    compared = [names.get(k, k) for k in qualifying]
    stable = " ; " if lang == "fr" else "; "
    everything, best = word("method_reciprocal", lang)
    shown = int((diag.opportunities["kind"] == "reciprocal").sum())
    reciprocal = (best if shown >= st.max_reciprocal else everything).format(
        n=shown, limit=st.max_reciprocal
    )
    values = {
        "n": st.min_group_size,
        "top_box": st.top_box,
        "types": ", ".join(compared) or word("method_none", lang),
        "threshold": st.support_threshold * 100,
        "gap": st.divisive_gap * 100,
        "alpha": f"{st.divergence_alpha:g}".replace(".", "," if lang == "fr" else "."),
        "wide": max(2, math.ceil(st.transversal_share * len(compared))),
        "k": len(compared),
        "resamples": STABILITY_RESAMPLES,
        "stability": stable.join(
            f"{r.rank}. {r.label} {percent(r.stays, 0, lang)}" for r in stability.itertuples()
        )
        or word("method_none", lang),
        "reciprocal": reciprocal,
    }
    notes = [note.format(**values) for note in word("method_notes", lang)]
    notes.append(word("method_non_answers", lang, n=left_out, s="s" if left_out > 1 else ""))
    if len(diag.text_answers):
        notes.append(word("paroles_note", lang, n=st.min_group_size))
    untyped = int(diag.actors["actor_type"].isna().sum())
    if untyped:
        notes.append(word("method_untyped", lang, n=untyped, s="s" if untyped > 1 else ""))
    notes.append(disclosure_note(diag))
    return notes


def disclosure_note(diag) -> str:
    """The method of `diagnostic.privacy.disclosure` in words, with the figures of `diag`."""
    st, lang = diag.settings, diag.settings.language
    public = public_of(diag)
    names = type_words(diag)
    merged = [
        names.get(t, t) if t is not None else word("unspecified", lang) for t in public.merged
    ]
    withheld, published, nothing = word("method_withheld", lang)
    if not merged:
        state = nothing
    elif public.withheld:
        dropped = dropped_projects(diag)
        none, one, many = word("method_dropped", lang)
        state = withheld.format(
            n=st.min_group_size,
            count=len(public.withheld),
            dropped=(none if not dropped else one if dropped == 1 else many).format(n=dropped),
        )
    else:
        state = published.format(n=st.min_group_size)
    actors = diag.actors.drop_duplicates("actor_id")
    return word(
        "method_disclosure",
        lang,
        n=st.min_group_size,
        # the merged types are not named when withheld: their count would give their size
        merged=f" ({', '.join(merged)})" if merged and not public.withheld else "",
        withheld=state,
        unique_before=unique_on(actors),
        unique_after=unique_on(public.actors, ("actor_type", "commune_code", "epci_code")),
        generalised=public.generalised,
    )


def _method(book, ws, diag, more=()):
    lang = diag.settings.language
    # the notes wrap over the table's three columns (description 70, value, name: ~100)
    notes = method_notes(diag) + list(more)
    start = write_title(book, ws, sheet_name("method", lang), notes, span=3, width=100)
    rows = pd.DataFrame(diag.settings.describe(lang), columns=["name", "value", "description"])
    rows["value"] = rows["value"].astype(str)
    write_frame(
        book,
        ws,
        rows,
        start,
        word("method_headers", lang),
        widths={"description": 70},
        filters=False,
    )


def _participation(book, ws, diag, base, source, audience=DEFAULT_AUDIENCE):
    lang = diag.settings.language
    notes = [base, source]
    if audience != "consultant":  # the counts of the public view (privacy.disclosure)
        notes.insert(1, word("participation_public", lang, n=diag.settings.min_group_size))
    start = write_title(book, ws, word("participation_title", lang), notes)
    types = type_words(diag)  # the types' labels, « autres » included
    table = diag.participation.assign(actor_type=relabel(diag.participation["actor_type"], types))
    # counted on the participation table: the public view but for the consultant
    counted = diag.participation[diag.participation["actor_type"] != "—"]
    by_type = (
        counted.assign(actor_type=relabel(counted["actor_type"], type_words(diag)))
        .groupby("actor_type", sort=False)["respondents"]
        .sum()
        .astype(int)
        .sort_values(ascending=False, kind="stable")
    )
    by_type = by_type[by_type > 0]
    respondents = word("respondents", lang)
    counts = pd.DataFrame(
        {word("actor_type", lang): by_type.index, respondents: by_type.to_numpy()}
    )
    col = 8  # the counts by type, beside the table, feed the chart
    write_frame(
        book,
        ws,
        table,
        start,
        word("participation_headers", lang),
        {"population": INTEGER, "respondents": INTEGER, "per_1000_inhabitants": DECIMAL},
        beside=beside_table(counts, start, col, {respondents: INTEGER}),
    )
    if len(counts):
        rows = (start + 1, start + len(counts))
        book.bar_chart(
            ws,
            word("participation_chart", lang),
            name=(start, col + 1),
            values=(*rows, col + 1),
            categories=(*rows, col),
            size_cm=(14, 7),
            anchor=(start, 11),
        )
    # the counts' own columns, wide enough for the types' labels
    ws.set_column(col, col, max([len(str(t)) for t in counts.iloc[:, 0]] + [12]) + 2)
    ws.set_column(col + 1, col + 1, len(respondents) + 2)
    participation_map_image(ws, diag, (start + 15, 11))


def _issue_question(diag, lang: str, base: str) -> str:
    """The subtitle line naming the question the issues come from: its label (a grid's
    stem, « Importance pour votre structure » of « … : Mobilité »), or how many questions
    when the issues come from several (never the first of them alone)."""
    roles = diag.questions["role"]
    labels = diag.questions.loc[roles.isin(["issue", "issue_importance"]), "label"]
    stems = list(dict.fromkeys(str(label).split(" : ")[0] for label in labels.dropna()))
    if len(stems) > 1:
        return word("questions_many", lang, n=len(stems), base=base)
    return word(
        "question", lang, question=stems[0] if stems else word("issues_cited", lang), base=base
    )


def _ranking(book, ws, diag, base, source):
    lang = diag.settings.language
    bases = diag.issue_ranking["respondents"].dropna()
    if len(bases) and bases.min() != bases.max():
        base = word("base_range", lang, low=int(bases.min()), high=int(bases.max()))
    elif len(bases):
        base = word("base", lang, n=int(bases.iloc[0]))
    start = write_title(
        book, ws, word("ranking_title", lang), [_issue_question(diag, lang, base), source]
    )
    table = diag.issue_ranking
    headers = word("ranking_headers", lang)
    first, last = write_frame(
        book,
        ws,
        table,
        start,
        headers,
        {
            "support": PERCENT,
            "support_ci_low": PERCENT,
            "support_ci_high": PERCENT,
            "support_by_type_mean": PERCENT,
            "min_support": PERCENT,
            "consensus": "0.00",
            "respondents": INTEGER,
        },
        widths={
            "reason": 55,
            "label": 32,
            "rank": 6,
            "theme": 14,
            "tag": 20,
            "support_ci_low": 11,
            "support_ci_high": 11,
            "respondents": 11,
            "support": 10,
        },
    )
    if len(table):
        cols = [c for c in headers if c in table.columns]
        mean, label = cols.index("support_by_type_mean"), cols.index("label")
        book.bar_chart(
            ws,
            word("ranking_chart", lang),
            name=(start, mean),
            values=(first, last, mean),
            categories=(first, last, label),
            size_cm=(24, 2 + 0.8 * len(table)),
            anchor=(last + 3, 1),
            percent=True,
            full_scale=True,
            top_down=True,
            gap=40,
        )


def _matrix(book, ws, diag, source):
    m, lang = diag.group_matrix, diag.settings.language
    n_min = diag.settings.min_group_size
    start = write_title(
        book, ws, word("matrix_title", lang), [word("matrix_note", lang, n=n_min), source]
    )
    types = sorted(m["actor_type"].unique())
    order = diag.issue_ranking[["issue_id", "label"]]
    names = role_labels(diag.questions, diag.choices, "actor_type")
    shown = m[~m["suppressed"].astype(bool)]
    low = shown.groupby("actor_type")["respondents"].min()
    high = shown.groupby("actor_type")["respondents"].max()

    def base(t):  # the bases of the type's shown cells, never the size of the type
        if t not in low.index:
            return ""
        a, b = int(low[t]), int(high[t])
        return f" (n={a})" if a == b else f" (n={a}–{b})"

    tests = word("matrix_tests", lang)
    texts = [word("issue", lang)] + [f"{names.get(t, t)}{base(t)}" for t in types]
    texts += list(tests.values())
    # the widths set below: issue 40, types 22, tests 16 (the last, the pairs, 40)
    widths = [40] + [22] * len(types) + [16] * 4 + [40]
    # bold header text: a column of width w holds about 0.9 w characters
    lines = max(wrapped_lines(t, 0.9 * w) for t, w in zip(texts, widths))
    ws.set_row(start, max(32, 15 * lines))
    header = book.format(HEADER)
    for j, text in enumerate(texts):
        put(ws, start, j, text, header)
    cells = {
        (i, t): (s, v)
        for i, t, s, v in m[["issue_id", "actor_type", "suppressed", "support"]].itertuples(
            index=False
        )
    }
    percent, grey = book.format({"num_format": PERCENT}), book.format(GREY)
    p_format = book.format({"num_format": "0.0000"})
    divergence = diag.divergence.set_index("issue_id")
    yes, no = word("yes_no", lang)
    for i, issue in enumerate(order.itertuples(), start=start + 1):
        put(ws, i, 0, issue.label)
        if issue.issue_id in divergence.index:
            d = divergence.loc[issue.issue_id]
            col = len(types) + 1
            if not pd.isna(d["p_value"]):
                put(ws, i, col, float(d["gap"]), percent)
                put(ws, i, col + 1, float(d["p_value"]), p_format)
                put(ws, i, col + 2, float(d["p_adjusted"]), p_format)
                put(ws, i, col + 3, yes if bool(d["significant"]) else no)
            else:
                put(ws, i, col, str(d["test"]), grey)
            put(ws, i, col + 4, "" if pd.isna(d["between"]) else str(d["between"]))
        for j, t in enumerate(types, start=1):
            if (issue.issue_id, t) not in cells:
                continue
            suppressed, support = cells[issue.issue_id, t]
            if bool(suppressed):
                put(ws, i, j, f"n<{n_min}", grey)
            else:
                put(ws, i, j, support, percent)
    last = start + len(order)
    if len(order) and types:
        ws.conditional_format(
            start + 1,
            1,
            last,
            len(types),
            {
                "type": "2_color_scale",
                "min_type": "num",
                "min_value": 0,
                "min_color": "#F7FBFF",
                "max_type": "num",
                "max_value": 1,
                "max_color": "#08519C",
            },
        )
    ws.set_column(0, 0, 40)
    if types:
        ws.set_column(1, len(types), 22)
    ws.set_column(len(types) + 1, len(types) + 4, 16)
    ws.set_column(len(types) + 5, len(types) + 5, 40)
    ws.freeze_panes(start + 1, 1)


def project_view(diag, audience: str = DEFAULT_AUDIENCE):
    """The projects as an audience reads them: kind, actor types and issues in words."""
    lang = diag.settings.language
    table = audience_projects(diag, audience)
    types = role_labels(diag.questions, diag.choices, "actor_type")
    issues = dict(zip(diag.issue_ranking["issue_id"], diag.issue_ranking["label"]))
    return table.assign(
        kind=table["kind"].map(kind_words(lang)),
        actor_types=relabel_mix(table["actor_types"], types),
        issues=table["issues"].map(
            lambda v: (
                " ; ".join(issues.get(i, i) for i in v.split(";")) if isinstance(v, str) else v
            )
        ),
        status=table["status"].map(lambda s: label(s, lang)),
    )


def _projects(book, ws, diag, source, audience):
    lang = diag.settings.language
    notes = [word("projects_note", lang), source]
    if not len(diag.cooperation_projects):
        notes.insert(0, word("projects_none", lang))
    start = write_title(book, ws, word("projects_title", lang), notes, span=6)
    headers = dict(word("projects_headers", lang))
    if audience == "funder":
        headers.pop("member_names")
        headers.pop("carrier")
    table = project_view(diag, audience)
    first, last = write_frame(
        book,
        ws,
        table,
        start,
        headers,
        {"score": "0.00"},
        widths={
            "title": 30,
            "summary": 55,
            "first_step": 40,
            "issues": 24,
            "actor_types": 22,
            "member_names": 40,
            "member_contacts": 40,
            "members": 24,
            "carrier": 16,
            "next_step": 20,
        },
        top=True,
    )
    if len(table):
        status = [c for c in headers if c in table.columns].index("status")
        shown = [label(s, lang) for s in PROJECT_STATUSES]  # read back by `read_decisions`
        ws.data_validation(
            first,
            status,
            last,
            status,
            {
                "validate": "list",
                "source": shown,
                "ignore_blank": False,
                "error_title": word("status", lang),
                "error_message": word("choose", lang, values=", ".join(shown)),
            },
        )


def plan_view(diag):
    """The action plan: validated and ongoing projects, without any name (for funders)."""
    lang = diag.settings.language
    projects = diag.cooperation_projects
    taken = projects[projects["status"].isin(["validé", "en cours"])]
    resources = role_labels(diag.questions, diag.choices, "need")
    types = role_labels(diag.questions, diag.choices, "actor_type")
    return taken.assign(
        status=taken["status"].map(lambda s: label(s, lang)),
        kind=taken["kind"].map(kind_words(lang)),
        resources=relabel(taken["resources"], resources),
        actor_types=relabel_mix(taken["actor_types"], types),
    ).sort_values(["status", "score"], ascending=[False, False])


def _plan(book, ws, diag, source):
    lang = diag.settings.language
    table = plan_view(diag)
    notes = [word("plan_note", lang), source]
    if not len(table):
        notes.insert(0, word("plan_none", lang))
    start = write_title(book, ws, word("plan_title", lang), notes, span=5)
    write_frame(
        book,
        ws,
        table,
        start,
        word("plan_headers", lang),
        {"actors": INTEGER},
        widths={"actor_types": 40, "commune_names": 40, "next_step": 40, "resources": 24},
        top=True,
    )


def cluster_view(diag) -> pd.DataFrame:
    """The groups of actors with their issues in words (the table holds the issues' ids)."""
    issues = dict(zip(diag.issue_ranking["issue_id"], diag.issue_ranking["label"]))

    def words(value):
        if not isinstance(value, str):
            return value
        return " ; ".join(issues.get(i.strip(), i.strip()) for i in value.split(";"))

    return diag.clusters.assign(issues=diag.clusters["issues"].map(words))


def _clusters(book, ws, diag, source):
    lang = diag.settings.language
    start = write_title(
        book,
        ws,
        word("clusters_title", lang),
        [word("clusters_note", lang, n=diag.settings.min_group_size), source],
    )
    write_frame(
        book,
        ws,
        cluster_view(diag).drop(columns=["actors"]),
        start,
        word("clusters_headers", lang),
        {"size": INTEGER},
        top=True,  # wrapped lines: every cell of a row starts at its top
    )


def _dictionary(book, ws, diag):
    lang = diag.settings.language
    start = write_title(book, ws, word("dictionary_title", lang), [word("dictionary_note", lang)])
    ch = diag.choices.groupby("list_name")["label"].agg(lambda s: " | ".join(map(str, s)))
    table = diag.questions.assign(choices=diag.questions["list_name"].map(ch))
    write_frame(
        book,
        ws,
        table,
        start,
        word("dictionary_headers", lang),
        widths={"label": 60, "choices": 60},
    )


def _anomalies(book, ws, diag):
    lang = diag.settings.language
    start = write_title(
        book,
        ws,
        word("anomalies_title", lang),
        [
            word("anomalies_note", lang),
            *[
                word(
                    "account",
                    lang,
                    file=a.file,
                    read=a.rows_read,
                    loaded=a.rows_loaded,
                    rejected=a.rows_rejected,
                )
                for a in diag.accounts
            ],
        ],
    )
    # a summary by problem first (how many lines, rows and files each), then the detail
    put(ws, start, 0, word("anomalies_summary", lang), book.format(BOLD, {"font_color": DARK}))
    _first, last = write_frame(
        book,
        ws,
        summarise(diag.anomalies).assign(problem=lambda t: t["problem"].map(mask_text)),
        start + 1,
        word("anomalies_summary_headers", lang),
        widths={"problem": 70},
        filters=False,
        top=True,
    )
    put(ws, last + 2, 0, word("anomalies_detail", lang), book.format(BOLD, {"font_color": DARK}))
    write_frame(
        book,
        ws,
        diag.anomalies.assign(value=diag.anomalies["value"].map(mask_text)),
        last + 3,
        word("anomalies_headers", lang),
        widths={"problem": 70},
    )


def _personal(book, ws, diag):
    ws.set_tab_color("#C00000")
    lang = diag.settings.language
    start = write_title(book, ws, word("personal_title", lang), [word("personal_note", lang)])
    write_frame(book, ws, diag.personal, start, word("personal_headers", lang))
