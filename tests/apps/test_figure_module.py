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

# a Backbone-like model named `name`: get/set/on/off, `set` fires `change:<name>`
# listeners; `send` is a request to the kernel, answered with plotly's module if `kernel`
MODEL = """
globalThis.heard = [];
globalThis.asked = [];
function model(name, state, kernel) {
  const listeners = [];
  return {
    get: (n) => state[n],
    set(n, v) { state[n] = v; this.fire(`change:${n}`); },
    fire(e) { for (const [f, c] of [...listeners]) if (f === e) c(); },
    on: (e, c) => listeners.push([e, c]),
    off(e, c) { const i = listeners.findIndex(([f, d]) => f === e && d === c); listeners.splice(i, 1); },
    save_changes() {},
    send(content) {
      globalThis.asked.push([name, content]);
      if (kernel) setTimeout(() => this.set("_plotly_module", kernel), 50);
    },
    widget_manager: null,
  };
}
const url = URL.createObjectURL(new Blob([wrapper], { type: "text/javascript" }));
const factory = (await import(url)).default;
"""

# the kernel's first chart carries plotly's module; another one starts first and hears
# the kernel before the module is there
CARRIED = """
const waiting = model("b", { _plotly_module: "", _py2js_update: null }, fake);
const carrier = model("a", { _plotly_module: fake, _py2js_update: null }, fake);
const [b, a] = [factory(), factory()];
const returned = [b.initialize({ model: waiting }), a.initialize({ model: carrier })];
waiting.set("_py2js_update", { n: 1 });
waiting.set("_py2js_update", null);
waiting.set("_widget_layout", { title: "t" });
const el = document.createElement("div");
await b.render({ model: waiting, el });
await a.render({ model: carrier, el: document.createElement("div") });
const early = JSON.stringify(globalThis.heard);
waiting.set("_py2js_update", { n: 2 });  // and after: heard once, not twice
await new Promise((r) => setTimeout(r, 1500));  // past the time a chart would ask
return { returned: returned.map((r) => typeof r), early, late: JSON.stringify(globalThis.heard),
         loads: globalThis.loads, asked: globalThis.asked, drawn: el.textContent };
"""

# no chart of the page carries it (the carrier was closed): one chart asks the kernel
ASKED = """
const charts = ["a", "b"].map((n) => [model(n, { _plotly_module: "" }, fake), factory()]);
for (const [m, w] of charts) w.initialize({ model: m });
const els = charts.map(() => document.createElement("div"));
for (const [i, [m, w]] of charts.entries()) await w.render({ model: m, el: els[i] });
return { loads: globalThis.loads, asked: globalThis.asked, drawn: els.map((e) => e.textContent) };
"""

# the chart that asked is closed before the kernel answers (a cell run again): another asks
CLOSED = """
const first = model("a", { _plotly_module: "" }, null);
const second = model("b", { _plotly_module: "" }, fake);
const widget = factory();
factory().initialize({ model: first });
widget.initialize({ model: second });
while (!globalThis.asked.length) await new Promise((r) => setTimeout(r, 50));
first.fire("destroy");
const el = document.createElement("div");
await widget.render({ model: second, el });
return { asked: globalThis.asked.map(([n]) => n), drawn: el.textContent };
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
            return page.evaluate(
                f"async ([wrapper, fake]) => {{ {MODEL} {script} }}",
                [FigureWidget._esm, FAKE_PLOTLY],
            )
        finally:
            browser.close()


def test_messages_before_plotly_loads_are_replayed_once_in_order():
    out = _in_chromium(CARRIED)
    early = [
        ["_py2js_update", {"n": 1}],
        ["_py2js_update", None],
        ["_widget_layout", {"title": "t"}],
    ]
    assert json.loads(out["early"]) == early
    assert json.loads(out["late"]) == [*early, ["_py2js_update", {"n": 2}]]
    # plotly's module taken from the chart that carries it, loaded once for both charts,
    # nothing asked of the kernel
    assert out["loads"] == 1
    assert out["asked"] == []
    assert out["drawn"] == "drawn"
    # nothing for anywidget to wait for: plotly's module loads in the background
    assert out["returned"] == ["undefined", "undefined"]


def test_a_page_without_the_carrier_asks_the_kernel_once():
    out = _in_chromium(ASKED)
    assert out == {
        "loads": 1,
        "asked": [["a", {"request": "plotly_module"}]],
        "drawn": ["drawn", "drawn"],
    }


def test_a_chart_closed_before_the_answer_does_not_leave_the_others_blank():
    out = _in_chromium(CLOSED)
    assert out == {"asked": ["a", "b"], "drawn": "drawn"}


def test_the_kernels_first_chart_carries_plotlys_module_and_answers_a_page(monkeypatch):
    from plotly.basewidget import BaseFigureWidget

    from diagnostic.apps import figure

    monkeypatch.setattr(figure, "_carrier", None)  # as in a new kernel

    plotly = str(BaseFigureWidget._esm)
    assert len(plotly) > 1_000_000
    first = FigureWidget({"data": [{"type": "bar", "y": [1, 2]}]})
    assert len(first._esm) < 10_000  # what anywidget imports
    assert first.get_state()["_plotly_module"] == plotly
    second = FigureWidget({"data": [{"type": "bar", "y": [3]}]})
    assert second.get_state()["_plotly_module"] == ""  # not in every chart's state
    sent = []
    second.send_state = lambda key=None: sent.append(key)
    second._handle_custom_msg({"kind": "autre"}, [])
    assert second._plotly_module == ""
    second._handle_custom_msg({"request": "plotly_module"}, [])  # a page without `first`
    assert second.get_state()["_plotly_module"] == plotly
    before = len(sent)
    second._handle_custom_msg({"request": "plotly_module"}, [])  # another page asks
    assert sent[before:] == ["_plotly_module"]  # sent again, as it is
    first.close()
    second.close()
    third = FigureWidget({"data": [{"type": "bar", "y": [4]}]})
    assert third.get_state()["_plotly_module"] == plotly  # the carrier was closed
    third.close()
