/**
 * The book actor: decodes feed frames, keeps each symbol's book in sync
 * (SymbolBook) and forwards one `book.updated` batch per feed batch to the
 * analytics actor. Its state says whether every book is live.
 *
 * Commands in: `feed.frames`. Commands out: `feed.fetchSnapshot` (to feed),
 * `book.updated` (to analytics, and surveillance and inference when present).
 * Facts emitted: `book.gap`.
 */
import { assertEvent, enqueueActions, setup } from "xstate";
import { actorRef } from "../../src/actor-system.ts";
import { ActorId, type ActorCommands, type GapFact, type SymbolSpec } from "../../src/switchboard.ts";
import { BookDesk, type DeskCounters } from "./book-desk.ts";

export type BookCounters = DeskCounters;

export interface BookContext {
  readonly desk: BookDesk;
}

export type BookGapFact = { type: "book.gap"; gap: GapFact };

export const bookMachine = setup({
  types: {
    context: {} as BookContext,
    events: {} as ActorCommands["book"],
    emitted: {} as BookGapFact,
    input: {} as { symbols: readonly string[]; specs?: Readonly<Record<string, SymbolSpec>> },
  },
  guards: {
    allLive: ({ context: { desk } }) => desk.books.size === desk.symbols.size && [...desk.books.values()].every((b) => b.state === "live"),
    anyResyncing: ({ context: { desk } }) => [...desk.books.values()].some((b) => b.state === "resyncing"),
  },
  actions: {
    processFrames: enqueueActions(({ context, event, enqueue, system }) => {
      assertEvent(event, "feed.frames");
      const { events, gaps, snapshotsWanted } = context.desk.processBatch(event.frames);
      if (events.length > 0 || gaps.length > 0) {
        const batch = { type: "book.updated", events, gaps } as const;
        enqueue.sendTo(actorRef(system, ActorId.analytics), batch);
        // Surveillance reads the same ordered events; it is absent in the benchmarks that leave it out.
        const surveillance = system.get(ActorId.surveillance);
        if (surveillance && events.length > 0) enqueue.sendTo(surveillance, batch);
        const inference = system.get(ActorId.inference);
        if (inference && events.length > 0) enqueue.sendTo(inference, batch);
      }
      for (const gap of gaps) enqueue.emit({ type: "book.gap", gap });
      for (const symbol of snapshotsWanted) enqueue.sendTo(actorRef(system, ActorId.feed), { type: "feed.fetchSnapshot", symbol });
    }),
  },
}).createMachine({
  id: "book",
  context: ({ input }) => ({ desk: new BookDesk(new Set(input.symbols), input.specs ?? {}) }),
  initial: "awaiting_snapshot",
  on: {
    "feed.frames": { actions: "processFrames" },
    "book.reset": {
      target: ".awaiting_snapshot",
      actions: enqueueActions(({ context, enqueue, system }) => {
        context.desk.reset();
        enqueue.sendTo(actorRef(system, ActorId.analytics), { type: "analytics.reset" });
        const surveillance = system.get(ActorId.surveillance);
        if (surveillance) enqueue.sendTo(surveillance, { type: "surveillance.reset" });
        const inference = system.get(ActorId.inference);
        if (inference) enqueue.sendTo(inference, { type: "inference.reset" });
      }),
    },
  },
  states: {
    awaiting_snapshot: { always: { guard: "allLive", target: "live" } },
    live: { always: { guard: "anyResyncing", target: "resyncing" } },
    resyncing: { always: { guard: "allLive", target: "live" } },
  },
});

