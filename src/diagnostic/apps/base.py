"""The pattern every app follows: controls → library function → figure builder →
FigureWidget updated in place inside ``batch_update()``; errors shown in the app's
``errors`` Output panel, never swallowed. Labels are French.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import html
import os
import traceback
from urllib.parse import parse_qs

import ipywidgets as w
import numpy as np
import plotly.graph_objects as go

from diagnostic.apps.figure import FigureWidget
from diagnostic.errors import DiagnosticError

WIDE = {"description_width": "initial"}


CSS = """<style>
.diag-title h1 {color:#1F4E5F; font-family:'Source Sans Pro','Segoe UI',Arial; font-size:26px;
  margin:4px 0 2px 0;} .diag-title p {color:#555; font-size:15px; margin:0 0 6px 0;}
.diag-bar {background:#F1F6F7; border-radius:8px; padding:8px 10px; margin:6px 0 10px 0;}
.diag-bar > .widget-inline-hbox, .diag-bar > .widget-checkbox {margin-right:18px;}
.diag-count {font-size:15px; color:#1F4E5F; padding-top:4px;}
</style>"""


def _same(a, b) -> bool:
    try:
        same = a == b
        return bool(same) if isinstance(same, (bool, np.bool_)) else bool(np.all(same))
    except (ValueError, TypeError):
        return False


def update_figure(widget: go.FigureWidget, new: go.Figure) -> None:
    """Make `widget` show `new`, in place, in one ``batch_update``.

    Traces of the same number and types are updated property by property (only what
    changed is sent to the browser); otherwise the traces are replaced.
    """
    new_data = [t.to_plotly_json() for t in new.data]
    with widget.batch_update():
        if [t.type for t in widget.data] == [t["type"] for t in new_data]:
            for trace, spec in zip(widget.data, new_data):
                old = trace.to_plotly_json()
                changed = {k: v for k, v in spec.items() if k not in old or not _same(old[k], v)}
                if changed:
                    trace.update(changed)
        else:
            widget.data = []
            widget.add_traces(new_data)
        old = widget.layout.to_plotly_json()
        changed = {
            k: v
            for k, v in new.layout.to_plotly_json().items()
            if k not in old or not _same(old[k], v)
        }
        if changed:
            widget.layout.update(changed)


def figure_widget() -> go.FigureWidget:
    """An empty FigureWidget without plotly's default template (the builders set the look)."""
    return FigureWidget(layout={"template": {}})


#: Set by ``diagnostic atelier`` in the server's environment (so in each visitor's kernel):
#: the SHA-256 of the facilitator's secret. Unset (``make app``, notebooks): one user, who
#: may save.
FACILITATOR_ENV = "DIAGNOSTIC_ATELIER_ANIMATION"
#: The parameter of the page's address that carries the facilitator's secret.
FACILITATOR_PARAM = "animation"
#: Shown beside the disabled save buttons of a participant's page.
READ_ONLY = (
    "Lecture seule : les décisions sont enregistrées par l'animateur ou l'animatrice de l'atelier."
)


def may_edit(environ=None) -> bool:
    """Whether this page's visitor may save decisions.

    Outside ``diagnostic atelier`` (no `FACILITATOR_ENV`), yes. Under it, only when the
    address of the page (Voila's ``QUERY_STRING``) carries the facilitator's secret.
    """
    environ = os.environ if environ is None else environ
    digest = environ.get(FACILITATOR_ENV)
    if not digest:
        return True
    given = parse_qs(environ.get("QUERY_STRING", "")).get(FACILITATOR_PARAM, [""])[0]
    return bool(given) and hmac.compare_digest(
        hashlib.sha256(given.encode("utf-8")).hexdigest(), digest
    )


class App:
    """Base of the apps: an ``errors`` Output panel and a ``view`` to display.

    ``editable`` says whether the visitor may save (`may_edit` by default): a read-only
    app disables its save buttons and its ``save()`` refuses.
    """

    view: w.Widget

    def __init__(self, editable: bool | None = None):
        self.errors = w.Output()
        self.editable = may_edit() if editable is None else bool(editable)

    def _check_editable(self) -> None:
        """Refuse, server side, a save from a read-only visitor."""
        if not self.editable:
            raise DiagnosticError(READ_ONLY)

    def _guard(self, fn):
        """Wrap a callback so that its errors are shown in ``errors``, never swallowed."""

        @functools.wraps(fn)
        def run(*args, **kwargs):
            if self.errors.outputs:
                self.errors.clear_output()
            try:
                return fn(*args, **kwargs)
            except Exception:  # shown to the user, never swallowed
                # append_stderr works with or without a kernel capturing the output
                self.errors.append_stderr(
                    "Erreur pendant la mise à jour :\n" + traceback.format_exc()
                )

        return run

    def _ipython_display_(self):
        from IPython.display import display

        display(self.view)


def title_html(title: str, subtitle: str) -> w.HTML:
    """The app's heading: `title` (a project's title: any text) escaped; `subtitle` is the
    app's own markup."""
    return w.HTML(
        f"{CSS}<div class='diag-title'><h1>{html.escape(str(title))}</h1><p>{subtitle}</p></div>"
    )
