"""plotly's FigureWidget, made to keep following the kernel on a slow browser.

plotly's widget is an anywidget whose browser module is plotly.js itself (about 5 MB), and
each chart loads its own copy. anywidget gives a chart 2 s to load its module; past that
it drops, for the life of the page, every message the kernel sends to that chart. On a
loaded machine or a modest laptop (a workshop's), the charts were drawn but stopped
following the filters, with no message.

`FigureWidget` gives anywidget a small module instead, which answers at once and loads
plotly's module in the background, once per page for every chart. Messages that arrive
before plotly's module is ready are replayed to it, in order, when it is.

plotly's module travels as a value of one chart only: the first the kernel makes (and
again the next one made after it is closed). A page without that chart (it was closed)
asks the kernel for the module through one of its charts. Charts are not kept waiting
on a kernel busy with later cells, and a page gets 5 MB, not 5 MB per chart (8 charts
made the collective's page 41 MB).
"""

from __future__ import annotations

import hashlib
import json
import weakref

import plotly.graph_objects as go
import traitlets
from plotly.basewidget import BaseFigureWidget

# the traits plotly's browser model follows (``FigureModel.initialize`` in its bundle)
_FOLLOWED = (
    "_widget_data",
    "_widget_layout",
    "_py2js_addTraces",
    "_py2js_deleteTraces",
    "_py2js_moveTraces",
    "_py2js_restyle",
    "_py2js_relayout",
    "_py2js_update",
    "_py2js_animate",
    "_py2js_removeLayoutProps",
    "_py2js_removeTraceProps",
)

_MODULE = """\
// diagnostic: plotly's FigureWidget module, loaded once per page and outside anywidget's
// start-up window (see diagnostic/apps/figure.py)
const KEY = Symbol.for("diagnostic.plotly/" + __HASH__);
const FOLLOWED = __FOLLOWED__;
const ASK_AFTER = 1000; // ms without plotly's module before asking the kernel for it

// the page's one copy of plotly's module, shared by its charts
function shared() {
  if (!globalThis[KEY]) {
    const state = { started: false, asker: null };
    state.module = new Promise((resolve, reject) => {
      state.start = (text) => {
        if (state.started) return;
        state.started = true;
        const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
        import(url)
          .finally(() => URL.revokeObjectURL(url))
          .then(resolve, reject);
      };
    });
    globalThis[KEY] = state;
  }
  return globalThis[KEY];
}

// plotly's module for this chart: from the chart of the page that carries it (the kernel's
// first), else, after a second without one, asked of the kernel through one waiting chart
// (another one asks if that one is closed before the answer)
function plotly(model) {
  const state = shared();
  const carried = () => {
    const text = model.get("_plotly_module");
    if (text) state.start(text);
  };
  carried();
  if (!state.started) {
    model.on("change:_plotly_module", carried);
    let closed = false;
    model.on("destroy", () => {
      closed = true;
      if (state.asker === model) state.asker = null;
    });
    const asking = setInterval(() => {
      if (state.started || closed) clearInterval(asking);
      else if (state.asker === null) {
        state.asker = model;
        model.send({ request: "plotly_module" });
      }
    }, ASK_AFTER);
  }
  return state.module;
}

export default () => {
  let widget; // plotly's widget for this chart
  let started; // settled once plotly's initialize has run
  return {
    initialize({ model }) {
      // what the kernel sends before plotly's module is there, kept to be replayed
      const missed = [];
      const recorders = FOLLOWED.map((name) => {
        const record = () => missed.push([name, model.get(name)]);
        model.on(`change:${name}`, record);
        return [name, record];
      });
      // plotly's model reads `get` inside its listeners: a replayed value is read there
      const replaying = new Map();
      const listeners = new Map();
      const proxy = {
        ...model,
        get: (name) => (replaying.has(name) ? replaying.get(name) : model.get(name)),
        on: (event, callback) => {
          listeners.set(event, [...(listeners.get(event) ?? []), callback]);
          model.on(event, callback);
        },
      };
      started = plotly(model).then(async (module) => {
        widget = module.default();
        await widget.initialize?.({ model: proxy });
        for (const [name, record] of recorders) model.off(`change:${name}`, record);
        for (const [name, value] of missed) {
          replaying.set(name, value);
          for (const callback of listeners.get(`change:${name}`) ?? []) callback();
          replaying.delete(name);
        }
      });
      // not awaited: anywidget must hear back at once, whatever plotly's loading takes
    },
    async render(view) {
      await started;
      return widget.render(view);
    },
  };
};
"""


_PLOTLY = str(BaseFigureWidget._esm)  # plotly's bundle (anywidget's FileContents)
_carrier: weakref.ref[FigureWidget] | None = None  # the chart that carries it


class FigureWidget(go.FigureWidget):
    """A plotly ``FigureWidget`` whose browser module survives a slow start (see module)."""

    _esm = _MODULE.replace(
        "__HASH__", json.dumps(hashlib.sha256(_PLOTLY.encode()).hexdigest()[:16])
    ).replace("__FOLLOWED__", json.dumps(list(_FOLLOWED)))
    _plotly_module = traitlets.Unicode().tag(sync=True)

    @traitlets.default("_plotly_module")
    def _carried(self) -> str:
        """plotly's module for the kernel's first chart still open, nothing for the others
        (read when the chart's state is first sent)."""
        global _carrier
        carrier = _carrier() if _carrier is not None else None
        if carrier is not None and carrier is not self and carrier.comm is not None:
            return ""
        _carrier = weakref.ref(self)
        return _PLOTLY

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_msg(self._answer)

    def _answer(self, _widget, content, _buffers) -> None:
        """Send plotly's module to the page that asks for it (again, to another page)."""
        if content != {"request": "plotly_module"}:
            return
        if self._plotly_module:
            self.send_state("_plotly_module")
        else:
            self._plotly_module = _PLOTLY
