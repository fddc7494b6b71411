/*
 * Genesis dashboard client. htmx's SSE extension owns the page's single
 * connection (#sse-feed, hx-sse:connect) and re-dispatches each named SSE
 * event (book, features, trade, gap, status) as a DOM event whose detail.data is
 * the one-line JSON. This module folds those events into state and paints
 * once per animation frame: the ladder and tiles from the latest message,
 * the chart at most every CHART_MIN_INTERVAL_MS, the tape from new trades.
 * Gaps and the gap log are app-health.js's; the recorded past (the chart's
 * coarse left part) is loaded by app-history.js and drawn here.
 * It only fills elements the server rendered (stable ids); text goes through
 * textContent and styles through the CSSOM, so no HTML is ever built from data.
 */
(() => {
  "use strict";
  const root = document.getElementById("dashboard");
  const feed = document.getElementById("sse-feed");
  if (!root || !feed || typeof uPlot === "undefined") return;

  const SYMBOL = root.dataset.symbol;
  const PX_DECIMALS = root.dataset.priceDecimals === "" ? null : Number(root.dataset.priceDecimals);
  const QTY_DECIMALS = root.dataset.qtyDecimals === "" ? null : Number(root.dataset.qtyDecimals);
  const WINDOW_S = 300;
  const MAX_POINTS = 6000;
  const TAPE_ROWS = 40;
  const CHART_MIN_INTERVAL_MS = 100;
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------ formatting
  const formats = new Map();
  function fixed(decimals) {
    let f = formats.get(decimals);
    if (!f) {
      f = new Intl.NumberFormat("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
      formats.set(decimals, f);
    }
    return f;
  }
  function autoDecimals(v) {
    const a = Math.abs(v);
    return a >= 1000 ? 2 : a >= 10 ? 3 : a >= 0.1 ? 4 : 6;
  }
  const fmtPx = (v) => fixed(PX_DECIMALS ?? autoDecimals(v)).format(v);
  const fmtQty = (v) => fixed(QTY_DECIMALS ?? autoDecimals(v)).format(v);
  function fmtFeature(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) return "—";
    const a = Math.abs(v);
    if (a !== 0 && a < 1e-4) return v.toExponential(2);
    return fixed(a >= 1e4 ? 1 : a >= 100 ? 2 : a >= 1 ? 3 : 4).format(v);
  }
  const two = (n) => String(n).padStart(2, "0");
  function fmtTime(tsMs) {
    const d = new Date(tsMs);
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
  }
  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  // ------------------------------------------------------------ state
  let book = null;
  let bookDirty = false;
  let features = null;
  let featuresDirty = false;
  let newTrades = [];
  let tradeCount = 0;
  let chartDirty = false;
  let lastChartPaint = 0;
  let framePending = false;
  let received = 0;
  const xs = [], mids = [], micros = [], buys = [], sells = [];
  // The recorded past at bucket resolution (x in seconds, the bucket's close mid), drawn left of the
  // live points. Live mids that age out of WINDOW_S fold into it, so the chart keeps spanning the hour.
  const HISTORY_WINDOW_S = 3600;
  let past = null; // { stepS, xs, mids } once app-history.js delivered

  root.addEventListener("genesis:history", (event) => {
    const { stepMs, xs: pastXs, mids: pastMids } = event.detail;
    past = { stepS: stepMs / 1000, xs: pastXs.slice(), mids: pastMids.slice() };
    chartDirty = true;
    schedule();
  });

  /** A live mid leaving the live window: it becomes (or updates) the close of its bucket. */
  function foldIntoPast(x, mid) {
    const n = past.xs.length;
    const bucket = Math.floor(x / past.stepS) * past.stepS;
    if (n > 0 && past.xs[n - 1] === bucket) past.mids[n - 1] = mid;
    else if (n === 0 || bucket > past.xs[n - 1]) {
      past.xs.push(bucket);
      past.mids.push(mid);
    }
  }

  function schedule() {
    if (!framePending) {
      framePending = true;
      requestAnimationFrame(paint);
    }
  }

  /** Inserts one chart row keeping x ascending (a conflated book can trail a trade by a few ms). */
  function insertPoint(x, mid, micro, buy, sell) {
    // A replay seek back in time: start afresh, or trimChart would drop every new point as too old.
    if (xs.length > 0 && x < xs[xs.length - 1] - WINDOW_S) {
      for (const series of [xs, mids, micros, buys, sells]) series.length = 0;
      past = null;
      // Update ids restart too: bounds from gaps before the seek no longer apply.
      delete root.dataset.staleAfterU;
      delete root.dataset.freshFromU;
    }
    let i = xs.length;
    while (i > 0 && xs[i - 1] > x) i--;
    xs.splice(i, 0, x);
    mids.splice(i, 0, mid);
    micros.splice(i, 0, micro);
    buys.splice(i, 0, buy);
    sells.splice(i, 0, sell);
    chartDirty = true;
    // Frames stop in a background tab: bound the arrays here too.
    if (xs.length > MAX_POINTS + 600) trimChart();
  }

  function trimChart() {
    const newest = xs[xs.length - 1];
    let drop = 0;
    while (drop < xs.length && (xs[drop] < newest - WINDOW_S || xs.length - drop > MAX_POINTS)) drop++;
    if (past) {
      for (let i = 0; i < drop; i++) if (mids[i] !== null) foldIntoPast(xs[i], mids[i]);
      let old = 0;
      while (old < past.xs.length && past.xs[old] < newest - HISTORY_WINDOW_S) old++;
      if (old > 0) for (const series of [past.xs, past.mids]) series.splice(0, old);
    }
    if (drop > 0) for (const series of [xs, mids, micros, buys, sells]) series.splice(0, drop);
  }

  /** The live series, preceded by the past buckets older than the first live point. */
  function chartData() {
    const live = [xs, mids, micros, buys, sells];
    if (!past) return live;
    let n = 0;
    while (n < past.xs.length && (xs.length === 0 || past.xs[n] < xs[0])) n++;
    if (n === 0) return live;
    const none = new Array(n).fill(null);
    return [past.xs.slice(0, n).concat(xs), past.mids.slice(0, n).concat(mids), none.concat(micros), none.concat(buys), none.concat(sells)];
  }

  function parse(event) {
    received++;
    try {
      const payload = JSON.parse(event.detail.data);
      return payload && payload.symbol === SYMBOL ? payload : null;
    } catch {
      return null;
    }
  }

  feed.addEventListener("book", (event) => {
    const b = parse(event);
    if (!b) return;
    book = b;
    bookDirty = true;
    const bid = b.bids[0], ask = b.asks[0];
    if (bid && ask) {
      const mid = (bid[0] + ask[0]) / 2;
      const depth = bid[1] + ask[1];
      // Microprice: the mid weighted towards the thinner side (where the next tick is likelier).
      const micro = depth > 0 ? (bid[0] * ask[1] + ask[0] * bid[1]) / depth : mid;
      insertPoint(b.ts / 1000, mid, micro, null, null);
    }
    schedule();
  });

  feed.addEventListener("features", (event) => {
    const f = parse(event);
    if (!f) return;
    features = f;
    featuresDirty = true;
    schedule();
  });

  feed.addEventListener("trade", (event) => {
    const t = parse(event);
    if (!t) return;
    tradeCount++;
    newTrades.push(t);
    if (newTrades.length > TAPE_ROWS) newTrades.splice(0, newTrades.length - TAPE_ROWS);
    insertPoint(t.ts / 1000, null, null, t.side === "buy" ? t.price : null, t.side === "sell" ? t.price : null);
    schedule();
  });

  feed.addEventListener("status", (event) => {
    received++;
    try {
      renderActors(JSON.parse(event.detail.data).actors || {});
    } catch {
      /* a malformed status is not worth a broken page */
    }
  });

  // ------------------------------------------------------------ ladder
  function ladderSide(sideId) {
    const rows = [];
    for (const row of $(sideId).querySelectorAll(".lvl")) {
      rows[Number(row.dataset.level)] = {
        px: row.querySelector(".px"),
        qty: row.querySelector(".qty"),
        cum: row.querySelector(".cum"),
        bar: row.querySelector(".bar"),
        scale: -1,
      };
    }
    return rows;
  }
  const askRows = ladderSide("ladder-asks");
  const bidRows = ladderSide("ladder-bids");

  function cumulative(levels) {
    const out = new Array(levels.length);
    let sum = 0;
    for (let i = 0; i < levels.length; i++) out[i] = sum += levels[i][1];
    return out;
  }

  function paintSide(rows, levels, cum, maxCum) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const level = levels[i];
      const scale = level ? cum[i] / maxCum : 0;
      setText(row.px, level ? fmtPx(level[0]) : "");
      setText(row.qty, level ? fmtQty(level[1]) : "");
      setText(row.cum, level ? fmtQty(cum[i]) : "");
      if (Math.abs(scale - row.scale) > 0.002) {
        row.scale = scale;
        row.bar.style.transform = `scaleX(${scale.toFixed(4)})`;
      }
    }
  }

  /**
   * The STALE markers are CSS on #dashboard[data-stale]; app-health.js sets it on each gap event,
   * with the ids that bound the gap. The server conflates books but not gaps, so a book can
   * arrive after a gap event that overtook it: a book from before a gap must not clear the
   * marker, nor one from before the recovery raise it again.
   */
  function applyStale(b) {
    const d = root.dataset;
    if (!b.stale && d.staleAfterU !== undefined && b.u <= Number(d.staleAfterU)) return;
    if (b.stale && d.freshFromU !== undefined && b.u < Number(d.freshFromU)) return;
    const stale = b.stale ? "true" : "false";
    if (d.stale !== stale) d.stale = stale;
  }

  function paintBook() {
    const bidCum = cumulative(book.bids);
    const askCum = cumulative(book.asks);
    const maxCum = Math.max(bidCum[bidCum.length - 1] || 0, askCum[askCum.length - 1] || 0) || 1;
    paintSide(bidRows, book.bids, bidCum, maxCum);
    paintSide(askRows, book.asks, askCum, maxCum);
    applyStale(book);
    const bid = book.bids[0], ask = book.asks[0];
    if (bid && ask) {
      const mid = (bid[0] + ask[0]) / 2;
      const spread = ask[0] - bid[0];
      setText($("spread-value"), `spread ${fmtPx(spread)}`);
      setText($("spread-bps"), `${fixed(2).format((spread / mid) * 1e4)} bps`);
      setText($("mid-value"), fmtPx(mid));
      setText($("micro-value"), fmtPx(micros[micros.length - 1] ?? mid));
    }
    setText($("book-time"), fmtTime(book.ts));
  }

  // ------------------------------------------------------------ tiles
  const tiles = [...document.querySelectorAll("#feature-tiles .tile")].map((el) => ({
    name: el.dataset.feature,
    el,
    value: el.querySelector(".tile-value"),
    signed: el.hasAttribute("data-signed"),
    price: el.dataset.format === "price",
  }));

  function paintFeatures() {
    for (const tile of tiles) {
      const v = features[tile.name];
      setText(tile.value, tile.price && Number.isFinite(v) ? fmtPx(v) : fmtFeature(v));
      if (tile.signed) {
        const sign = !Number.isFinite(v) || v === 0 ? "zero" : v > 0 ? "pos" : "neg";
        if (tile.el.dataset.sign !== sign) tile.el.dataset.sign = sign;
      }
    }
    setText($("features-time"), fmtTime(features.ts));
  }

  // ------------------------------------------------------------ tape
  const tape = $("trade-tape");
  function paintTape() {
    const fragment = document.createDocumentFragment();
    for (let i = newTrades.length - 1; i >= 0; i--) {
      const t = newTrades[i];
      const li = document.createElement("li");
      li.className = `${t.side} fresh`;
      for (const [cls, text] of [["t", fmtTime(t.ts).slice(0, 8)], ["p", fmtPx(t.price)], ["q", fmtQty(t.qty)]]) {
        const span = document.createElement("span");
        span.className = cls;
        span.textContent = text;
        li.append(span);
      }
      fragment.append(li);
    }
    newTrades = [];
    tape.prepend(fragment);
    while (tape.children.length > TAPE_ROWS) tape.lastElementChild.remove();
    setText($("trade-count"), fixed(0).format(tradeCount));
  }

  // ------------------------------------------------------------ actors and rate
  const HEALTH = [
    [/fail|error|degraded|stopped|closed|dead/i, "bad"],
    [/connect|sync|start|resync|wait|paus/i, "warn"],
    [/live|run|ok|ready|stream|idle|active|comput|replay|sim/i, "good"],
  ];
  function renderActors(actors) {
    const box = $("actor-states");
    const chips = [];
    for (const [name, state] of Object.entries(actors)) {
      const chip = document.createElement("span");
      chip.className = "actor";
      chip.title = `${name}: ${state}`;
      chip.textContent = name;
      const match = HEALTH.find(([re]) => re.test(String(state)));
      if (match) chip.dataset.health = match[1];
      chips.push(chip);
    }
    box.replaceChildren(...chips);
  }
  setInterval(() => {
    setText($("msg-rate"), `${fixed(0).format(received)} msg/s`);
    received = 0;
  }, 1000);

  // ------------------------------------------------------------ chart
  const chartEl = $("price-chart");
  const axis = { stroke: "#738096", grid: { stroke: "#18202b", width: 1 }, ticks: { stroke: "#1d2633", width: 1 }, font: "11px ui-monospace, Menlo, Consolas, monospace" };
  const tradePoints = (color) => ({ show: true, size: 5, width: 1, stroke: color, fill: color });
  const LEGEND_PX = 34;
  const chart = new uPlot(
    {
      width: Math.max(chartEl.clientWidth - 12, 200),
      height: Math.max(chartEl.clientHeight - LEGEND_PX, 120),
      scales: { x: { time: true } },
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      legend: { live: true },
      series: [
        {},
        { label: "mid", stroke: "#8fb8ff", width: 1.5, spanGaps: true, points: { show: false }, value: (u, v) => (v == null ? "—" : fmtPx(v)) },
        { label: "microprice", stroke: "#f2b544", width: 1.25, dash: [5, 3], spanGaps: true, points: { show: false }, value: (u, v) => (v == null ? "—" : fmtPx(v)) },
        { label: "buy", stroke: "#1fbf85", paths: () => null, points: tradePoints("#1fbf85"), value: (u, v) => (v == null ? "—" : fmtPx(v)) },
        { label: "sell", stroke: "#f0556a", paths: () => null, points: tradePoints("#f0556a"), value: (u, v) => (v == null ? "—" : fmtPx(v)) },
      ],
      axes: [{ ...axis, space: 90 }, { ...axis, size: 86, values: (u, ticks) => ticks.map((v) => fmtPx(v)) }],
    },
    [xs, mids, micros, buys, sells],
    chartEl,
  );
  new ResizeObserver(() => {
    chart.setSize({ width: Math.max(chartEl.clientWidth - 12, 200), height: Math.max(chartEl.clientHeight - LEGEND_PX, 120) });
  }).observe(chartEl);

  function paintChart(now) {
    trimChart();
    const data = chartData();
    chart.setData(data);
    chartEl.dataset.points = String(data[0].length);
    if (past) chartEl.dataset.pastPoints = String(past.xs.length);
    lastChartPaint = now;
    chartDirty = false;
  }

  // ------------------------------------------------------------ frame
  function paint(now) {
    framePending = false;
    if (bookDirty && book) {
      paintBook();
      bookDirty = false;
    }
    if (featuresDirty && features) {
      paintFeatures();
      featuresDirty = false;
    }
    if (newTrades.length > 0) paintTape();
    if (chartDirty) {
      if (now - lastChartPaint >= CHART_MIN_INTERVAL_MS) paintChart(now);
      else schedule();
    }
  }
})();
