/**
 * Every symbol's book behind one call per feed batch: decode each frame,
 * route it to its SymbolBook, and collect what the batch produced (book
 * updates and trades in arrival order, gap facts, snapshots wanted). Pure:
 * the book actor wraps it.
 *
 * A symbol's instrument spec is the exchange's (exchangeInfo, or
 * src/symbols.ts) when the prices fit its tick, else the finest decimals in
 * the data (historical recordings can predate a tick-size change). A book
 * first met through a trade has a provisional spec, checked again against
 * the first depth message's levels; it is replaced then if they do not fit
 * (the book holds nothing yet, and features start at the first snapshot).
 */
import type { GapFact, MarketEvent, RawFrame, SymbolSpec } from "../../src/switchboard.ts";
import { RateLimitedLog } from "../../src/rate-limited-log.ts";
import { guessSpec, specFor, ticksPerUnit } from "../../src/symbols.ts";
import type { decodeFrame } from "./binance-decode.ts";
import { fastDecodeFrame } from "./fast-decode.ts";
import { SymbolBook } from "./symbol-book.ts";

export interface DeskCounters {
  frames: number;
  malformed: number;
  ignored: number;
  trades: number;
  bookUpdates: number;
  gaps: number;
  /** Local milliseconds books spent stale, summed over recovered gaps. */
  staleMs: number;
  unknownSymbol: number;
}

export interface BatchResult {
  readonly events: MarketEvent[];
  readonly gaps: GapFact[];
  readonly snapshotsWanted: ReadonlySet<string>;
}

export class BookDesk {
  readonly books = new Map<string, SymbolBook>();
  readonly counters: DeskCounters = { frames: 0, malformed: 0, ignored: 0, trades: 0, bookUpdates: 0, gaps: 0, staleMs: 0, unknownSymbol: 0 };
  lastMalformed: string | null = null;
  /** Symbols whose book was created from a trade: spec not yet checked against depth levels. */
  private readonly provisional = new Set<string>();
  private batch: { gaps: GapFact[]; snapshotsWanted: Set<string> } = { gaps: [], snapshotsWanted: new Set() };

  constructor(
    readonly symbols: ReadonlySet<string>,
    private readonly specs: Readonly<Record<string, SymbolSpec>> = {},
    private readonly log = new RateLimitedLog(),
    private readonly decode: typeof decodeFrame = fastDecodeFrame,
  ) {}

  /** Forgets every book (a replay rewound to its beginning). */
  reset(): void {
    this.books.clear();
    this.provisional.clear();
  }

  processBatch(frames: readonly RawFrame[]): BatchResult {
    const events: MarketEvent[] = [];
    const batch = (this.batch = { gaps: [] as GapFact[], snapshotsWanted: new Set<string>() });
    const counters = this.counters;
    let trades = 0;
    for (const frame of frames) {
      counters.frames++;
      const msg = this.decode(frame.text, frame.symbol);
      if (msg.kind === "malformed") {
        counters.malformed++;
        this.lastMalformed = msg.reason;
        this.log.log("malformed", `genesis: skipped a malformed frame: ${msg.reason}`);
        continue;
      }
      if (msg.kind === "ignored") {
        counters.ignored++;
        continue;
      }
      if (!this.symbols.has(msg.symbol)) {
        counters.unknownSymbol++;
        continue;
      }
      let book = this.books.get(msg.symbol);
      if (msg.kind === "trade") {
        if (!book) {
          book = this.createBook(msg.symbol, [msg.price], [msg.qty]);
          this.provisional.add(msg.symbol);
        }
        events.push(book.trade(msg, frame.localTsMs));
        trades++;
        continue;
      }
      if (!book || (this.provisional.delete(msg.symbol) && !fitsTick(book.spec.tickSize, msg.levels.prices))) {
        book = this.createBook(msg.symbol, msg.levels.prices, msg.levels.quantities);
      }
      if (msg.kind === "depth") book.onDiff(msg, frame.localTsMs, events);
      else book.onSnapshot(msg, frame.localTsMs, events);
    }
    counters.trades += trades;
    counters.bookUpdates += events.length - trades;
    for (const gap of batch.gaps) {
      this.log.log(
        `gap.${gap.symbol}.${gap.phase}`,
        `genesis: ${gap.symbol} book gap ${gap.phase} (${gap.reason}, expected pu=${gap.expectedPu}, got pu=${gap.gotPu}, u=${gap.u}${gap.staleMs === null ? "" : `, stale ${gap.staleMs.toFixed(0)} ms`})`,
      );
      if (gap.phase === "started") counters.gaps++;
      else counters.staleMs += gap.staleMs ?? 0;
    }
    return { events, gaps: batch.gaps, snapshotsWanted: batch.snapshotsWanted };
  }

  private createBook(symbol: string, prices: ArrayLike<number>, quantities: ArrayLike<number>): SymbolBook {
    const spec = this.resolveSpec(symbol, prices, quantities);
    const book = new SymbolBook(
      spec,
      () => this.batch.snapshotsWanted.add(symbol),
      (gap) => this.batch.gaps.push(gap),
    );
    this.books.set(symbol, book);
    return book;
  }

  private resolveSpec(symbol: string, prices: ArrayLike<number>, quantities: ArrayLike<number>): SymbolSpec {
    const published = this.specs[symbol] ?? specFor(symbol);
    if (published && fitsTick(published.tickSize, prices)) return published;
    const guessed = guessSpec(symbol, prices, quantities);
    if (published) this.log.log(`spec.${symbol}`, `genesis: ${symbol} prices do not fit tick ${published.tickSize}; using ${guessed.tickSize} from the data`);
    return guessed;
  }
}

/** True when every price is a whole number of ticks (to within float noise). */
export function fitsTick(tickSize: number, prices: ArrayLike<number>): boolean {
  const perUnit = ticksPerUnit(tickSize);
  for (let i = 0; i < prices.length; i++) {
    const ticks = prices[i]! * perUnit;
    if (Math.abs(ticks - Math.round(ticks)) > 1e-9 * Math.abs(ticks) + 1e-6) return false;
  }
  return true;
}
