"""The injection corpus through every app: no value reaches the browser as markup."""

import dataclasses
import html
import itertools
import json
import re

import ipywidgets as w
import plotly.graph_objects as go
import pytest

from diagnostic.apps.collective import collective_app
from diagnostic.apps.explorer import explorer_app, issue_ranking_app
from diagnostic.apps.review import cooperation_app, roles_app
from diagnostic.apps.workshop import votes_app

CORPUS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    '"><svg onload=alert("svg")>',
    "<a href=\"javascript:alert('lien')\">clic</a>",
]
#: The apps' own style sheet (its selectors hold ">").
STYLE = re.compile(r"<style>.*?</style>", re.S)
#: Tags the apps write themselves; anything else in an HTML widget came from the data.
OWN_TAGS = re.compile(
    r"</?(?:b|i|code|div|h1|h3|p|br|span|style|table|thead|tbody|tr|th|td)(?:\s[^<>]*)?>"
)


#: In a figure, plotly draws these tags found in its texts; any other "<tag" came from data.
PLOTLY_OWN = re.compile(r"<(?:br|/?b|/?i|/?extra)>")


def _figure_texts(figure) -> str:
    spec = figure.to_dict()
    axes = {k: v for k, v in spec["layout"].items() if k.startswith(("xaxis", "yaxis"))}
    return json.dumps([spec["data"], axes, spec["layout"].get("annotations")], ensure_ascii=False)


def _hostile(diag):
    """`diag` with the corpus in every text an app may show."""
    payloads = itertools.cycle(CORPUS)

    def poisoned(frame, column):
        return frame.assign(**{column: [f"{next(payloads)} {v}" for v in frame[column]]})

    return dataclasses.replace(
        diag,
        project=dataclasses.replace(diag.project, title=CORPUS[0] + " titre"),
        questions=poisoned(diag.questions, "label"),
        choices=poisoned(diag.choices, "label"),
        opportunities=poisoned(diag.opportunities, "explanation"),
        clusters=poisoned(diag.clusters, "label"),
        issue_ranking=poisoned(poisoned(diag.issue_ranking, "label"), "theme"),
        communes=poisoned(diag.communes, "name"),
        epci=poisoned(diag.epci, "name"),
    )


def _widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


@pytest.fixture(scope="module")
def hostile(example_diag):
    return _hostile(example_diag)


def _apps(diag, folder):
    questions = diag.questions.copy()
    yield "explorer", explorer_app(diag)
    yield "classement", issue_ranking_app(diag)
    yield "votes", votes_app(diag)
    yield "coopération", cooperation_app(diag, folder / "statuts.csv")
    yield "collectifs", collective_app(diag, folder / "statuts2.csv")
    roles = roles_app(questions, folder / "roles.csv")
    roles.only_missing.value = False  # every question's row shown
    yield "rôles", roles


def test_the_corpus_reaches_the_apps(hostile, tmp_path):
    """The test is meaningful: the payloads do reach the widgets, as text."""
    shown = {
        name: " ".join(
            str(x.value) for x in _widgets(app.view) if isinstance(x, w.HTML | w.HTMLMath)
        )
        for name, app in _apps(hostile, tmp_path)
    }
    assert html.escape(CORPUS[0]) in shown["explorer"]  # the project's title
    assert html.escape(CORPUS[1]) in shown["rôles"] or html.escape(CORPUS[0]) in shown["rôles"]
    assert any(html.escape(p) in shown["coopération"] for p in CORPUS)


def test_no_html_widget_of_any_app_holds_markup_from_the_data(hostile, tmp_path):
    for name, app in _apps(hostile, tmp_path):
        assert app.errors.outputs == (), name
        for widget in _widgets(app.view):
            if isinstance(widget, w.HTML | w.HTMLMath):
                rest = OWN_TAGS.sub("", STYLE.sub("", widget.value))
                assert "<" not in rest, (name, rest[:300])
            if isinstance(widget, go.FigureWidget):
                rest = PLOTLY_OWN.sub("", _figure_texts(widget))
                assert not re.search(r"<[A-Za-z/!?]", rest), (name, rest[:300])
            # controls show their labels as text, never as HTML
            assert not getattr(widget, "description_allow_html", False), name


def test_cooperation_app_pages_stay_escaped(hostile, tmp_path):
    app = cooperation_app(hostile, tmp_path / "statuts.csv")
    for kind in [k for _label, k in app.kind.options]:
        app.kind.value = kind
        for page in range(1, min(app.page.max, 4) + 1):
            app.page.value = page
            for widget in _widgets(app.rows):
                if isinstance(widget, w.HTML):
                    assert "<" not in OWN_TAGS.sub("", STYLE.sub("", widget.value)), widget.value
    assert app.errors.outputs == ()


def test_the_payloads_reach_the_figures_as_text(hostile, tmp_path):
    app = explorer_app(hostile)
    texts = _figure_texts(app.participation) + _figure_texts(app.ranking)
    assert "&lt;img src=x onerror=alert('img')>" in texts  # shown as text by plotly
