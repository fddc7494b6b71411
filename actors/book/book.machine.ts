/**
 * The book actor: decodes feed frames, keeps each symbol's book in sync
 * (SymbolBook) and forwards one `book.updated` batch per feed batch to the
 * analytics actor. Its state says whether every book is live.
 *
 * Commands in: `feed.frames`. Commands out: `feed.fetchSnapshot` (to feed),
 * `book.updated` (to analytics). Facts emitted: `book.gap`.
 */
import { enqueueActions, setup } from "xstate";
import { actorRef } from "../../src/actor-system.ts";
import { ActorId, type FeedFramesEvent, type GapFact, type MarketEvent, type SymbolSpec } from "../../src/switchboard.ts";
import { RateLimitedLog } from "../../src/rate-limited-log.ts";
import { guessSpec, specFor } from "../../src/symbols.ts";
import { decodeFrame } from "./binance-decode.ts";
import { SymbolBook } from "./symbol-book.ts";

export interface BookCounters {
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

export interface BookContext {
  readonly books: Map<string, SymbolBook>;
  readonly symbols: ReadonlySet<string>;
  readonly counters: BookCounters;
  lastMalformed: string | null;
  readonly log: RateLimitedLog;
}

export type BookGapFact = { type: "book.gap"; gap: GapFact };

export const bookMachine = setup({
  types: {
    context: {} as BookContext,
    events: {} as FeedFramesEvent,
    emitted: {} as BookGapFact,
    input: {} as { symbols: readonly string[] },
  },
  guards: {
    allLive: ({ context }) => context.books.size === context.symbols.size && [...context.books.values()].every((b) => b.state === "live"),
    anyResyncing: ({ context }) => [...context.books.values()].some((b) => b.state === "resyncing"),
  },
  actions: {
    processFrames: enqueueActions(({ context, event, enqueue, system }) => {
      const out: MarketEvent[] = [];
      const gaps: GapFact[] = [];
      const snapshotsWanted = new Set<string>();
      const counters = context.counters;
      let tradesInBatch = 0;
      for (const frame of event.frames) {
        counters.frames++;
        const msg = decodeFrame(frame.text, frame.symbol);
        if (msg.kind === "malformed") {
          counters.malformed++;
          context.lastMalformed = msg.reason;
          context.log.log("malformed", `genesis: skipped a malformed frame: ${msg.reason}`);
          continue;
        }
        if (msg.kind === "ignored") {
          counters.ignored++;
          continue;
        }
        if (!context.symbols.has(msg.symbol)) {
          counters.unknownSymbol++;
          continue;
        }
        let book = context.books.get(msg.symbol);
        if (!book) {
          const symbol = msg.symbol;
          const spec: SymbolSpec =
            specFor(symbol) ??
            (msg.kind === "trade" ? guessSpec(symbol, [msg.price], [msg.qty]) : guessSpec(symbol, msg.levels.prices, msg.levels.quantities));
          book = new SymbolBook(
            spec,
            () => snapshotsWanted.add(symbol),
            (gap) => gaps.push(gap),
          );
          context.books.set(symbol, book);
        }
        if (msg.kind === "depth") book.onDiff(msg, frame.localTsMs, out);
        else if (msg.kind === "snapshot") book.onSnapshot(msg, frame.localTsMs, out);
        else {
          tradesInBatch++;
          out.push(book.trade(msg, frame.localTsMs));
        }
      }
      counters.trades += tradesInBatch;
      counters.bookUpdates += out.length - tradesInBatch;
      for (const gap of gaps) {
        context.log.log(`gap.${gap.symbol}.${gap.phase}`, `genesis: ${gap.symbol} book gap ${gap.phase} (${gap.reason}, expected pu=${gap.expectedPu}, got pu=${gap.gotPu}, u=${gap.u}${gap.staleMs === null ? "" : `, stale ${gap.staleMs.toFixed(0)} ms`})`);
        if (gap.phase === "started") counters.gaps++;
        else counters.staleMs += gap.staleMs ?? 0;
      }
      if (out.length > 0 || gaps.length > 0) enqueue.sendTo(actorRef(system, ActorId.analytics), { type: "book.updated", events: out, gaps });
      for (const gap of gaps) enqueue.emit({ type: "book.gap", gap });
      for (const symbol of snapshotsWanted) enqueue.sendTo(actorRef(system, ActorId.feed), { type: "feed.fetchSnapshot", symbol });
    }),
  },
}).createMachine({
  id: "book",
  context: ({ input }) => ({
    books: new Map(),
    symbols: new Set(input.symbols),
    counters: { frames: 0, malformed: 0, ignored: 0, trades: 0, bookUpdates: 0, gaps: 0, staleMs: 0, unknownSymbol: 0 },
    lastMalformed: null,
    log: new RateLimitedLog(),
  }),
  initial: "awaiting_snapshot",
  on: { "feed.frames": { actions: "processFrames" } },
  states: {
    awaiting_snapshot: { always: { guard: "allLive", target: "live" } },
    live: { always: { guard: "anyResyncing", target: "resyncing" } },
    resyncing: { always: { guard: "allLive", target: "live" } },
  },
});

