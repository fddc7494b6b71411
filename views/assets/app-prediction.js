/*
 * Genesis dashboard: the DeepLOB model's confidence for the symbol shown.
 * `prediction` events ({symbol, ts, up, stationary, down, horizon, model})
 * arrive as DOM events on #sse-feed; the latest one for this symbol is
 * painted once per animation frame: three probability bars, the most likely
 * label marked (data-top on the panel), the model's name and horizon.
 * Text goes through textContent, widths through the CSSOM: no HTML is built.
 */
(() => {
  "use strict";
  const root = document.getElementById("dashboard");
  const feed = document.getElementById("sse-feed");
  const panel = document.getElementById("prediction-panel");
  if (!root || !feed || !panel) return;
  const SYMBOL = root.dataset.symbol;
  const LABELS = ["up", "stationary", "down"];
  const bars = new Map(LABELS.map((label) => [label, panel.querySelector(`.pbar[data-label="${label}"]`)]));
  const modelText = document.getElementById("prediction-model");
  const timeText = document.getElementById("prediction-time");
  let latest = null;
  let count = 0;
  let framePending = false;

  const two = (n) => String(n).padStart(2, "0");
  function fmtTime(tsMs) {
    const d = new Date(tsMs);
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
  }

  function paint() {
    framePending = false;
    const p = latest;
    if (!p) return;
    let top = LABELS[0];
    for (const label of LABELS) {
      const value = p[label];
      if (value > p[top]) top = label;
      const bar = bars.get(label);
      if (!bar) continue;
      bar.querySelector(".pbar-fill").style.width = `${(value * 100).toFixed(1)}%`;
      bar.querySelector(".pbar-value").textContent = `${(value * 100).toFixed(1)}%`;
    }
    panel.dataset.top = top;
    panel.dataset.count = String(count);
    if (modelText) modelText.textContent = `${p.model} · horizon ${p.horizon} events`;
    if (timeText) timeText.textContent = fmtTime(p.ts);
  }

  feed.addEventListener("prediction", (event) => {
    let p;
    try {
      p = JSON.parse(event.detail.data);
    } catch {
      return;
    }
    if (!p || p.symbol !== SYMBOL) return;
    if (![p.up, p.stationary, p.down].every((v) => typeof v === "number" && Number.isFinite(v))) return;
    latest = p;
    count++;
    if (!framePending) {
      framePending = true;
      requestAnimationFrame(paint);
    }
  });
})();
