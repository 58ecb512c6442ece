"""Paroles d'acteurs end to end on a copy of the example: free texts planted with personal
data, coded in the app, saved, read back by the next run, counted in the workbook; no
personal string in any output; no quote names the commune of a small group."""

import zipfile

import pandas as pd
import pytest
from conftest import example_with_cells
from openpyxl import load_workbook

import diagnostic

COMMENT = "cooperation/commentaire"
PLANTED = [
    "Le transport des jeunes vers le lycée manque, appelez Jean-Marc Duchemin au 06 71 82 93 04",
    "Le transport à la demande ne suffit pas pour les jeunes, écrire à duchemin@ferme-exemple.fr",
    "Les jeunes partent faute de transport, voir au 12 rue des Tilleuls",
    "Le transport scolaire des jeunes est trop long le matin",
    "Sans transport les jeunes ne trouvent pas de travail",
    "Le transport manque aux jeunes apprentis du canton",
]
SECRETS = ["Duchemin", "06 71 82 93 04", "duchemin@", "Tilleuls"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paroles") / "projet"
    return example_with_cells(
        folder, {(row, COMMENT): text for row, text in enumerate(PLANTED, start=10)}
    )


def _texts(out):
    texts = {}
    for path in out.rglob("*"):
        if path.suffix in (".csv", ".gexf", ".html", ".json"):
            texts[str(path.relative_to(out))] = path.read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "diagnostic.xlsx") as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                texts[f"xlsx:{name}"] = z.read(name).decode("utf-8")
    return texts


@pytest.fixture(scope="module")
def coded(project):
    """Code the planted answers « Mobilité » in the app, choose one quote, save, rerun."""
    diag = diagnostic.run_diagnostic(diagnostic.read_project(project / "diagnostic.toml"))
    app = diagnostic.coding_app(diag)
    app.word.value = "transport"
    planted = app.visible()
    assert len(planted) >= 6
    for _ in range(len(planted)):
        app.themes.value = ("enjeu_mobilite",)
        app.quote.value = "scolaire" in app._current()["text"]
        app.move(1)
    app.add_theme("Jeunesse")
    app.save()
    again = diagnostic.run_diagnostic(diagnostic.read_project(project / "diagnostic.toml"))
    out = project / "sorties"
    diagnostic.write_outputs(again, out)
    return diag, again, out, len(planted)


def test_the_app_filters_by_word(project):
    diag = diagnostic.run_diagnostic(diagnostic.read_project(project / "diagnostic.toml"))
    app = diagnostic.coding_app(diag)
    app.word.value = "appelez"  # found by its lemma (appeler), in the planted answer only
    assert [t for t in app.visible()["text"]] == [
        "Le transport des jeunes vers le lycée manque, appelez [nom masqué] au [téléphone masqué]"
    ]


def test_coding_round_trips_into_the_next_run(coded, project):
    _diag, again, _out, n = coded
    saved = pd.read_csv(project / "paroles_codage.csv", dtype=str)
    assert set(saved["theme"]) == {"enjeu_mobilite"} and len(saved) == n
    assert len(again.text_codes) == n
    themes = again.text_themes.set_index("theme")
    assert themes.at["enjeu_mobilite", "total"] == saved["actor_id"].nunique()
    # the issue raised unprompted by n respondents enters the AFOM as « paroles »
    spoken = again.afom[again.afom["source"] == "paroles"]
    assert spoken["item"].tolist() == ["Mobilité et transports"]
    assert str(saved["actor_id"].nunique()) in spoken["evidence"].iloc[0]
    # and the issue's profile says so, its figures unchanged
    ranking = again.issue_ranking.set_index("issue_id")
    before = _diag.issue_ranking.set_index("issue_id")
    people = saved["actor_id"].nunique()
    assert ranking.at["enjeu_mobilite", "reason"] == (
        before.at["enjeu_mobilite", "reason"]
        + f" ; évoqué spontanément par {people} répondant(s) dans les réponses libres"
    )
    assert ranking["support"].equals(before["support"])
    assert ranking.drop(index="enjeu_mobilite")["reason"].equals(
        before.drop(index="enjeu_mobilite")["reason"]
    )


