/** Hand-built MarketEvents for tests: levels as [side, priceTicks, qty]. */
import type { AggressorSide, BookUpdate, SymbolSpec, Trade } from "../../src/switchboard.ts";

export type LevelTuple = readonly [side: number, priceTicks: number, qty: number];

const EMPTY = new Float64Array(0);

export function bookEvent(spec: SymbolSpec, exchTsMs: number, levels: readonly LevelTuple[], reset = false): BookUpdate {
  return {
    kind: "book",
    symbol: spec.symbol,
    exchTsMs,
    localTsMs: exchTsMs + 1,
    u: exchTsMs,
    reset,
    stale: false,
    levelSide: Uint8Array.from(levels.map((l) => l[0])),
    levelPriceTicks: Float64Array.from(levels.map((l) => l[1])),
    levelQty: Float64Array.from(levels.map((l) => l[2])),
    topBidPrice: EMPTY,
    topBidQty: EMPTY,
    topAskPrice: EMPTY,
    topAskQty: EMPTY,
  };
}

export function tradeEvent(spec: SymbolSpec, exchTsMs: number, priceTicks: number, qty: number, side: AggressorSide): Trade {
  return { kind: "trade", symbol: spec.symbol, exchTsMs, localTsMs: exchTsMs + 1, tradeId: exchTsMs, priceTicks, price: priceTicks * spec.tickSize, qty, side };
}

/** Relative tolerance 1e-9; NaN equals NaN. Returns a description of the first difference, or undefined. */
export function firstDifference(a: Float64Array, b: Float64Array, names: readonly string[], tolerance = 1e-9): string | undefined {
  if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (Number.isNaN(x) || Number.isNaN(y) || !(Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y)))) {
      return `${names[i]}: ${x} != ${y}`;
    }
  }
  return undefined;
}
