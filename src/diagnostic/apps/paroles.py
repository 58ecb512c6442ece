"""The consultant's coding of the free answers: read them one by one or filtered by word,
actor type and commune, tag them with themes (the issues, plus themes of one's own), choose
the quotes, and save; the next run reads the coding back (`diagnostic.analysis.text`).

Every answer shown was masked before it reached this app, and is escaped on screen.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from diagnostic._io.text import fold
from diagnostic.analysis.labels import actor_type_labels
from diagnostic.analysis.text import (
    CODE_COLUMNS,
    QUOTE_COLUMNS,
    answer_lemmas,
    lemmas,
    read_codes,
    read_quotes,
    write_codes,
)
from diagnostic.apps.base import WIDE, App, title_html

ALL = ""


class CodingApp(App):
    """Tag free answers with themes and choose quotes.

    Attributes
    ----------
    answers : DataFrame
        The masked free answers (`Diagnostic.text_answers`).
    codes : DataFrame
        question_id, actor_id, theme: the coding so far.
    chosen : DataFrame
        question_id, actor_id, theme, text: the quotes chosen (text as edited).
    word, actor_type, commune, question : filters
    themes : ipywidgets.SelectMultiple
        The themes of the answer shown (issues first, then one's own).
    new_theme : ipywidgets.Text
        A theme of one's own, added to the list by « Ajouter ».
    quote, edited : ipywidgets.Checkbox, ipywidgets.Textarea
        Keep the answer as a quote, as edited.
    """

    def __init__(
        self,
        answers: pd.DataFrame,
        issues: dict[str, str],
        *,
        codes_file,
        quotes_file,
        type_labels: dict[str, str] | None = None,
        commune_names: dict[str, str] | None = None,
        language: str = "fr",
        title: str = "Paroles d'acteurs",
    ):
        super().__init__()
        self.answers = answers.reset_index(drop=True)
        self.issues, self.language = dict(issues), language
        self.codes_file, self.quotes_file = codes_file, quotes_file
        self.codes = (
            read_codes(codes_file)
            if codes_file and _exists(codes_file)
            else pd.DataFrame(columns=CODE_COLUMNS)
        )
        self.chosen = (
            read_quotes(quotes_file)
            if quotes_file and _exists(quotes_file)
            else pd.DataFrame(columns=QUOTE_COLUMNS)
        )
        types = type_labels or {}
        communes = commune_names or {}
        self._lemmas = [set(w) for w in answer_lemmas(self.answers, language)]
        self.word = w.Text(description="Mot :", placeholder="ex. transport", style=WIDE)
        self.actor_type = w.Dropdown(
            options=[("Tous", ALL)]
            + [(types.get(t, t), t) for t in sorted(self.answers["actor_type"].dropna().unique())],
            description="Type :",
            style=WIDE,
        )
        self.commune = w.Dropdown(
            options=[("Toutes", ALL)]
            + [
                (communes.get(c, c), c)
                for c in sorted(self.answers["commune_code"].dropna().unique())
            ],
            description="Commune :",
            style=WIDE,
        )
        self.question = w.Dropdown(
            options=[("Toutes", ALL)]
            + list(
                dict.fromkeys(
                    zip(self.answers["question"].astype(str), self.answers["question_id"])
                )
            ),
            description="Question :",
            style=WIDE,
        )
        own = sorted(set(self.codes["theme"]) - set(self.issues))
        self.themes = w.SelectMultiple(
            options=[(v, k) for k, v in self.issues.items()] + [(t, t) for t in own],
            description="Thèmes :",
            rows=8,
            style=WIDE,
            layout=w.Layout(width="520px"),
        )
        self.new_theme = w.Text(description="Nouveau thème :", style=WIDE)
        self.add_button = w.Button(description="Ajouter", icon="plus")
        self.quote = w.Checkbox(description="Citer cette réponse", indent=False)
        self.edited = w.Textarea(
            description="Citation :", style=WIDE, layout=w.Layout(width="620px", height="70px")
        )
        self.previous = w.Button(description="Précédente", icon="arrow-left")
        self.next = w.Button(description="Suivante", icon="arrow-right")
        self.save_button = w.Button(description="Enregistrer", button_style="primary", icon="check")
        self.shown = w.HTML()
        self.status = w.HTML()
        self.position = 0
        self._visible: list[int] = []
        for control in (self.word, self.actor_type, self.commune, self.question):
            control.observe(self._guard(lambda _c: self._filter()), names="value")
        self.previous.on_click(self._guard(lambda _b: self.move(-1)))
        self.next.on_click(self._guard(lambda _b: self.move(1)))
        self.add_button.on_click(self._guard(lambda _b: self.add_theme(self.new_theme.value)))
        self.save_button.disabled = not self.editable
        self.save_button.on_click(self._guard(lambda _b: self.save()))
        self.view = w.VBox(
            [
                title_html(title, "Lire, coder et citer les réponses libres (textes masqués)"),
                w.HBox([self.word, self.actor_type, self.commune, self.question]),
                self.shown,
                w.HBox([self.themes, w.VBox([self.new_theme, self.add_button])]),
                self.quote,
                self.edited,
                w.HBox([self.previous, self.next, self.save_button]),
                self.status,
                self.errors,
            ]
        )
        self._filter()

    # -- reading -------------------------------------------------------------------------
    def visible(self) -> pd.DataFrame:
        """The answers the filters let through, in reading order."""
        return self.answers.iloc[self._visible]

    def _filter(self) -> None:
        a = self.answers
        keep = pd.Series(True, index=a.index)
        if self.actor_type.value:
            keep &= a["actor_type"] == self.actor_type.value
        if self.commune.value:
            keep &= a["commune_code"] == self.commune.value
        if self.question.value:
            keep &= a["question_id"] == self.question.value
        term = self.word.value.strip()
        if term:
            wanted = set(lemmas(term, self.language)) or {fold(term)}
            keep &= pd.Series(
                [
                    bool(wanted & ws) or fold(term) in fold(t)
                    for ws, t in zip(self._lemmas, a["text"])
                ],
                index=a.index,
            )
        self._visible = list(a.index[keep.fillna(False).to_numpy(dtype=bool)])
        self.position = 0
        self._show()

    def move(self, step: int) -> None:
        """Keep what was set for the answer shown, then show the next (or previous) one."""
        self.record()
        if self._visible:
            self.position = (self.position + step) % len(self._visible)
        self._show()

    def _current(self):
        return self.answers.loc[self._visible[self.position]] if self._visible else None

    def _show(self) -> None:
        r = self._current()
        if r is None:
            self.shown.value = "<p><i>Aucune réponse ne correspond aux filtres.</i></p>"
            return
        key = (r["question_id"], r["actor_id"])
        mine = self.codes[
            (self.codes["question_id"] == key[0]) & (self.codes["actor_id"] == key[1])
        ]
        self.themes.value = tuple(
            t for t in mine["theme"] if t in dict(self.themes.options).values()
        )
        quoted = self.chosen[
            (self.chosen["question_id"] == key[0]) & (self.chosen["actor_id"] == key[1])
        ]
        self.quote.value = len(quoted) > 0
        edited = quoted["text"].iloc[0] if len(quoted) else None
        self.edited.value = edited if isinstance(edited, str) and edited else str(r["text"])
        self.shown.value = (
            f"<p><b>{self.position + 1} / {len(self._visible)}</b> — "
            f"{html.escape(str(r['question']))}</p>"
            f"<blockquote style='font-size:16px'>{html.escape(str(r['text']))}</blockquote>"
        )

    # -- coding --------------------------------------------------------------------------
    def add_theme(self, theme: str) -> None:
        """A theme of one's own, offered for every answer from now on."""
        theme = " ".join(str(theme).split())
        if theme and theme not in dict(self.themes.options).values():
            ticked = self.themes.value  # new options would clear the selection
            self.themes.options = list(self.themes.options) + [(theme, theme)]
            self.themes.value = ticked
        self.new_theme.value = ""

    def record(self) -> None:
        """Keep the themes and the quote set for the answer shown (in memory; `save` writes)."""
        r = self._current()
        if r is None:
            return
        qid, aid = r["question_id"], r["actor_id"]
        self.codes = self.codes[
            ~((self.codes["question_id"] == qid) & (self.codes["actor_id"] == aid))
        ]
        new = pd.DataFrame({"question_id": qid, "actor_id": aid, "theme": list(self.themes.value)})
        self.codes = pd.concat([self.codes, new], ignore_index=True)[CODE_COLUMNS]
        self.chosen = self.chosen[
            ~((self.chosen["question_id"] == qid) & (self.chosen["actor_id"] == aid))
        ]
        if self.quote.value:
            theme = self.themes.value[0] if self.themes.value else ""
            text = self.edited.value.strip()
            row = {"question_id": qid, "actor_id": aid, "theme": theme}
            row["text"] = "" if text == str(r["text"]).strip() else text
            self.chosen = pd.concat([self.chosen, pd.DataFrame([row])], ignore_index=True)

    def save(self) -> None:
        """Write the coding and the chosen quotes to the project's folder (whole or not at
        all); the next run reads them back."""
        from diagnostic._io.atomic import write_csv

        self._check_editable()  # a read-only visitor (diagnostic atelier) never writes
        self.record()
        write_codes(self.codes_file, self.codes)
        quotes = self.chosen.reindex(columns=QUOTE_COLUMNS).sort_values(
            ["question_id", "actor_id"], ignore_index=True
        )
        write_csv(quotes, self.quotes_file)
        n = self.codes[["question_id", "actor_id"]].drop_duplicates().shape[0]
        self.status.value = html.escape(
            f"Enregistré : {n} réponses codées, {len(quotes)} citations choisies."
        )


def _exists(path) -> bool:
    from pathlib import Path

    return Path(path).is_file()


def coding_app(diag) -> CodingApp:
    """The coding app of a diagnostic, saving beside its project file (see
    `Project.text_codes_file`, `Project.text_quotes_file`)."""
    communes = (
        dict(zip(diag.communes["commune_code"], diag.communes["name"]))
        if len(diag.communes)
        else {}
    )
    return CodingApp(
        diag.text_answers,
        dict(zip(diag.issue_ranking["issue_id"], diag.issue_ranking["label"])),
        codes_file=diag.project.text_codes_file,
        quotes_file=diag.project.text_quotes_file,
        type_labels=actor_type_labels(diag.questions, diag.choices),
        commune_names=communes,
        language=diag.settings.language,
        title=diag.project.title,
    )
