/**
 * The alerts pages: the filtered list (newest first, live rows prepended
 * by assets/app-alerts.js from the page's one `anomaly` SSE connection) and
 * one alert's detail (fields, evidence, explanation, and the recorded book
 * around it, drawn and scrubbed by app-alerts.js from /api/anomalies/:id).
 * Every value goes through `html`, so hostile evidence stays text.
 */
import { ALERT_TYPES } from "../../actors/surveillance/alert.ts";
import type { AnomalyListQuery, AnomalyRecord } from "../../src/db/anomalies.ts";
import type { Mode } from "../../src/switchboard.ts";
import { type SafeHtml, html } from "../html.ts";
import type { RawAlertsQuery } from "../alerts-params.ts";

export const PRIVACY_BANNER = "Market-level indicators from public data: no account ids, so no trader is identified.";
export const ALERTS_FEED_URL = "/sse?events=anomaly";
/** Ladder depth shown by the detail page's scrubber. */
export const REPLAY_LEVELS = 20;

export interface AlertsPageView {
  readonly mode: Mode;
  readonly query: AnomalyListQuery;
  /** The raw filter values, echoed back into the form. */
  readonly raw: RawAlertsQuery;
  readonly alerts: readonly AnomalyRecord[];
  /** Why the list is empty: no database. */
  readonly unavailable?: string;
}

export function isoMs(tsMs: number): string {
  return Number.isFinite(tsMs) && Math.abs(tsMs) < 8.64e15 ? new Date(tsMs).toISOString() : String(tsMs);
}

export function alertHref(id: string): string {
  return `/alerts/${encodeURIComponent(id)}`;
}

function header(mode: Mode, title: string): SafeHtml {
  return html`<header id="topbar" class="topbar">
  <div class="brand"><span class="brand-mark"></span>GENESIS</div>
  <span id="mode-badge" class="mode" data-mode="${mode}">${mode}</span>
  <nav class="tabs" aria-label="pages"><a class="tab" href="/">dashboard</a><a class="tab" href="/alerts" aria-current="page">alerts</a></nav>
  <h1 class="page-title">${title}</h1>
</header>
<p id="privacy-banner" class="privacy-banner" role="note">${PRIVACY_BANNER}</p>`;
}

export function alertRow(a: AnomalyRecord): SafeHtml {
  return html`<tr class="alert-row" data-type="${a.type}" data-score="${a.score}">
  <td class="t">${isoMs(a.tsEnd)}</td><td>${a.symbol}</td><td class="type">${a.type}</td><td class="alert-side ${a.side}">${a.side}</td>
  <td class="score${a.score >= 50 ? " high" : ""}">${a.score.toFixed(1)}</td>
  <td class="expl"><a href="${alertHref(a.id)}">${a.explanation}</a></td>
</tr>`;
}

function filterForm(view: AlertsPageView): SafeHtml {
  const raw = view.raw;
  const types = ALERT_TYPES.map((t) => html`<option value="${t}"${view.query.type === t ? html` selected` : ""}>${t}</option>`);
  return html`<form id="alert-filters" class="alert-filters" method="get" action="/alerts">
  <label>symbol <input name="symbol" value="${raw.symbol ?? ""}" placeholder="any" size="10"></label>
  <label>type <select name="type"><option value="">any</option>${types}</select></label>
  <label>min score <input name="minScore" value="${raw.minScore ?? ""}" placeholder="0" size="4"></label>
  <label>from <input name="from" value="${raw.from ?? ""}" placeholder="ISO or ms" size="22"></label>
  <label>to <input name="to" value="${raw.to ?? ""}" placeholder="ISO or ms" size="22"></label>
  <button type="submit">filter</button>
</form>`;
}

