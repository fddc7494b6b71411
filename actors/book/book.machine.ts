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
import { ActorId, type FeedFramesEvent, type MarketEvent, type SymbolSpec } from "../../src/switchboard.ts";
import { guessSpec, specFor } from "../../src/symbols.ts";
import { decodeFrame } from "./binance-decode.ts";
import { type GapReport, SymbolBook } from "./symbol-book.ts";

export interface BookCounters {
  frames: number;
  malformed: number;
  ignored: number;
  trades: number;
  bookUpdates: number;
  gaps: number;
  unknownSymbol: number;
}

export interface BookContext {
  readonly books: Map<string, SymbolBook>;
  readonly symbols: ReadonlySet<string>;
  readonly counters: BookCounters;
  lastMalformed: string | null;
}

export type BookGapFact = { type: "book.gap"; gap: GapReport };

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
      const gaps: GapReport[] = [];
      const snapshotsWanted = new Set<string>();
      const counters = context.counters;
      let tradesInBatch = 0;
      for (const frame of event.frames) {
        counters.frames++;
        const msg = decodeFrame(frame.text, frame.symbol);
        if (msg.kind === "malformed") {
          counters.malformed++;
          context.lastMalformed = msg.reason;
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
          book = new SymbolBook(spec, (gap) => {
            if (gap) gaps.push(gap);
            snapshotsWanted.add(symbol);
          });
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
      counters.gaps += gaps.length;
      if (out.length > 0) enqueue.sendTo(actorRef(system, ActorId.analytics), { type: "book.updated", events: out });
      for (const gap of gaps) enqueue.emit({ type: "book.gap", gap });
      for (const symbol of snapshotsWanted) enqueue.sendTo(actorRef(system, ActorId.feed), { type: "feed.fetchSnapshot", symbol });
    }),
  },
}).createMachine({
  id: "book",
  context: ({ input }) => ({
    books: new Map(),
    symbols: new Set(input.symbols),
    counters: { frames: 0, malformed: 0, ignored: 0, trades: 0, bookUpdates: 0, gaps: 0, unknownSymbol: 0 },
    lastMalformed: null,
  }),
  initial: "awaiting_snapshot",
  on: { "feed.frames": { actions: "processFrames" } },
  states: {
    awaiting_snapshot: { always: { guard: "allLive", target: "live" } },
    live: { always: { guard: "anyResyncing", target: "resyncing" } },
    resyncing: { always: { guard: "allLive", target: "live" } },
  },
});