def test_the_workbook_counts_the_themes_and_quotes_the_chosen_answer(coded):
    _diag, _again, out, n = coded
    ws = load_workbook(out / "diagnostic.xlsx", read_only=True)["Paroles d'acteurs"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    cells = [v for r in rows for v in r if v is not None]
    assert "Le transport scolaire des jeunes est trop long le matin" in cells
    theme_row = next(r for r in rows if r[0] == "Mobilité et transports" and isinstance(r[1], int))
    assert theme_row[1] == n  # each coded answer has its own respondent
    chosen = next(
        r for r in rows if r[1] == "Le transport scolaire des jeunes est trop long le matin"
    )
    assert chosen[3] == "oui"


def test_no_planted_personal_string_reaches_any_output(coded):
    *_, out, _n = coded
    for name, text in _texts(out).items():
        for secret in SECRETS:
            assert secret not in text, (secret, name)


def test_tables_of_words_and_codes_are_written(coded):
    *_, out, n = coded
    words = pd.read_csv(out / "tables" / "text_words.csv", dtype={"actor_type": str})
    assert list(words.columns) == ["question_id", "lemma", "actor_type", "count", "specificity"]
    every = words[words["actor_type"].isna() & (words["question_id"] == "commentaire")]
    by_hand = sum(t.lower().count("transport") for t in PLANTED)
    assert every.set_index("lemma").at["transport", "count"] >= by_hand
    codes = pd.read_csv(out / "tables" / "text_codes.csv")
    assert list(codes.columns) == ["question_id", "actor_id", "theme"] and len(codes) == n
    actors = pd.read_csv(out / "tables" / "actors.csv")
    assert set(codes["actor_id"]) <= set(actors["actor_id"])


def test_no_quote_names_the_commune_of_a_small_group(coded):
    _diag, again, _out, _n = coded
    from diagnostic.export.paroles import quote_view

    view = quote_view(again)
    assert len(view)
    names = dict(zip(again.communes["commune_code"], again.communes["name"]))
    size = again.actors.groupby(["actor_type", "commune_code"]).size()
    for q, who in zip(again.quotes.itertuples(), view["who"]):
        group = size.get((q.actor_type, q.commune_code), 0)
        commune = names.get(q.commune_code)
        if commune and group < again.settings.min_group_size:
            assert commune not in who


def test_the_report_shows_the_words_and_the_quotes(coded):
    *_, out, _n = coded
    page = (out / "diagnostic.html").read_text(encoding="utf-8")
    assert "Paroles d&#x27;acteurs" in page or "Paroles d'acteurs" in page
    assert "<blockquote><p>« Le transport scolaire des jeunes est trop long le matin »" in page
    assert "Mots les plus employés" in page or "Nombre d&#x27;emplois" in page


def test_specific_words_are_shown_with_labels_and_headers(example_diag):
    """The notebook's « mots propres »: question and actor type by their labels, words by
    decreasing specificity (ties by word), only those of specificity ≥ 2, five at most."""
    from dataclasses import replace

    words = pd.DataFrame(
        {
            "question_id": ["commentaire"] * 8,
            "lemma": ["transport", "jeune", "lycée", "bus", "train", "car", "vélo", "route"],
            "actor_type": ["association"] * 7 + [None],
            "count": [5, 4, 3, 3, 3, 2, 2, 9],
            "specificity": [2.5, 4.0, 1.9, 3.0, 3.0, 2.0, 2.2, 9.0],
        }
    )
    diag = replace(example_diag, text_words=words)
    shown = diagnostic.specific_words(diag, headed=True)
    assert shown.to_dict("records") == [
        {
            "Question": "Un commentaire ?",
            "Type d'acteurs": "Association ou structure de l'ESS",
            "Mots spécifiques (spécificité)": "jeune (4.0), bus (3.0), train (3.0), "
            "transport (2.5), vélo (2.2)",
        }
    ]
    assert list(diagnostic.specific_words(diag).columns) == ["question", "actor_type", "words"]
