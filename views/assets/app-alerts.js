/*
 * Genesis alerts pages. On the list (#alerts-page), htmx's SSE extension owns
 * the page's one connection (#alerts-feed, events=anomaly) and re-dispatches
 * each `anomaly` event as a DOM event; rows that pass the page's filters are
 * prepended. On the detail page (#alert-detail), the recorded book around the
 * alert is fetched from /api/anomalies/:id and drawn with uPlot (best bid and
 * ask, and the size resting at each evidence price), with a scrubber over the
 * snapshots that fills the 20-level ladder. Text goes through textContent:
 * no HTML is ever built from data.
 */
(() => {
  "use strict";
  const iso = (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

  // ------------------------------------------------------------------ list
  const page = document.getElementById("alerts-page");
  const feed = document.getElementById("alerts-feed");
  if (page && feed && page.dataset.live === "true") {
    const want = { symbol: page.dataset.symbol, type: page.dataset.type, minScore: Number(page.dataset.minScore) || 0, fromMs: page.dataset.from === "" ? null : Number(page.dataset.from) };
    const limit = Number(page.dataset.limit) || 200;
    const rows = document.getElementById("alerts-rows");
    const cell = (text, cls) => {
      const td = document.createElement("td");
      if (cls) td.className = cls;
      td.textContent = text;
      return td;
    };
    feed.addEventListener("anomaly", (event) => {
      let a;
      try {
        a = JSON.parse(event.detail.data);
      } catch {
        return;
      }
      if (!a || (want.symbol && a.symbol !== want.symbol) || (want.type && a.type !== want.type) || !(a.score >= want.minScore)) return;
      if (want.fromMs !== null && a.tsEnd < want.fromMs) return;
      const tr = document.createElement("tr");
      tr.className = "alert-row live";
      tr.dataset.type = a.type;
      tr.dataset.score = String(a.score);
      tr.append(cell(iso(a.tsEnd), "t"), cell(a.symbol), cell(a.type, "type"), cell(a.side, `alert-side ${a.side === "bid" ? "bid" : "ask"}`), cell(Number(a.score).toFixed(1), a.score >= 50 ? "score high" : "score"));
      const expl = cell("", "expl");
      const link = document.createElement("a");
      link.href = `/alerts/${encodeURIComponent(a.id)}`;
      link.textContent = a.explanation;
      expl.append(link);
      tr.append(expl);
      rows.prepend(tr);
      while (rows.rows.length > limit) rows.deleteRow(rows.rows.length - 1);
      const empty = document.getElementById("alerts-empty");
      if (empty) empty.hidden = true;
    });
  }

  // ---------------------------------------------------------------- detail
  const detail = document.getElementById("alert-detail");
  if (!detail) return;
  const status = document.getElementById("replay-status");
  const scrubber = document.getElementById("replay-scrubber");
  const timeLabel = document.getElementById("replay-time");
  const ladder = document.getElementById("replay-ladder");
  const chartEl = document.getElementById("replay-chart");
  const PX_DECIMALS = detail.dataset.priceDecimals === "" ? null : Number(detail.dataset.priceDecimals);
  const px = (v) => (v === undefined ? "" : PX_DECIMALS === null ? String(v) : v.toFixed(PX_DECIMALS));

  fetch(detail.dataset.api, { headers: { accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : r.text().then((t) => Promise.reject(new Error(t)))))
    .then(({ replay }) => draw(replay))
    .catch((error) => {
      status.textContent = `replay unavailable: ${error.message}`;
    });

  /** Quantity resting at `price` on either side of a snapshot (0 when the level is absent). */
  function sizeAt(s, price) {
    const eps = Math.abs(price) * 1e-9;
    for (let i = 0; i < s.bidPx.length; i++) if (Math.abs(s.bidPx[i] - price) <= eps) return s.bidQty[i];
    for (let i = 0; i < s.askPx.length; i++) if (Math.abs(s.askPx[i] - price) <= eps) return s.askQty[i];
    return 0;
  }

  function draw(replay) {
    const snaps = replay.snapshots;
    detail.dataset.snapshots = String(snaps.length);
    if (snaps.length === 0) {
      status.textContent = "no recorded book in this window";
      return;
    }
    status.textContent = `${snaps.length} snapshots`;
    const xs = snaps.map((s) => s.ts / 1000);
    const bids = snaps.map((s) => (s.bidPx.length ? s.bidPx[0] : null));
    const asks = snaps.map((s) => (s.askPx.length ? s.askPx[0] : null));
    const data = [xs, bids, asks];
    const series = [{}, { label: "best bid", stroke: "#1fbf85", scale: "px" }, { label: "best ask", stroke: "#f0556a", scale: "px" }];
    const palette = ["#f2b544", "#c9a3ff", "#4ea1ff", "#ff8c42", "#7fd1b9", "#e0e0e0"];
    replay.levels.forEach((price, k) => {
      data.push(snaps.map((s) => sizeAt(s, price)));
      series.push({ label: `size @ ${price}`, stroke: palette[k % palette.length], scale: "qty", dash: [4, 3] });
    });
    const tsStart = Number(detail.dataset.tsStart) / 1000;
    const tsEnd = Number(detail.dataset.tsEnd) / 1000;
    const plot = typeof uPlot === "undefined" ? null : new uPlot({
      width: Math.max(320, chartEl.clientWidth || 800),
      height: 260,
      series,
      scales: { x: { time: true }, px: {}, qty: {} },
      // Exchange times in UTC, like the rest of the page (uPlot would use the browser's zone).
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      // The scrubber places a vertical cursor; a horizontal crosshair at its arbitrary height means nothing.
      cursor: { y: false },
      axes: [{ stroke: "#8a94a6" }, { scale: "px", stroke: "#8a94a6", size: 80 }, { scale: "qty", side: 1, stroke: "#8a94a6", grid: { show: false }, size: 50 }],
      hooks: {
        // Shade the alert's own episode so the eye finds it.
        drawClear: [(u) => {
          const x0 = u.valToPos(tsStart, "x", true), x1 = u.valToPos(tsEnd, "x", true);
          u.ctx.save();
          u.ctx.fillStyle = "rgba(242, 181, 68, 0.12)";
          u.ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
          u.ctx.restore();
        }],
      },
    }, data, chartEl);

    const levelCells = [...ladder.tBodies[0].rows].map((tr) => tr.cells);
    const marked = new Set(replay.levels.map(String));
    function show(i) {
      const s = snaps[i];
      timeLabel.textContent = `${iso(s.ts)}${s.stale ? " (stale)" : ""}`;
      levelCells.forEach((c, level) => {
        const fill = (td, v, price, asPrice) => {
          td.textContent = v === undefined ? "" : asPrice ? px(v) : String(v);
          td.classList.toggle("evidence-level", price !== undefined && marked.has(String(price)));
        };
        fill(c[0], s.bidQty[level], s.bidPx[level]);
        fill(c[1], s.bidPx[level], s.bidPx[level], true);
        fill(c[2], s.askPx[level], s.askPx[level], true);
        fill(c[3], s.askQty[level], s.askPx[level]);
      });
      if (plot) plot.setCursor({ left: plot.valToPos(xs[i], "x"), top: 10 });
    }
    scrubber.max = String(snaps.length - 1);
    scrubber.disabled = false;
    // Start at the first snapshot at or after the alert's start.
    const start = Math.max(0, xs.findIndex((x) => x >= tsStart));
    scrubber.value = String(start);
    scrubber.addEventListener("input", () => show(Number(scrubber.value)));
    show(start);
  }
})();
