/**
 * Test helper: feeds frames through the real decoder and one SymbolBook per
 * symbol, exactly as the book actor does, and reports gaps, crossed books
 * and counts. Symbols missing from src/symbols.ts get their spec from
 * `specs` (a recorded exchangeInfo) or from `guessSpec` on their first
 * snapshot; their messages wait for that snapshot, as the book would anyway.
 */
import { decodeFrame, type DepthDiffMsg, type SnapshotMsg } from "../../book/binance-decode.ts";
import { SymbolBook } from "../../book/symbol-book.ts";
import type { GapFact, MarketEvent, RawFrame, SymbolSpec } from "../../../src/switchboard.ts";
import { guessSpec, specFor } from "../../../src/symbols.ts";

export interface SyncReport {
  readonly books: Map<string, SymbolBook>;
  /** Gap facts (started and recovered). */
  readonly gaps: GapFact[];
  /** Times a book asked for a (new) REST snapshot. */
  snapshotRequests: number;
  /** Frames after which some book was crossed. */
  crossedFrames: number;
  readonly kinds: Record<string, number>;
  readonly malformed: string[];
  /** Book events per symbol (snapshots and applied diffs). */
  readonly updates: Record<string, number>;
  /** Decoded trades per aggressor side. */
  readonly tradeSides: { buy: number; sell: number };
}

export class BookSync {
  readonly report: SyncReport = {
    books: new Map(),
    gaps: [],
    snapshotRequests: 0,
    crossedFrames: 0,
    kinds: {},
    malformed: [],
    updates: {},
    tradeSides: { buy: 0, sell: 0 },
  };
  private readonly waiting = new Map<string, { msg: DepthDiffMsg | SnapshotMsg; localTsMs: number }[]>();
  private readonly out: MarketEvent[] = [];

  /**
   * `specs` override src/symbols.ts; `guessAll` ignores src/symbols.ts, for
   * historic data recorded under another tick size (BTCUSDT ticked 0.01 in 2020).
   */
  constructor(
    private readonly specs: Readonly<Record<string, SymbolSpec>> = {},
    private readonly guessAll = false,
  ) {}

  push(frames: readonly RawFrame[]): void {
    const { report } = this;
    for (const frame of frames) {
      const msg = decodeFrame(frame.text, frame.symbol);
      const kind = msg.kind === "ignored" ? msg.eventType : msg.kind;
      report.kinds[kind] = (report.kinds[kind] ?? 0) + 1;
      if (msg.kind === "malformed") report.malformed.push(msg.reason);
      if (msg.kind === "trade") report.tradeSides[msg.buyerIsMaker ? "sell" : "buy"]++;
      if (msg.kind !== "depth" && msg.kind !== "snapshot") continue;
      const book = this.bookFor(msg);
      if (book === undefined) this.waiting.get(msg.symbol)!.push({ msg, localTsMs: frame.localTsMs });
      else this.apply(book, msg, frame.localTsMs);
      if (book?.book.isCrossed) report.crossedFrames++;
    }
  }

  private bookFor(msg: DepthDiffMsg | SnapshotMsg): SymbolBook | undefined {
    const existing = this.report.books.get(msg.symbol);
    if (existing) return existing;
    let spec = this.specs[msg.symbol] ?? (this.guessAll ? undefined : specFor(msg.symbol));
    if (spec === undefined && msg.kind === "snapshot") spec = guessSpec(msg.symbol, msg.levels.prices, msg.levels.quantities);
    if (spec === undefined) {
      if (!this.waiting.has(msg.symbol)) this.waiting.set(msg.symbol, []);
      return undefined;
    }
    const book = new SymbolBook(
      spec,
      () => this.report.snapshotRequests++,
      (fact) => this.report.gaps.push(fact),
    );
    this.report.books.set(msg.symbol, book);
    for (const held of this.waiting.get(msg.symbol) ?? []) this.apply(book, held.msg, held.localTsMs);
    this.waiting.delete(msg.symbol);
    return book;
  }

  private apply(book: SymbolBook, msg: DepthDiffMsg | SnapshotMsg, localTsMs: number): void {
    this.out.length = 0;
    if (msg.kind === "depth") book.onDiff(msg, localTsMs, this.out);
    else book.onSnapshot(msg, localTsMs, this.out);
    this.report.updates[msg.symbol] = (this.report.updates[msg.symbol] ?? 0) + this.out.length;
  }
}
