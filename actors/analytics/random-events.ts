/**
 * Seeded random MarketEvent streams for the parity and batching tests (and a
 * synthetic benchmark): deltas near a drifting mid, removals, crossing and
 * far-away levels, emptied sides, resets (sometimes at a new price level),
 * trades, idle gaps longer than every window, slightly out-of-order times and
 * quantities that are not whole lots. Not a market model; a stress test.
 */
import { ASK, BID, type BookUpdate, type MarketEvent, type SymbolSpec, type Trade } from "../../src/switchboard.ts";

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomStreamOptions {
  events: number;
  spec: SymbolSpec;
  /** Mid in ticks at the start. */
  startMidTicks?: number;
}

export function randomEvents(seed: number, options: RandomStreamOptions): MarketEvent[] {
  const r = rng(seed);
  const { spec } = options;
  const int = (lo: number, hi: number) => Math.ceil(lo) + Math.floor(r() * (Math.floor(hi) - Math.ceil(lo) + 1));
  let mid = options.startMidTicks ?? int(50, 200_000);
  const spread = int(1, 20);
  let ts = 1_700_000_000_000 + int(0, 1e6);
  let u = 1;
  const events: MarketEvent[] = [];
  const live = [new Set<number>(), new Set<number>()];

  const qty = (): number => {
    const roll = r();
    if (roll < 0.05) return r() * spec.lotSize * 3; // not a whole number of lots
    return int(1, roll < 0.2 ? 100_000 : 2_000) * spec.lotSize;
  };
  const book = (reset: boolean, levels: [number, number, number][]): BookUpdate => {
    const n = levels.length;
    const side = new Uint8Array(n), price = new Float64Array(n), q = new Float64Array(n);
    levels.forEach(([s, p, x], i) => {
      side[i] = s;
      price[i] = p;
      q[i] = x;
      if (x > 0) live[s]!.add(p);
      else live[s]!.delete(p);
    });
    const empty = new Float64Array(0);
    return { kind: "book", symbol: spec.symbol, exchTsMs: ts, localTsMs: ts + 5, u: u++, reset, stale: false, levelSide: side, levelPriceTicks: price, levelQty: q, topBidPrice: empty, topBidQty: empty, topAskPrice: empty, topAskQty: empty };
  };
  const snapshot = (): BookUpdate => {
    live[0]!.clear();
    live[1]!.clear();
    const levels: [number, number, number][] = [];
    const depth = int(0, 60);
    for (let i = 0; i < depth; i++) {
      levels.push([BID, mid - spread - int(0, 3 * depth + 5), qty()]);
      levels.push([ASK, mid + int(0, 3 * depth + 5), qty()]);
    }
    if (r() < 0.1) levels.push([BID, Math.max(1, Math.floor(mid * 0.2)), qty()]);
    return book(true, levels);
  };

  if (r() < 0.8) events.push(snapshot());
  while (events.length < options.events) {
    const roll = r();
    ts += r() < 0.03 ? int(10_000, 70_000) : int(0, 400);
    if (r() < 0.02) ts -= int(1, 50); // a slightly out-of-order stamp
    mid = Math.max(spread + 2, mid + (r() < 0.3 ? int(-3, 3) : 0));
    if (roll < 0.3) {
      const buy = r() < 0.5;
      const trade: Trade = { kind: "trade", symbol: spec.symbol, exchTsMs: ts, localTsMs: ts + 3, tradeId: u++, priceTicks: buy ? mid + int(0, 2) : mid - spread - int(0, 2), price: 0, qty: qty(), side: buy ? "buy" : "sell" };
      events.push({ ...trade, price: trade.priceTicks * spec.tickSize });
    } else if (roll < 0.31) {
      if (r() < 0.5) mid = Math.max(spread + 2, mid + int(-mid / 2, mid / 2)); // a resync at a new level
      events.push(snapshot());
    } else if (roll < 0.32) {
      const s = r() < 0.5 ? BID : ASK; // empty one side
      events.push(book(false, [...live[s]!].map((p) => [s, p, 0] as [number, number, number])));
    } else {
      const levels: [number, number, number][] = [];
      const n = int(0, 12);
      for (let i = 0; i < n; i++) {
        const s = r() < 0.5 ? BID : ASK;
        const known = [...live[s]!];
        const kindRoll = r();
        let p: number;
        if (kindRoll < 0.35 && known.length > 0) p = known[int(0, known.length - 1)]!; // update or remove an existing level
        else if (kindRoll < 0.4) p = s === BID ? mid + int(0, 5) : mid - spread - int(0, 5); // crosses or improves the touch
        else if (kindRoll < 0.45) p = s === BID ? Math.max(1, mid - int(1_000, 100_000)) : mid + int(1_000, 300_000); // far away
        else p = s === BID ? mid - spread - int(0, 80) : mid + int(0, 80);
        levels.push([s, p, r() < 0.35 ? 0 : qty()]);
      }
      events.push(book(false, levels));
    }
  }
  return events;
}
