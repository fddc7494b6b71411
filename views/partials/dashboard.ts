/**
 * The dashboard, as partials with stable ids. The server renders the empty
 * frame (every row and tile the live feed will fill), `assets/app.js`
 * fills it from the page's single SSE connection, addressing it by these ids.
 */
import type { Mode } from "../../src/switchboard.ts";
import { type SafeHtml, html } from "../html.ts";
import type { TileSpec } from "../tiles.ts";
import { type ReplayControlsView, replayControls } from "./replay.ts";

export const LADDER_LEVELS = 20;
/** Browser feed: the dashboard needs no more than 10 book/feature frames per second. */
export const DASHBOARD_THROTTLE_MS = 100;
/** Rows the gap log keeps (app-health.js trims to this). */
export const GAP_LOG_ROWS = 10;

export interface DashboardView {
  readonly mode: Mode;
  readonly symbols: readonly string[];
  readonly symbol: string;
  /** Decimals for prices and quantities; null: format by magnitude. */
  readonly priceDecimals: number | null;
  readonly qtyDecimals: number | null;
  readonly tiles: readonly TileSpec[];
  /** The replay control bar; null outside replay mode. */
  readonly replay: ReplayControlsView | null;
  /** The chart loads the last hour from /api/history (app-history.js): a database records and the feed is not a replay. */
  readonly history?: boolean;
}

export function feedUrl(symbol: string): string {
  const query = new URLSearchParams({
    symbols: symbol,
    events: "book,features,trade,gap,prediction,status",
    throttleMs: String(DASHBOARD_THROTTLE_MS),
  });
  return `/sse?${query.toString().replaceAll("%2C", ",")}`;
}

export function topbar(view: DashboardView): SafeHtml {
  return html`<header id="topbar" class="topbar">
  <div class="brand"><span class="brand-mark"></span>GENESIS</div>
  <span id="mode-badge" class="mode" data-mode="${view.mode}">${view.mode}</span>
  ${symbolSwitcher(view)}
  <a id="alerts-link" class="tab" href="/alerts">alerts</a>
  <div class="topbar-right">
    <span id="actor-states" class="actors" aria-label="actor states"></span>
    <span id="msg-rate" class="rate" title="SSE messages per second">0 msg/s</span>
    <span id="sse-status" class="status" data-state="connecting" role="status">connecting</span>
  </div>
</header>`;
}

export function symbolSwitcher(view: DashboardView): SafeHtml {
  // A page that proved the control token keeps it across symbols (the controls would lock otherwise).
  const token = view.replay?.token ? `&token=${encodeURIComponent(view.replay.token)}` : "";
  const links = view.symbols.map(
    (symbol) =>
      html`<a class="tab" href="/?symbol=${encodeURIComponent(symbol)}${token}"${symbol === view.symbol ? html` aria-current="page"` : ""} _="on click add .switching to #dashboard">${symbol}</a>`,
  );
  return html`<nav id="symbol-switcher" class="tabs" aria-label="symbol">${links}</nav>`;
}

export function chartPanel(view: DashboardView): SafeHtml {
  return html`<section id="chart-panel" class="panel chart-panel">
  <div class="panel-head">
    <h2><span class="sym">${view.symbol}</span> mid &amp; microprice ${staleFlag("chart-stale")}</h2>
    <div class="readouts">
      <span class="readout"><em>mid</em> <b id="mid-value">—</b></span>
      <span class="readout micro"><em>micro</em> <b id="micro-value">—</b></span>
      <span class="readout"><em>exch time</em> <b id="book-time">—</b></span>
    </div>
  </div>
  <div id="price-chart" class="chart" data-points="0"></div>
</section>`;
}

/** Shown by CSS while #dashboard[data-stale="true"] (set by the scripts from book and gap events). */
function staleFlag(id: string): SafeHtml {
  return html`<span id="${id}" class="stale" title="the book missed an update and is being resynced; prices shown are the last good book">STALE · resyncing</span>`;
}

function ladderRows(side: "ask" | "bid"): SafeHtml[] {
  const rows: SafeHtml[] = [];
  for (let level = 0; level < LADDER_LEVELS; level++) {
    rows.push(html`<div class="lvl ${side}" data-level="${level}"><i class="bar"></i><span class="px"></span><span class="qty"></span><span class="cum"></span></div>`);
  }
  // Asks read top-down from the 20th level to the best, so both bests meet at the spread row.
  return side === "ask" ? rows.reverse() : rows;
}

