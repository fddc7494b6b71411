/**
 * Test helpers: strict shape checks for Binance USDT-M futures frames (key
 * order, types, decimal formats), and a book rebuilt from a REST snapshot
 * plus diffs with the project's OrderBook. Checked against real recorded
 * frames in market-simulator.test.ts, so they encode Binance, not our output.
 */
import { expect } from "bun:test";
import { OrderBook } from "../../book/order-book.ts";
import { ASK, BID } from "../../../src/switchboard.ts";

export interface Decimals {
  readonly price: number;
  readonly qty: number;
}

const DEPTH_KEYS = ["e", "E", "T", "s", "U", "u", "pu", "b", "a"];
const TRADE_KEYS = ["e", "E", "T", "s", "t", "p", "q", "X", "m"];
const AGG_KEYS = ["e", "E", "a", "s", "p", "q", "f", "l", "T", "m"];
const SNAPSHOT_KEYS = ["lastUpdateId", "E", "T", "bids", "asks"];

function decimalPattern(decimals: number): RegExp {
  return decimals === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${decimals}}$`);
}

function expectId(value: unknown): void {
  expect(Number.isSafeInteger(value) && (value as number) >= 0).toBe(true);
}

/** [["price","qty"], ...]: strings in the contract's formats, prices strictly monotonic. */
export function expectLevels(levels: unknown, decimals: Decimals, order: "ascending" | "descending", zeroAllowed: boolean): void {
  expect(Array.isArray(levels)).toBe(true);
  const price = decimalPattern(decimals.price);
  const qty = decimalPattern(decimals.qty);
  let previous = Number.NaN;
  for (const level of levels as unknown[]) {
    expect(Array.isArray(level) && level.length === 2).toBe(true);
    const [p, q] = level as [string, string];
    expect(price.test(p) && qty.test(q)).toBe(true);
    if (!zeroAllowed) expect(Number(q)).toBeGreaterThan(0);
    if (!Number.isNaN(previous)) expect(order === "ascending" ? Number(p) > previous : Number(p) < previous).toBe(true);
    previous = Number(p);
  }
}

/** Parses a combined-stream frame and checks it against the stream's exact shape; returns its data. */
export function parseStreamFrame(text: string, decimals: Decimals): { stream: string; data: Record<string, any> } {
  const frame = JSON.parse(text);
  expect(Object.keys(frame)).toEqual(["stream", "data"]);
  const { stream, data } = frame;
  const [name, kind] = String(stream).split("@");
  expect(name).toBe(String(data.s).toLowerCase());
  expect(data.s).toMatch(/^[A-Z0-9]+$/);
  expect(Number.isSafeInteger(data.E) && Number.isSafeInteger(data.T)).toBe(true);
  if (kind === "depth") {
    expect(stream).toBe(`${name}@depth@0ms`);
    expect(Object.keys(data)).toEqual(DEPTH_KEYS);
    expect(data.e).toBe("depthUpdate");
    for (const id of [data.U, data.u, data.pu]) expectId(id);
    expect(data.U <= data.u && data.pu < data.U).toBe(true);
    expectLevels(data.b, decimals, "ascending", true);
    expectLevels(data.a, decimals, "ascending", true);
  } else if (kind === "trade") {
    expect(Object.keys(data)).toEqual(TRADE_KEYS);
    expect(data.e).toBe("trade");
    expectId(data.t);
    expect(decimalPattern(decimals.price).test(data.p) && decimalPattern(decimals.qty).test(data.q)).toBe(true);
    expect(Number(data.q)).toBeGreaterThan(0);
    expect(data.X).toBe("MARKET");
    expect(typeof data.m).toBe("boolean");
  } else if (kind === "aggTrade") {
    expect(Object.keys(data)).toEqual(AGG_KEYS);
    expect(data.e).toBe("aggTrade");
    for (const id of [data.a, data.f, data.l]) expectId(id);
    expect(data.f <= data.l).toBe(true);
    expect(decimalPattern(decimals.price).test(data.p) && decimalPattern(decimals.qty).test(data.q)).toBe(true);
    expect(typeof data.m).toBe("boolean");
  } else {
    throw new Error(`unexpected stream ${stream}`);
  }
  return frame;
}

export function parseSnapshot(text: string, decimals: Decimals): Record<string, any> {
  const snapshot = JSON.parse(text);
  expect(Object.keys(snapshot)).toEqual(SNAPSHOT_KEYS);
  expectId(snapshot.lastUpdateId);
  expect(Number.isSafeInteger(snapshot.E) && Number.isSafeInteger(snapshot.T)).toBe(true);
  expectLevels(snapshot.bids, decimals, "descending", false);
  expectLevels(snapshot.asks, decimals, "ascending", false);
  return snapshot;
}

/** A consumer-side book: REST snapshot, then diffs, in integer ticks. */
export class RebuiltBook {
  readonly book = new OrderBook();
  lastUpdateId: number;

  constructor(
    snapshot: Record<string, any>,
    readonly tickSize: number,
  ) {
    this.lastUpdateId = snapshot.lastUpdateId;
    for (const [p, q] of snapshot.bids) this.book.apply(BID, this.ticks(p), Number(q));
    for (const [p, q] of snapshot.asks) this.book.apply(ASK, this.ticks(p), Number(q));
  }

  ticks(price: string): number {
    return Math.round(Number(price) / this.tickSize);
  }

  /** Applies a diff that must chain on the last one (`pu`). */
  applyDiff(data: Record<string, any>): void {
    if (data.pu !== this.lastUpdateId) throw new Error(`gap: pu=${data.pu} expected ${this.lastUpdateId}`);
    for (const [p, q] of data.b) this.book.apply(BID, this.ticks(p), Number(q));
    for (const [p, q] of data.a) this.book.apply(ASK, this.ticks(p), Number(q));
    this.lastUpdateId = data.u;
  }

  /** [priceTicks, qty] per level, best first. */
  levels(side: number): [number, number][] {
    const s = this.book.side(side);
    return Array.from({ length: s.count }, (_, i) => [s.priceTicks[i]!, s.qty[i]!]);
  }
}