export function alertsPage(view: AlertsPageView): SafeHtml {
  const q = view.query;
  // Live rows follow the same filters; an explicit `to` means a past window, so nothing live belongs in it.
  return html`${header(view.mode, "Alerts")}
<main id="alerts-page" class="alerts-page" data-symbol="${q.symbol ?? ""}" data-type="${q.type ?? ""}" data-min-score="${q.minScore}"
  data-from="${q.fromMs ?? ""}" data-live="${q.toMs === null ? "true" : "false"}" data-limit="${q.limit}">
  ${filterForm(view)}
  ${view.unavailable ? html`<p id="alerts-unavailable" class="alerts-unavailable" role="status">${view.unavailable}</p>` : ""}
  <table class="alerts-table">
    <thead><tr><th>end (exchange time)</th><th>symbol</th><th>type</th><th>side</th><th>score</th><th>explanation</th></tr></thead>
    <tbody id="alerts-rows">${view.alerts.map(alertRow)}</tbody>
  </table>
  <p id="alerts-empty" class="muted"${view.alerts.length > 0 ? html` hidden` : ""}>no alerts match</p>
  <div id="alerts-feed" hidden hx-sse:connect="${ALERTS_FEED_URL}"></div>
</main>`;
}

/** Evidence as rows: a list of objects becomes a small table, anything else its JSON text. */
function evidenceValue(value: unknown): SafeHtml {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v !== null && typeof v === "object" && !Array.isArray(v))) {
    const keys = [...new Set(value.flatMap((v) => Object.keys(v as object)))];
    const rows = value.map((v) => html`<tr>${keys.map((k) => html`<td>${text((v as Record<string, unknown>)[k])}</td>`)}</tr>`);
    return html`<table class="evidence-sub"><thead><tr>${keys.map((k) => html`<th>${k}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
  }
  return html`${text(value)}`;
}

function text(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
}

export interface AlertDetailView {
  readonly mode: Mode;
  readonly alert: AnomalyRecord;
  /** The replay window (exchange ms). */
  readonly fromMs: number;
  readonly toMs: number;
  /** Price decimals for the ladder (the symbol's tick); null: as recorded. */
  readonly priceDecimals: number | null;
}

export function alertDetail(view: AlertDetailView): SafeHtml {
  const a = view.alert;
  const evidence = Object.entries(a.evidence).map(([k, v]) => html`<tr><th>${k}</th><td>${evidenceValue(v)}</td></tr>`);
  const ladderRows: SafeHtml[] = [];
  for (let i = 0; i < REPLAY_LEVELS; i++) ladderRows.push(html`<tr data-level="${i}"><td class="bid q"></td><td class="bid px"></td><td class="ask px"></td><td class="ask q"></td></tr>`);
  return html`${header(view.mode, `Alert · ${a.type} · ${a.symbol}`)}
<main id="alert-detail" class="alert-detail" data-id="${a.id}" data-api="/api/anomalies/${encodeURIComponent(a.id)}" data-ts-start="${a.tsStart}" data-ts-end="${a.tsEnd}" data-price-decimals="${view.priceDecimals ?? ""}">
  <p><a href="/alerts">← all alerts</a></p>
  <section class="panel alert-fields">
    <p id="alert-explanation" class="alert-explanation">${a.explanation}</p>
    <dl>
      <dt>id</dt><dd>${a.id}</dd>
      <dt>type</dt><dd>${a.type}</dd>
      <dt>symbol</dt><dd>${a.symbol}</dd>
      <dt>side</dt><dd class="alert-side ${a.side}">${a.side}</dd>
      <dt>score</dt><dd>${a.score.toFixed(1)}</dd>
      <dt>start</dt><dd>${isoMs(a.tsStart)}</dd>
      <dt>end</dt><dd>${isoMs(a.tsEnd)}</dd>
      <dt>duration</dt><dd>${a.tsEnd - a.tsStart} ms</dd>
    </dl>
  </section>
  <section class="panel">
    <div class="panel-head"><h2>Evidence</h2></div>
    <table id="alert-evidence" class="evidence">${evidence.length > 0 ? evidence : html`<tr><td class="muted">none</td></tr>`}</table>
  </section>
  <section class="panel replay-panel">
    <div class="panel-head"><h2>Book replay <span class="muted">${isoMs(view.fromMs)} – ${isoMs(view.toMs)}</span></h2><span id="replay-status" class="muted">loading…</span></div>
    <div id="replay-chart" class="replay-chart"></div>
    <label class="scrubber">snapshot <input id="replay-scrubber" type="range" min="0" max="0" value="0" disabled> <b id="replay-time">—</b></label>
    <table id="replay-ladder" class="replay-ladder">
      <thead><tr><th>bid qty</th><th>bid</th><th>ask</th><th>ask qty</th></tr></thead>
      <tbody>${ladderRows}</tbody>
    </table>
  </section>
</main>`;
}
