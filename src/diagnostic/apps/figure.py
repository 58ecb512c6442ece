"""plotly's FigureWidget, made to keep following the kernel on a slow browser.

plotly's widget is an anywidget whose browser module is plotly.js itself (about 5 MB), and
each chart loads its own copy. anywidget gives a chart 2 s to load its module; past that
it drops, for the life of the page, every message the kernel sends to that chart. On a
loaded machine or a modest laptop (a workshop's), the charts were drawn but stopped
following the filters, with no message.

`FigureWidget` gives anywidget a small module instead, which answers at once and loads
plotly's module in the background, once per page for every chart: the page's first chart
asks the kernel for it, which sends it as that chart's value. Messages that arrive
before plotly's module is ready are replayed to it, in order, when it is.
"""

from __future__ import annotations

import hashlib
import json

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

const CLOSED = "diagnostic: chart closed before plotly's module arrived";

function plotly(model) {
  const pending = globalThis[KEY];
  if (pending) {
    // the chart that asked was closed before the answer (a cell run again): ask again
    return pending.catch((error) => {
      if (error.message === CLOSED) return plotly(model);
      throw error;
    });
  }
  const loading = source(model).then((text) => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
    return import(url).finally(() => URL.revokeObjectURL(url));
  });
  globalThis[KEY] = loading;
  loading.catch(() => {
    if (globalThis[KEY] === loading) delete globalThis[KEY];
  });
  return loading;
}

// plotly's module: this chart's value when the kernel has sent it, else asked of the
// kernel through this chart (the first chart of a page asks; the others wait for it)
function source(model) {
  const text = model.get("_plotly_module");
  if (text) return Promise.resolve(text);
  return new Promise((resolve, reject) => {
    const arrived = () => {
      const value = model.get("_plotly_module");
      if (value) {
        model.off("change:_plotly_module", arrived);
        resolve(value);
      }
    };
    model.on("change:_plotly_module", arrived);
    model.on("destroy", () => reject(new Error(CLOSED)));
    model.send({ request: "plotly_module" });
  });
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


class FigureWidget(go.FigureWidget):
    """A plotly ``FigureWidget`` whose browser module survives a slow start (see module)."""

    _esm = _MODULE.replace(
        "__HASH__", json.dumps(hashlib.sha256(_PLOTLY.encode()).hexdigest()[:16])
    ).replace("__FOLLOWED__", json.dumps(list(_FOLLOWED)))
    # plotly's module travels as a value, sent when a page asks for it: once per page, not
    # once per chart (8 charts made the collective's page 41 MB)
    _plotly_module = traitlets.Unicode("").tag(sync=True)

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