export function ladder(view: DashboardView): SafeHtml {
  return html`<section id="book-panel" class="panel book-panel">
  <div class="panel-head">
    <h2>Order book <span class="muted">top ${LADDER_LEVELS}</span></h2>
    ${staleFlag("book-stale")}
  </div>
  <div class="ladder-head"><span>price</span><span>qty</span><span>cum</span></div>
  <div id="ladder" class="ladder" data-symbol="${view.symbol}">
    <div id="ladder-asks" class="side asks">${ladderRows("ask")}</div>
    <div id="ladder-spread" class="spread-row"><span id="spread-value">—</span><span id="spread-bps" class="muted"></span></div>
    <div id="ladder-bids" class="side bids">${ladderRows("bid")}</div>
  </div>
</section>`;
}

export function featureTiles(view: DashboardView): SafeHtml {
  const tiles = view.tiles.map(
    (tile) => html`<div class="tile" id="tile-${tile.name}" data-feature="${tile.name}" data-format="${tile.format}"${tile.signed ? html` data-signed` : ""}>
    <div class="tile-label">${tile.label}</div>
    <div class="tile-value">—</div>
    <div class="tile-unit">${tile.unit}</div>
  </div>`,
  );
  return html`<section id="feature-tiles" class="panel tiles-panel">
  <div class="panel-head"><h2>Features</h2><span id="features-time" class="muted"></span></div>
  <div class="tiles">${tiles.length > 0 ? tiles : html`<p class="muted">no features configured</p>`}</div>
</section>`;
}

export function tradeTape(): SafeHtml {
  return html`<section id="tape-panel" class="panel tape-panel">
  <div class="panel-head"><h2>Trades</h2><span id="trade-count" class="muted">0</span></div>
  <div class="tape-head"><span>time</span><span>price</span><span>qty</span></div>
  <ol id="trade-tape" class="tape"></ol>
</section>`;
}

/** The symbol's recent sequence gaps, newest first; app-health.js fills it from `gap` events. */
export function gapLog(): SafeHtml {
  return html`<section id="gap-panel" class="panel gap-panel">
  <div class="panel-head"><h2>Gaps</h2><span id="gap-count" class="muted">0</span></div>
  <div class="gap-head"><span>time</span><span>phase · ids</span><span>stale</span></div>
  <ol id="gap-log" class="gap-log" data-rows="${GAP_LOG_ROWS}"><li class="gap-empty muted">no gaps</li></ol>
</section>`;
}

/**
 * The model's latest view of the shown symbol (`prediction` events):
 * up / stationary / down probability bars, the model's name and horizon.
 * app-prediction.js fills it; without a model it keeps saying so.
 */
export function predictionPanel(): SafeHtml {
  const bar = (label: string) =>
    html`<div class="pbar" data-label="${label}"><span class="pbar-label">${label}</span><span class="pbar-track"><i class="pbar-fill"></i></span><b class="pbar-value">—</b></div>`;
  return html`<section id="prediction-panel" class="panel prediction-panel" data-top="">
  <div class="panel-head"><h2>DeepLOB</h2><span id="prediction-time" class="muted"></span></div>
  <div id="prediction-bars" class="pbars">${bar("up")}${bar("stationary")}${bar("down")}</div>
  <p id="prediction-model" class="muted pmodel">no prediction yet</p>
</section>`;
}

/** The page's one SSE connection; named events reach app.js as DOM events on this element. */
export function feedConnector(view: DashboardView): SafeHtml {
  return html`<div id="sse-feed" hidden hx-sse:connect="${feedUrl(view.symbol)}"></div>`;
}

export function dashboardBody(view: DashboardView): SafeHtml {
  return html`${topbar(view)}
<main id="dashboard" class="dashboard" data-stale="false" data-symbol="${view.symbol}" data-price-decimals="${view.priceDecimals ?? ""}" data-qty-decimals="${view.qtyDecimals ?? ""}"${view.history ? html` data-history="on"` : ""}>
  <div class="col-main">
    ${view.replay ? replayControls(view.replay) : ""}
    ${chartPanel(view)}
    ${featureTiles(view)}
  </div>
  ${ladder(view)}
  <div class="col-side">
    ${predictionPanel()}
    ${tradeTape()}
    ${gapLog()}
  </div>
</main>
${feedConnector(view)}`;
}
