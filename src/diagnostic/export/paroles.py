"""« Paroles d'acteurs » in the workbook and the report: quotes attributed only as far as
the minimum group size allows, the themes coded, the words most used and the words specific
to each actor type. Every text here was masked by `diagnostic.analysis.text`; the workbook's
cells are made inert by `write_frame`, the report's escaped."""

from __future__ import annotations

import html

import pandas as pd

from diagnostic.analysis.labels import actor_type_labels
from diagnostic.analysis.text import attribution
from diagnostic.export.cells import INTEGER, write_title
from diagnostic.export.frames import write_frame
from diagnostic.i18n.workbook import word

#: the sheet's columns, shared by its tables (a later table would otherwise narrow them):
#: A theme or question, B the text (wrapped), C who or the type, D chosen or counts
_WIDTHS = (30, 70, 32, 18)
#: words shown per question, and specific words per type (a specificity of 2 means a
#: chance below 1 in 100 that the type uses the word that often)
TOP_WORDS, TOP_SPECIFIC, MIN_SPECIFICITY = 12, 5, 2.0


def has_paroles(diag) -> bool:
    """True when the survey holds free answers to read."""
    return len(diag.text_answers) > 0


def quote_view(diag) -> pd.DataFrame:
    """The quotes as they are published: theme (an issue's label when the theme is an
    issue), quote, who (type, and commune only for groups of at least the minimum size),
    chosen (oui/non)."""
    lang = diag.settings.language
    q = diag.quotes
    if q.empty:
        return pd.DataFrame(columns=["theme", "text", "who", "chosen"])
    types = actor_type_labels(diag.questions, diag.choices)
    names = (
        dict(zip(diag.communes["commune_code"], diag.communes["name"]))
        if len(diag.communes) and "name" in diag.communes.columns
        else {}
    )
    issues = dict(zip(diag.issue_ranking["issue_id"], diag.issue_ranking["label"]))
    who = [
        attribution(
            t,
            c,
            diag.actors,
            type_labels=types,
            commune_names=names,
            min_group_size=diag.settings.min_group_size,
            language=lang,
        )
        for t, c in zip(q["actor_type"], q["commune_code"])
    ]
    yes, no = word("yes_no", lang)
    return pd.DataFrame(
        {
            "theme": [issues.get(t, t) for t in q["theme"]],
            "text": q["text"].to_numpy(),
            "who": who,
            "chosen": [yes if c else no for c in q["chosen"]],
        }
    )


def top_words(diag, n: int = TOP_WORDS) -> pd.DataFrame:
    """question, lemma, count: the `n` words (or repeated pairs) most used per question."""
    w = diag.text_words
    every = w[w["actor_type"].isna()]
    labels = dict(zip(diag.questions["question_id"], diag.questions["label"]))
    out = every.groupby("question_id", sort=True, group_keys=False).head(n)
    return out.assign(question=out["question_id"].map(labels))[["question", "lemma", "count"]]


def specific_words(diag, n: int = TOP_SPECIFIC, *, headed: bool = False) -> pd.DataFrame:
    """question, actor_type (label), words: per question and actor type, the `n` words the
    type uses significantly more than the others (specificity ≥ `MIN_SPECIFICITY`).

    `headed`: the columns named in the project's language, as the workbook shows them
    (« Question », « Type d'acteurs », « Mots spécifiques (spécificité) »)."""
    w = diag.text_words
    own = w[w["actor_type"].notna() & (w["specificity"] >= MIN_SPECIFICITY)]
    types = actor_type_labels(diag.questions, diag.choices)
    labels = dict(zip(diag.questions["question_id"], diag.questions["label"]))
    rows = []
    for (qid, t), part in own.groupby(["question_id", "actor_type"], sort=True):
        best = part.sort_values(["specificity", "lemma"], ascending=[False, True]).head(n)
        words = ", ".join(f"{lm} ({s:.1f})" for lm, s in zip(best["lemma"], best["specificity"]))
        rows.append((labels.get(qid, qid), types.get(t, t), words))
    out = pd.DataFrame(rows, columns=["question", "actor_type", "words"])
    if headed:
        out = out.rename(columns=word("paroles_headers", diag.settings.language)["specific"])
    return out


