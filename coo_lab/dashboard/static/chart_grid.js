// The manager dashboard's charts (coo_lab.dashboard.chart_grid.ChartGrid): one cell of a CSS
// grid per plotly figure, drawn with plotly.js's basic bundle, which the kernel sends in the
// `_library` trait. The cells show a placeholder first; the bundle is evaluated (once per
// page) and the figures drawn only after the page has painted, so the filters and KPIs never
// wait for plotly.js.

const PENDING = "图表加载中… / drawing the chart…";
const CONFIG = { displaylogo: false, responsive: true };

function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

function plotly(model) {
  if (!globalThis.__cooLabPlotly) {
    globalThis.__cooLabPlotly = afterPaint().then(() => {
      if (!globalThis.Plotly?.react) {
        (0, eval)(model.get("_library")); // the UMD bundle sets window.Plotly
      }
      return globalThis.Plotly;
    });
  }
  return globalThis.__cooLabPlotly;
}

function render({ model, el }) {
  el.classList.add("coo-charts");
  const cells = new Map(); // chart name -> its div
  let drawing = Promise.resolve();

  function cell(name) {
    if (!cells.has(name)) {
      const div = document.createElement("div");
      div.className = `coo-chart coo-chart-${name}`;
      div.innerHTML = `<div class="coo-pending">${PENDING}</div>`;
      el.appendChild(div);
      cells.set(name, div);
    }
    return cells.get(name);
  }

  function draw() {
    const figures = model.get("figures");
    for (const [name, div] of cells) {
      if (!(name in figures)) {
        globalThis.Plotly?.purge(div);
        div.remove();
        cells.delete(name);
      }
    }
    const targets = Object.keys(figures).map((name) => [cell(name), figures[name]]);
    drawing = drawing
      .then(() => plotly(model))
      .then(async (Plotly) => {
        for (const [div, figure] of targets) {
          div.querySelector(".coo-pending")?.remove();
          await Plotly.react(div, figure.data, figure.layout, CONFIG);
        }
      })
      .catch((error) => {
        for (const [div] of targets) {
          div.textContent = `图表无法绘制 / the chart could not be drawn: ${error}`;
        }
      });
  }

  model.on("change:figures", draw);
  draw();
  return () => {
    model.off("change:figures", draw);
    for (const div of cells.values()) globalThis.Plotly?.purge(div);
  };
}

export default { render };
