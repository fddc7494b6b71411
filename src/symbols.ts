/**
 * Instrument specifications (tick and lot sizes) as Binance USDT-M futures
 * publishes them in exchangeInfo. Unknown symbols fall back to a spec derived
 * from the prices seen, see `guessSpec`.
 */
import type { SymbolSpec } from "./switchboard.ts";

export const KNOWN_SYMBOLS: Readonly<Record<string, SymbolSpec>> = {
  BTCUSDT: { symbol: "BTCUSDT", tickSize: 0.1, lotSize: 0.001 },
  ETHUSDT: { symbol: "ETHUSDT", tickSize: 0.01, lotSize: 0.001 },
  SOLUSDT: { symbol: "SOLUSDT", tickSize: 0.01, lotSize: 0.01 },
  BNBUSDT: { symbol: "BNBUSDT", tickSize: 0.01, lotSize: 0.01 },
  XRPUSDT: { symbol: "XRPUSDT", tickSize: 0.0001, lotSize: 0.1 },
  DOGEUSDT: { symbol: "DOGEUSDT", tickSize: 0.00001, lotSize: 1 },
};

export const DEFAULT_SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;

export function specFor(symbol: string): SymbolSpec | undefined {
  return KNOWN_SYMBOLS[symbol.toUpperCase()];
}

/** Number of decimals in a tick or lot size, for formatting prices as Binance does. */
export function decimalsOf(step: number): number {
  if (!Number.isFinite(step)) return 0;
  const text = step.toString();
  if (text.includes("e-")) return Number(text.split("e-")[1]);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * Integer ticks per unit of price (10 for a 0.1 tick). Rounded when the
 * inverse is an integer, because 1 / 0.00001 is 99999.99999999999 in floating
 * point and prices must round-trip exactly: price = ticks / ticksPerUnit.
 */
export function ticksPerUnit(tickSize: number): number {
  const inverse = 1 / tickSize;
  const rounded = Math.round(inverse);
  return Math.abs(inverse - rounded) < 1e-9 * inverse ? rounded : inverse;
}

/**
 * A spec for a symbol missing from KNOWN_SYMBOLS (live mode reads the real
 * one from exchangeInfo): the finest decimals among the prices and
 * quantities seen, so no two real price levels can share a tick. A snapshot's
 * thousand levels reveal the real tick in practice.
 */
export function guessSpec(symbol: string, prices: ArrayLike<number>, quantities: ArrayLike<number>): SymbolSpec {
  const finest = (values: ArrayLike<number>) => {
    let decimals = 0;
    for (let i = 0; i < values.length; i++) decimals = Math.max(decimals, decimalsOf(values[i]!));
    return Math.min(decimals, 8);
  };
  return { symbol, tickSize: 10 ** -finest(prices), lotSize: 10 ** -finest(quantities) };
}
