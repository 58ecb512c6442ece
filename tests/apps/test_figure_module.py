"""The browser module of `diagnostic.apps.figure.FigureWidget`, run in Chromium.

A stand-in for plotly's module records what its model hears; a stand-in for anywidget's
model plays the kernel's messages. What the kernel sends before plotly's module is loaded
must reach it, once, in order; anywidget must not wait for plotly's module.
"""

import json

import pytest
from test_browser import CHROMIUM_FLAGS, _chromium

from diagnostic.apps.figure import FigureWidget

pytestmark = pytest.mark.slow

# plotly's contract as the wrapper uses it: a factory of {initialize, render}; its model
# reads the changed value with `get` inside its listeners
FAKE_PLOTLY = """
globalThis.loads = (globalThis.loads ?? 0) + 1;
export default () => ({
  initialize({ model }) {
    for (const name of ["_py2js_update", "_widget_layout"]) {
      model.on(`change:${name}`, () => globalThis.heard.push([name, model.get(name)]));
    }
  },
  render({ el }) { el.textContent = "drawn"; return () => {}; },
});
"""

# a Backbone-like model: get/set/on/off, `set` fires `change:<name>` listeners
SCRIPT = """
async ([wrapper, fake]) => {
  globalThis.heard = [];
  globalThis.asked = [];
  function model(state) {
    const listeners = [];
    return {
      get: (n) => state[n],
      set(n, v) { state[n] = v; for (const [e, c] of [...listeners]) if (e === `change:${n}`) c(); },
      on: (e, c) => listeners.push([e, c]),
      off(e, c) { const i = listeners.findIndex(([f, d]) => f === e && d === c); listeners.splice(i, 1); },
      save_changes() {},
      send(content) {  // the kernel answers later, with plotly's module as a value
        globalThis.asked.push(content);
        setTimeout(() => this.set("_plotly_module", fake), 50);
      },
      widget_manager: null,
    };
  }
  const url = URL.createObjectURL(new Blob([wrapper], { type: "text/javascript" }));
  const factory = (await import(url)).default;
  const charts = [0, 1].map(() => ({ m: model({ _plotly_module: "", _py2js_update: null }), w: factory() }));
  const returned = charts.map(({ m, w }) => w.initialize({ model: m }));
  // the kernel speaks before plotly's module is there (its import is still pending)
  const [first, second] = charts;
  first.m.set("_py2js_update", { n: 1 });
  first.m.set("_py2js_update", null);
  first.m.set("_widget_layout", { title: "t" });
  const el = document.createElement("div");
  await first.w.render({ model: first.m, el });
  await second.w.render({ model: second.m, el: document.createElement("div") });
  const early = JSON.stringify(globalThis.heard);
  // and after: heard once, not twice
  first.m.set("_py2js_update", { n: 2 });
  return { returned: returned.map((r) => typeof r), early, late: JSON.stringify(globalThis.heard), loads: globalThis.loads,
           asked: globalThis.asked,
           drawn: el.textContent };
}
"""


def _in_chromium(script: str):
    """Run `script` (a function of the wrapper module and the stand-in plotly) in Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(), args=CHROMIUM_FLAGS, headless=True, timeout=30_000
        )
        try:
            page = browser.new_page()
            page.goto("about:blank")
            return page.evaluate(script, [FigureWidget._esm, FAKE_PLOTLY])
        finally:
            browser.close()


def test_messages_before_plotly_loads_are_replayed_once_in_order():
    out = _in_chromium(SCRIPT)
    early = [
        ["_py2js_update", {"n": 1}],
        ["_py2js_update", None],
        ["_widget_layout", {"title": "t"}],
    ]
    assert json.loads(out["early"]) == early
    assert json.loads(out["late"]) == [*early, ["_py2js_update", {"n": 2}]]
    # plotly's module asked of the kernel once and loaded once, for both charts
    assert out["asked"] == [{"request": "plotly_module"}]
    assert out["loads"] == 1
    assert out["drawn"] == "drawn"
    # nothing for anywidget to wait for: plotly's module loads in the background
    assert out["returned"] == ["undefined", "undefined"]


# the page's first chart asks, then is closed before the kernel answers (a cell run
# again); the next chart asks in its turn and is drawn
CLOSED_SCRIPT = """
async ([wrapper, fake]) => {
  globalThis.asked = [];
  function model(state, answers) {
    const listeners = [];
    return {
      get: (n) => state[n],
      set(n, v) { state[n] = v; this.fire(`change:${n}`); },
      fire(e) { for (const [f, c] of [...listeners]) if (f === e) c(); },
      on: (e, c) => listeners.push([e, c]),
      off(e, c) { const i = listeners.findIndex(([f, d]) => f === e && d === c); listeners.splice(i, 1); },
      save_changes() {},
      send(content) {
        globalThis.asked.push(answers ? "second" : "first");
        if (answers) setTimeout(() => this.set("_plotly_module", fake), 50);
      },
      widget_manager: null,
    };
  }
  const url = URL.createObjectURL(new Blob([wrapper], { type: "text/javascript" }));
  const factory = (await import(url)).default;
  const first = model({ _plotly_module: "" }, false);
  factory().initialize({ model: first });
  const second = model({ _plotly_module: "" }, true);
  const widget = factory();
  widget.initialize({ model: second });
  first.fire("destroy");
  const el = document.createElement("div");
  await widget.render({ model: second, el });
  return { asked: globalThis.asked, drawn: el.textContent };
}
"""


def test_a_chart_closed_before_the_answer_does_not_leave_the_others_blank():
    out = _in_chromium(CLOSED_SCRIPT)
    assert out == {"asked": ["first", "second"], "drawn": "drawn"}


def test_the_widget_sends_plotlys_module_when_a_page_asks_for_it():
    from plotly.basewidget import BaseFigureWidget

    plotly = str(BaseFigureWidget._esm)
    assert len(plotly) > 1_000_000
    widget = FigureWidget({"data": [{"type": "bar", "y": [1, 2]}]})
    sent = []
    widget.send_state = lambda key=None: sent.append(key)
    assert len(widget._esm) < 10_000  # what anywidget imports
    assert widget.get_state()["_plotly_module"] == ""  # not in every chart's state
    widget._handle_custom_msg({"kind": "autre"}, [])
    assert widget._plotly_module == ""
    widget._handle_custom_msg({"request": "plotly_module"}, [])
    assert widget._plotly_module == plotly
    assert widget.get_state()["_plotly_module"] == plotly
    before = len(sent)
    widget._handle_custom_msg({"request": "plotly_module"}, [])  # another page asks
    assert sent[before:] == ["_plotly_module"]  # sent again, as it is
