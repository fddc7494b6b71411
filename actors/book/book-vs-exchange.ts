/**
 * Checks a rebuilt book against the exchange's own view: `bookTicker`
 * messages carry the best bid/ask and the update id they reflect. Used by
 * the correctness test and reportable as an agreement rate.
 */
import { readRecording } from "../feed/recordings/read.ts";
import type { SymbolSpec } from "../../src/switchboard.ts";
import { guessSpec, specFor } from "../../src/symbols.ts";
import { decodeFrame } from "./binance-decode.ts";
import { SymbolBook } from "./symbol-book.ts";

export interface AgreementReport {
  symbol: string;
  tickers: number;
  /** Tickers whose update id falls where the book's state is known: at or after a diff's `u`, before the next diff's `U`. */
  linedUp: number;
  agreed: number;
  mismatches: string[];
  gaps: number;
  appliedDiffs: number;
}

interface Top {
  bid: number;
  bidQty: number;
  ask: number;
  askQty: number;
}

interface SymbolTrace {
  readonly diffFirstId: number[];
  readonly diffLastId: number[];
  readonly tops: Top[];
  readonly tickers: { u: number; top: Top }[];
  book?: SymbolBook;
  gaps: number;
}

/**
 * Update ids are one counter shared by every symbol, so between two diffs of
 * a symbol (after `u` of one, before `U` of the next) its book does not
 * change: a bookTicker whose id falls there must match the book after the
 * first diff. Ids inside a diff's [U, u) are not observable from the
 * aggregated diff and are not compared.
 */
export async function bookTickerAgreement(paths: string[], specs: Record<string, SymbolSpec> = {}): Promise<AgreementReport[]> {
  const traces = new Map<string, SymbolTrace>();
  const trace = (symbol: string) => {
    let t = traces.get(symbol);
    if (!t) traces.set(symbol, (t = { diffFirstId: [], diffLastId: [], tops: [], tickers: [], gaps: 0 }));
    return t;
  };
  for await (const batch of readRecording(paths)) {
    for (const frame of batch) {
      if (frame.text.includes('"bookTicker"')) {
        const parsed = JSON.parse(frame.text);
        const data = parsed.data ?? parsed;
        trace(data.s).tickers.push({ u: data.u, top: { bid: Number(data.b), bidQty: Number(data.B), ask: Number(data.a), askQty: Number(data.A) } });
        continue;
      }
      const msg = decodeFrame(frame.text, frame.symbol);
      if (msg.kind !== "depth" && msg.kind !== "snapshot") continue;
      const t = trace(msg.symbol);
      if (!t.book) {
        const spec = specs[msg.symbol] ?? specFor(msg.symbol) ?? guessSpec(msg.symbol, msg.levels.prices, msg.levels.quantities);
        t.book = new SymbolBook(spec, () => {}, (gap) => {
          if (gap.phase === "started") t.gaps++;
        });
      }
      const book = t.book;
      const before = book.lastUpdateId;
      if (msg.kind === "depth") book.onDiff(msg, frame.localTsMs, []);
      else book.onSnapshot(msg, frame.localTsMs, []);
      if (book.state !== "live" || book.lastUpdateId === before || msg.kind !== "depth") continue;
      const { bids, asks } = book.book;
      const perUnit = 1 / book.spec.tickSize;
      t.diffFirstId.push(msg.firstUpdateId);
      t.diffLastId.push(book.lastUpdateId);
      t.tops.push({ bid: round(bids.priceTicks[0]! / perUnit), bidQty: bids.qty[0]!, ask: round(asks.priceTicks[0]! / perUnit), askQty: asks.qty[0]! });
    }
  }
  return [...traces.entries()].map(([symbol, t]) => compareTrace(symbol, t));
}

function compareTrace(symbol: string, t: SymbolTrace): AgreementReport {
  const r: AgreementReport = { symbol, tickers: t.tickers.length, linedUp: 0, agreed: 0, mismatches: [], gaps: t.gaps, appliedDiffs: t.tops.length };
  for (const { u, top } of t.tickers) {
    const k = lastAtOrBefore(t.diffLastId, u);
    if (k < 0 || k + 1 >= t.diffFirstId.length || t.diffFirstId[k + 1]! <= u) continue;
    r.linedUp++;
    const ours = t.tops[k]!;
    if (top.bid === ours.bid && top.bidQty === ours.bidQty && top.ask === ours.ask && top.askQty === ours.askQty) r.agreed++;
    else if (r.mismatches.length < 10) r.mismatches.push(`u=${u} exchange=${JSON.stringify(top)} ours=${JSON.stringify(ours)}`);
  }
  return r;
}

/** Index of the last element <= value in an ascending array, or -1. */
function lastAtOrBefore(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function round(price: number): number {
  return Number(price.toPrecision(12));
}
