/**
 * The recorded past, as JSON:
 *
 *   GET /api/history?symbol=&from=&to=&step=   bucketed mid, spread, imbalance, volume
 *   GET /api/trades?symbol=&from=&to=&limit=   trades, newest first
 *
 * `from`/`to`: epoch ms or ISO-8601 (default: the hour before now); `step`:
 * ms or `1s`/`1m`/`5m`/`1h`... (default: a round step giving at most ~720
 * buckets). Bad parameters are a 400 naming them (views/history-params.ts);
 * without a database (recording off) both answer 503 saying so. The
 * queries and the meaning of each field are src/db/history.ts's.
 */
import { Elysia, t } from "elysia";
import { HistoryQueryError, type HistoryQueries } from "../../src/db/history.ts";
import type { WebDeps } from "../deps.ts";
import { parseHistoryQuery, parseTradesQuery } from "../history-params.ts";
import { badRequest, HttpError } from "../http.ts";

const JSON_TYPE = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

const HistoryQuery = t.Object({
  symbol: t.Optional(t.String()),
  from: t.Optional(t.String()),
  to: t.Optional(t.String()),
  step: t.Optional(t.String()),
  limit: t.Optional(t.String()),
});

export const HISTORY_UNAVAILABLE = "history is unavailable: this process does not record to a database (recording is off, e.g. --no-record)";

function requireHistory(deps: WebDeps): HistoryQueries {
  if (deps.history === undefined) throw new HttpError(503, "history_unavailable", HISTORY_UNAVAILABLE);
  return deps.history;
}

/** Database trouble is the service's, not the caller's: 503 with the reason. */
async function query<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof HistoryQueryError) throw badRequest(error.message);
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(503, "history_failed", `history query failed: ${message}`);
  }
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: JSON_TYPE });
}

/** `nowMs` is the default `to` (tests pin it). */
export function historyRoutes(deps: WebDeps, nowMs: () => number = Date.now) {
  return new Elysia({ name: "genesis.history" })
    .get(
      "/api/history",
      async ({ query: raw }) => {
        const history = requireHistory(deps);
        const params = parseHistoryQuery(raw, deps.symbols, nowMs());
        const buckets = await query(() => history.series(params));
        return json({ ...params, buckets });
      },
      { query: HistoryQuery },
    )
    .get(
      "/api/trades",
      async ({ query: raw }) => {
        const history = requireHistory(deps);
        const params = parseTradesQuery(raw, deps.symbols, nowMs());
        const trades = await query(() => history.trades(params));
        return json({ ...params, trades });
      },
      { query: HistoryQuery },
    );
}
