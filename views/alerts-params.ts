/**
 * Query-string rules for the alerts page and `/api/anomalies`. Pure: every
 * rejection is a 400 whose message names the parameter and the value.
 * Times are epoch milliseconds or ISO-8601 (views/history-params.ts); both
 * are optional, because a replay's alerts carry the recording's times.
 */
import { ALERT_TYPES, type AlertType } from "../actors/surveillance/alert.ts";
import type { AnomalyListQuery } from "../src/db/anomalies.ts";
import { MAX_ANOMALIES } from "../src/db/anomalies.ts";
import { parseInstant } from "./history-params.ts";
import { badRequest } from "./http.ts";

export const DEFAULT_ANOMALIES_LIMIT = 200;
/** Binance symbols: upper-case letters and digits. Any such symbol may have recorded alerts, served or not. */
const SYMBOL = /^[A-Z0-9]{2,30}$/;

export interface RawAlertsQuery {
  symbol?: string;
  type?: string;
  minScore?: string;
  from?: string;
  to?: string;
  limit?: string;
}

const given = (raw: string | undefined): raw is string => raw !== undefined && raw.trim() !== "";

export function parseAlertsQuery(query: RawAlertsQuery): AnomalyListQuery {
  let symbol: string | null = null;
  if (given(query.symbol)) {
    symbol = query.symbol.trim().toUpperCase();
    if (!SYMBOL.test(symbol)) throw badRequest(`invalid symbol ${JSON.stringify(query.symbol)}: expected letters and digits such as BTCUSDT`);
  }
  let type: AlertType | null = null;
  if (given(query.type)) {
    const name = query.type.trim();
    if (!(ALERT_TYPES as readonly string[]).includes(name)) throw badRequest(`unknown type ${JSON.stringify(query.type)}; known: ${ALERT_TYPES.join(",")}`);
    type = name as AlertType;
  }
  let minScore = 0;
  if (given(query.minScore)) {
    minScore = /^\d{1,3}(\.\d+)?$/.test(query.minScore.trim()) ? Number(query.minScore.trim()) : Number.NaN;
    if (!(minScore >= 0 && minScore <= 100)) throw badRequest(`invalid minScore ${JSON.stringify(query.minScore)}: expected a number from 0 to 100`);
  }
  const fromMs = given(query.from) ? parseInstant("from", query.from.trim()) : null;
  const toMs = given(query.to) ? parseInstant("to", query.to.trim()) : null;
  if (fromMs !== null && toMs !== null && fromMs >= toMs) {
    throw badRequest(`from ${JSON.stringify(query.from)} must be before to ${JSON.stringify(query.to)}`);
  }
  let limit = DEFAULT_ANOMALIES_LIMIT;
  if (given(query.limit)) {
    limit = /^\d{1,6}$/.test(query.limit.trim()) ? Number(query.limit.trim()) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_ANOMALIES)) throw badRequest(`invalid limit ${JSON.stringify(query.limit)}: expected an integer from 1 to ${MAX_ANOMALIES}`);
  }
  return { symbol, type, minScore, fromMs, toMs, limit };
}
