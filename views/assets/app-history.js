/*
 * Genesis dashboard: the recorded past. Where the server says a database
 * records (#dashboard[data-history="on"]; never in a replay, whose clock is
 * the recording's), this loads the last hour of the symbol shown from
 * /api/history once, on open, and hands the bucket closes to app.js as a
 * `genesis:history` event on #dashboard ({stepMs, xs: seconds, mids}); app.js
 * draws them left of the live points, which keep arriving over the page's
 * one SSE connection. Microprice is not drawn for the past (only mid is
 * bucketed). A failure leaves the chart live-only; #price-chart's
 * data-history says how it went (loading, loaded, empty, failed).
 */
(() => {
  "use strict";
  const root = document.getElementById("dashboard");
  const chart = document.getElementById("price-chart");
  if (!root || !chart || root.dataset.history !== "on") return;

  const mark = (state, points) => {
    chart.dataset.history = state;
    if (points !== undefined) chart.dataset.historyPoints = String(points);
  };

  mark("loading");
  fetch(`/api/history?${new URLSearchParams({ symbol: root.dataset.symbol })}`, { headers: { accept: "application/json" }, cache: "no-store" })
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
    .then((body) => {
      const xs = [];
      const mids = [];
      for (const bucket of Array.isArray(body.buckets) ? body.buckets : []) {
        if (Number.isFinite(bucket.ts) && Number.isFinite(bucket.mid)) {
          xs.push(bucket.ts / 1000);
          mids.push(bucket.mid);
        }
      }
      if (xs.length > 0 && Number.isFinite(body.stepMs)) {
        root.dispatchEvent(new CustomEvent("genesis:history", { detail: { stepMs: body.stepMs, xs, mids } }));
      }
      mark(xs.length > 0 ? "loaded" : "empty", xs.length);
    })
    .catch(() => mark("failed"));
})();