def write_paroles(book, ws, diag, source: str) -> None:
    """The « Paroles d'acteurs » sheet: quotes, themes, words, specific words."""
    lang = diag.settings.language
    n = diag.settings.min_group_size
    row = write_title(
        book, ws, word("paroles_title", lang), [word("paroles_note", lang, n=n), source], span=4
    )
    headers = word("paroles_headers", lang)
    quotes = quote_view(diag)
    _, last = write_frame(
        book, ws, quotes, row, headers["quotes"], widths=_widths(headers["quotes"]), top=True
    )
    row = last + 3
    if len(diag.text_themes):
        ws.write(row - 1, 0, word("paroles_themes", lang), book.format({"bold": True}))
        types = actor_type_labels(diag.questions, diag.choices)
        themes = diag.text_themes
        issues = dict(zip(diag.issue_ranking["issue_id"], diag.issue_ranking["label"]))
        themes = themes.assign(theme=[issues.get(t, t) for t in themes["theme"]])
        cols = {"theme": headers["themes"]["theme"], "total": headers["themes"]["total"]}
        cols.update({t: types.get(t, t) for t in themes.columns if t not in ("theme", "total")})
        _, last = write_frame(
            book,
            ws,
            themes,
            row,
            cols,
            {c: INTEGER for c in cols if c != "theme"},
            widths=_widths(cols),
            filters=False,
        )
        row = last + 3
    ws.write(row - 1, 0, word("paroles_words", lang), book.format({"bold": True}))
    words = top_words(diag)
    _, last = write_frame(
        book,
        ws,
        words,
        row,
        headers["words"],
        {"count": INTEGER},
        widths=_widths(headers["words"]),
        filters=False,
    )
    row = last + 3
    ws.write(row - 1, 0, word("paroles_specific", lang), book.format({"bold": True}))
    specific = specific_words(diag)
    if specific.empty:
        ws.write(row, 0, word("paroles_no_specific", lang), book.format({"italic": True}))
        return
    write_frame(
        book,
        ws,
        specific,
        row,
        headers["specific"],
        widths=_widths(headers["specific"]),
        filters=False,
        top=True,
    )


def _widths(headers: dict) -> dict:
    """The sheet's column widths for a table whose columns are `headers`, in order."""
    return {c: w for c, w in zip(headers, _WIDTHS)}


def paroles_html(diag, figures: list[str]) -> str:
    """The report's « Paroles d'acteurs » section: quotes by theme, the word charts
    (`figures`, one per question), the specific words per type."""
    lang = diag.settings.language
    headers = word("paroles_headers", lang)
    parts = [
        f'<p class="note">{html.escape(word("paroles_note", lang, n=diag.settings.min_group_size))}'
        "</p>"
    ]
    quotes = quote_view(diag)
    for theme, part in quotes.groupby("theme", sort=False):
        items = "".join(
            f"<blockquote><p>« {html.escape(str(t))} »</p><footer>— {html.escape(str(w))}"
            "</footer></blockquote>"
            for t, w in zip(part["text"], part["who"])
        )
        parts.append(f"<h3>{html.escape(str(theme))}</h3>{items}")
    if figures:
        parts.append(f"<h3>{html.escape(word('paroles_words', lang))}</h3>")
        parts += [f'<div class="fig">{f}</div>' for f in figures]
    specific = specific_words(diag)
    if len(specific):
        head = "".join(f"<th>{html.escape(v)}</th>" for v in headers["specific"].values())
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>"
            for r in specific[list(headers["specific"])].itertuples(index=False)
        )
        parts.append(
            f"<h3>{html.escape(word('paroles_specific', lang))}</h3>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    return "".join(parts)
