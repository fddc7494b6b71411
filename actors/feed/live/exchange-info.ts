/**
 * Instrument specs from Binance's `GET /fapi/v1/exchangeInfo`: PRICE_FILTER
 * tickSize and LOT_SIZE stepSize, so the book counts prices in the
 * exchange's real ticks instead of guessing them from decimals.
 */
import type { SymbolSpec } from "../../../src/switchboard.ts";
import { DEFAULT_REST_BASE } from "./streams.ts";

interface ExchangeInfoSymbol {
  symbol?: unknown;
  filters?: { filterType?: unknown; tickSize?: unknown; stepSize?: unknown }[];
}

/** Specs by upper-case symbol; symbols without both filters are left out. */
export function parseExchangeInfo(body: unknown): Map<string, SymbolSpec> {
  const specs = new Map<string, SymbolSpec>();
  const symbols = (body as { symbols?: unknown })?.symbols;
  if (!Array.isArray(symbols)) throw new Error("exchangeInfo: no symbols array in the response");
  for (const entry of symbols as ExchangeInfoSymbol[]) {
    if (typeof entry?.symbol !== "string" || !Array.isArray(entry.filters)) continue;
    const price = entry.filters.find((f) => f?.filterType === "PRICE_FILTER");
    const lot = entry.filters.find((f) => f?.filterType === "LOT_SIZE");
    const tickSize = Number(price?.tickSize);
    const lotSize = Number(lot?.stepSize);
    if (tickSize > 0 && lotSize > 0) specs.set(entry.symbol.toUpperCase(), { symbol: entry.symbol.toUpperCase(), tickSize, lotSize });
  }
  return specs;
}

/** Fetches and parses exchangeInfo (weight 1). Throws, naming the status, when the exchange refuses. */
export async function fetchExchangeInfo(restBase: string = DEFAULT_REST_BASE, timeoutMs = 10_000): Promise<Map<string, SymbolSpec>> {
  const url = `${restBase.replace(/\/+$/, "")}/fapi/v1/exchangeInfo`;
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (!response.ok) throw new Error(`exchangeInfo: HTTP ${response.status} from ${url}: ${text.slice(0, 200)}`);
  return parseExchangeInfo(JSON.parse(text));
}
