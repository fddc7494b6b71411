/**
 * The exchange's books for every replayed symbol, and the record tests check
 * clients against: for every update id the exchange published, its best
 * `topLevels` levels per side; every `checkpointEvery` diffs, and at every
 * REST snapshot it served, the whole book.
 */
import type { SymbolSpec } from "../switchboard.ts";
import { decimalsOf, guessSpec, specFor } from "../symbols.ts";
import { type BookLevels, ExchangeBook } from "./exchange-book.ts";
import { type DiffData, snapshotOnLoop, type Timeline } from "./timeline.ts";

export interface MarketStateOptions {
  readonly topLevels?: number;
  readonly checkpointEvery?: number;
  /** Tick and lot sizes served by exchangeInfo; default src/symbols.ts, else guessed from the snapshot's decimals. */
  readonly specs?: Readonly<Record<string, SymbolSpec>>;
}

interface SymbolState {
  readonly book: ExchangeBook;
  readonly tops: Map<number, Float64Array>;
  readonly checkpoints: Map<number, BookLevels>;
  diffs: number;
  eventTimeMs: number;
  transactionTimeMs: number;
}

export class MarketState {
  readonly topLevels: number;
  readonly checkpointEvery: number;
  readonly specs: ReadonlyMap<string, SymbolSpec>;
  private readonly symbols = new Map<string, SymbolState>();

  constructor(
    private readonly timeline: Timeline,
    options: MarketStateOptions = {},
  ) {
    this.topLevels = options.topLevels ?? 20;
    this.checkpointEvery = options.checkpointEvery ?? 100;
    const specs = new Map<string, SymbolSpec>();
    for (const [symbol, snapshot] of timeline.snapshots) {
      const levels = [...snapshot.bids, ...snapshot.asks];
      const spec = options.specs?.[symbol] ?? specFor(symbol) ?? guessSpec(symbol, levels.map(([p]) => Number(p)), levels.map(([, q]) => Number(q)));
      specs.set(symbol, spec);
      this.symbols.set(symbol, { book: new ExchangeBook(symbol), tops: new Map(), checkpoints: new Map(), diffs: 0, eventTimeMs: 0, transactionTimeMs: 0 });
    }
    this.specs = specs;
    this.resetBooks(0);
  }

  has(symbol: string): boolean {
    return this.symbols.has(symbol);
  }

  /** Every book back to its recorded snapshot (ids shifted on later loops). */
  resetBooks(loop: number): void {
    for (const [symbol, state] of this.symbols) {
      const snapshot = snapshotOnLoop(this.timeline, this.timeline.snapshots.get(symbol)!, loop);
      state.book.reset(snapshot.lastUpdateId, snapshot.bids, snapshot.asks);
      state.eventTimeMs = snapshot.E;
      state.transactionTimeMs = snapshot.T;
      this.record(state, true);
    }
  }

  applyDiff(symbol: string, diff: DiffData): void {
    const state = this.symbols.get(symbol);
    if (!state) return;
    state.book.applyDiff(diff.u, diff.b, diff.a);
    state.eventTimeMs = diff.E;
    state.transactionTimeMs = diff.T;
    state.diffs++;
    this.record(state, state.diffs % this.checkpointEvery === 0);
  }

  /** The REST depth body for the book as it is now; the whole book is kept as a checkpoint at its id. */
  restBody(symbol: string, limit: number): string {
    const state = this.symbols.get(symbol)!;
    this.record(state, true);
    return state.book.restBody(limit, state.eventTimeMs, state.transactionTimeMs);
  }

  lastUpdateId(symbol: string): number {
    return this.symbols.get(symbol)?.book.lastUpdateId ?? -1;
  }

  /** Best levels at update id `u`: [bid prices, bid qty, ask prices, ask qty], `topLevels` each, NaN-padded. */
  topAt(symbol: string, u: number): Float64Array | undefined {
    return this.symbols.get(symbol)?.tops.get(u);
  }

  /** The whole book at `u`, if a checkpoint was kept there. */
  checkpointAt(symbol: string, u: number): BookLevels | undefined {
    return this.symbols.get(symbol)?.checkpoints.get(u);
  }

  /** The whole book now. */
  levels(symbol: string): BookLevels | undefined {
    return this.symbols.get(symbol)?.book.levels();
  }

  /** exchangeInfo body: PRICE_FILTER and LOT_SIZE per symbol, as Binance formats them. */
  exchangeInfoBody(nowMs: number, weightLimit: number): string {
    const symbols = [...this.specs.values()].map((spec) => {
      const tick = spec.tickSize.toFixed(decimalsOf(spec.tickSize));
      const step = spec.lotSize.toFixed(decimalsOf(spec.lotSize));
      return {
        symbol: spec.symbol,
        pair: spec.symbol,
        contractType: "PERPETUAL",
        status: "TRADING",
        baseAsset: spec.symbol.replace(/USDT$/, ""),
        quoteAsset: "USDT",
        pricePrecision: decimalsOf(spec.tickSize),
        quantityPrecision: decimalsOf(spec.lotSize),
        filters: [
          { filterType: "PRICE_FILTER", minPrice: tick, maxPrice: "1000000", tickSize: tick },
          { filterType: "LOT_SIZE", minQty: step, maxQty: "1000000", stepSize: step },
        ],
      };
    });
    return JSON.stringify({
      timezone: "UTC",
      serverTime: Math.floor(nowMs),
      futuresType: "U_MARGINED",
      rateLimits: [{ rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: weightLimit }],
      exchangeFilters: [],
      symbols,
    });
  }

  private record(state: SymbolState, checkpoint: boolean): void {
    const u = state.book.lastUpdateId;
    state.tops.set(u, state.book.top(this.topLevels));
    if (checkpoint) state.checkpoints.set(u, state.book.levels());
  }
}
