/**
 * Query-string rules for the SSE feed and the dashboard. Pure: every
 * rejection is a 400 whose message names the parameter and the value.
 */
import { HUB_EVENTS, type HubEventName } from "../actors/hub/fanout.ts";
import { badRequest } from "./http.ts";

export const MAX_THROTTLE_MS = 10_000;

export interface SseParams {
  /** null: every served symbol. */
  readonly symbols: ReadonlySet<string> | null;
  readonly events: ReadonlySet<HubEventName>;
  /** 0: no conflation. */
  readonly throttleMs: number;
}

export interface RawSseQuery {
  symbols?: string;
  events?: string;
  throttleMs?: string;
}

/** Comma list; empty items (a trailing comma) are ignored, an empty list is an error. */
function splitList(name: string, raw: string): string[] {
  const items = raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) throw badRequest(`empty ${name}: give a comma-separated list`);
  return items;
}

/** Normalises a symbol to the served spelling (upper case) or throws naming `param`. */
export function servedSymbol(param: string, raw: string, served: readonly string[]): string {
  const trimmed = raw.trim();
  const symbol = served.includes(trimmed) ? trimmed : trimmed.toUpperCase();
  if (!served.includes(symbol)) {
    throw badRequest(`unknown symbol ${JSON.stringify(raw)} in ${param}; served: ${served.join(",")}`);
  }
  return symbol;
}

export function parseThrottleMs(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  const value = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= MAX_THROTTLE_MS)) {
    throw badRequest(`invalid throttleMs ${JSON.stringify(raw)}: expected an integer from 0 to ${MAX_THROTTLE_MS}`);
  }
  return value;
}

export function parseSseQuery(query: RawSseQuery, served: readonly string[]): SseParams {
  let symbols: Set<string> | null = null;
  if (query.symbols !== undefined) {
    symbols = new Set(splitList("symbols", query.symbols).map((s) => servedSymbol("symbols", s, served)));
  }
  let events = new Set<HubEventName>(HUB_EVENTS);
  if (query.events !== undefined) {
    events = new Set();
    for (const name of splitList("events", query.events)) {
      if (!(HUB_EVENTS as readonly string[]).includes(name)) {
        throw badRequest(`unknown event ${JSON.stringify(name)} in events; known: ${HUB_EVENTS.join(",")}`);
      }
      events.add(name as HubEventName);
    }
  }
  return { symbols, events, throttleMs: parseThrottleMs(query.throttleMs) };
}

/** The dashboard's `?symbol=`: absent means the first served symbol. */
export function parseDashboardSymbol(raw: string | undefined, served: readonly string[]): string {
  if (served.length === 0) throw badRequest("this process serves no symbols");
  if (raw === undefined || raw === "") return served[0]!;
  return servedSymbol("symbol", raw, served);
}
