/**
 * The surveillance console:
 *
 *   GET /alerts?symbol=&type=&minScore=&from=&to=&limit=   the list page (newest first, live)
 *   GET /alerts/:id                                       one alert, with the book around it
 *   GET /api/anomalies?...same filters...                 the list as JSON
 *   GET /api/anomalies/:id                                {alert, replay: {fromMs, toMs, levels, snapshots}}
 *
 * Alerts come from the database (recorded by the recorder); without one
 * (recording off) the API answers 503 naming why, and the pages say so with
 * the same status. Bad parameters are a 400 naming them (alerts-params.ts);
 * an unknown id is a 404.
 */
import { Elysia, t } from "elysia";
import type { AnomalyQueries, AnomalyRecord } from "../../src/db/anomalies.ts";
import { decimalsOf, specFor } from "../../src/symbols.ts";
import { parseAlertsQuery, type RawAlertsQuery } from "../alerts-params.ts";
import type { WebDeps } from "../deps.ts";
import { HttpError } from "../http.ts";
import { alertDetail, alertsPage } from "../partials/alerts.ts";
import { layout } from "../partials/layout.ts";

/** The replay shows this much book before the alert's start and after its end. */
export const REPLAY_MARGIN_MS = 10_000;
/** Most evidence levels the replay chart draws sizes for. */
export const MAX_REPLAY_LEVELS = 6;

export const ANOMALIES_UNAVAILABLE = "alerts are unavailable: this process does not record to a database (recording is off, e.g. --no-record)";

const JSON_TYPE = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };
const HTML_TYPE = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };

const AlertsQuery = t.Object({
  symbol: t.Optional(t.String()),
  type: t.Optional(t.String()),
  minScore: t.Optional(t.String()),
  from: t.Optional(t.String()),
  to: t.Optional(t.String()),
  limit: t.Optional(t.String()),
});

function requireAnomalies(deps: WebDeps): AnomalyQueries {
  if (deps.anomalies === undefined) throw new HttpError(503, "anomalies_unavailable", ANOMALIES_UNAVAILABLE);
  return deps.anomalies;
}

/** Database trouble is the service's, not the caller's: 503 with the reason. */
async function query<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(503, "anomalies_failed", `alerts query failed: ${message}`);
  }
}

/**
 * The prices the evidence names, for the replay chart's size-at-level
 * series: numbers under keys `price`/`px`/`levelPrice` (or arrays under
 * `prices`), and `priceTicks` scaled by the symbol's tick size, at any
 * depth. Detectors name their evidence freely; these are the spellings a
 * level's price goes by.
 */
export function evidencePrices(evidence: unknown, tickSize: number | null): number[] {
  const found = new Set<number>();
  const decimals = tickSize ? decimalsOf(tickSize) : 12;
  const add = (price: number) => {
    if (Number.isFinite(price) && price > 0 && found.size < MAX_REPLAY_LEVELS) found.add(Number(price.toFixed(decimals)));
  };
  const walk = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === "number" && /^(price|px|levelPrice)$/i.test(key)) add(v);
      else if (typeof v === "number" && /^(priceTicks|levelPriceTicks)$/i.test(key) && tickSize) add(v * tickSize);
      else if (Array.isArray(v) && /^prices$/i.test(key)) for (const p of v) typeof p === "number" && add(p);
      else walk(v, depth + 1);
    }
  };
  walk(evidence, 0);
  return [...found].sort((a, b) => a - b);
}

async function findAlert(anomalies: AnomalyQueries, id: string): Promise<AnomalyRecord> {
  const alert = await query(() => anomalies.byId(id));
  if (alert === null) throw new HttpError(404, "not_found", `no alert with id ${JSON.stringify(id)}`);
  return alert;
}

export function alertsRoutes(deps: WebDeps) {
  return new Elysia({ name: "genesis.alerts" })
    .get(
      "/api/anomalies",
      async ({ query: raw }) => {
        const anomalies = requireAnomalies(deps);
        const params = parseAlertsQuery(raw);
        const list = await query(() => anomalies.list(params));
        return new Response(JSON.stringify({ ...params, anomalies: list }), { headers: JSON_TYPE });
      },
      { query: AlertsQuery },
    )
    .get("/api/anomalies/:id", async ({ params }) => {
      const anomalies = requireAnomalies(deps);
      const alert = await findAlert(anomalies, params.id);
      const fromMs = alert.tsStart - REPLAY_MARGIN_MS;
      const toMs = alert.tsEnd + REPLAY_MARGIN_MS;
      const snapshots = await query(() => anomalies.book(alert.symbol, fromMs, toMs));
      const levels = evidencePrices(alert.evidence, specFor(alert.symbol)?.tickSize ?? null);
      return new Response(JSON.stringify({ alert, replay: { fromMs, toMs, levels, snapshots } }), { headers: JSON_TYPE });
    })
    .get(
      "/alerts",
      async ({ query: raw }) => {
        const params = parseAlertsQuery(raw);
        const view = { mode: deps.mode, query: params, raw: raw as RawAlertsQuery };
        if (deps.anomalies === undefined) {
          const page = alertsPage({ ...view, alerts: [], unavailable: ANOMALIES_UNAVAILABLE });
          return new Response(layout("Alerts · Genesis", page).value, { status: 503, headers: HTML_TYPE });
        }
        const anomalies = deps.anomalies;
        const alerts = await query(() => anomalies.list(params));
        return new Response(layout("Alerts · Genesis", alertsPage({ ...view, alerts })).value, { headers: HTML_TYPE });
      },
      { query: AlertsQuery },
    )
    .get("/alerts/:id", async ({ params }) => {
      const alert = await findAlert(requireAnomalies(deps), params.id);
      const spec = specFor(alert.symbol);
      const priceDecimals = spec ? decimalsOf(spec.tickSize) : null;
      const page = alertDetail({ mode: deps.mode, alert, fromMs: alert.tsStart - REPLAY_MARGIN_MS, toMs: alert.tsEnd + REPLAY_MARGIN_MS, priceDecimals });
      return new Response(layout(`${alert.type} ${alert.symbol} · Genesis`, page).value, { headers: HTML_TYPE });
    });
}
