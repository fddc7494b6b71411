/**
 * The feed actor: the market's entry point. It runs one driver (simulator,
 * replay of recordings, or the live Binance connection) and sends its frames
 * to the book actor in batches (`feed.frames`). Replay adds playback states.
 *
 * Commands in: `feed.fetchSnapshot` (from book), `feed.stop`, and for replay
 * `feed.pause`, `feed.resume`, `feed.setSpeed`, `feed.seek`.
 * Facts emitted: `feed.finished` (a replay or a frame-limited sim ran out).
 */
import { assign, emit, fromCallback, sendTo, setup } from "xstate";
import { actorRef } from "../../src/actor-system.ts";
import { ActorId, type FeedCommand } from "../../src/switchboard.ts";
import { createDriver, type FeedInput, type PlaybackCommand } from "./drivers.ts";
import type { ReplayPosition } from "./replay-driver.ts";

export type { FeedInput, PlaybackCommand };

type SourceEvent = { type: "source.finished" } | { type: "source.position"; position: ReplayPosition };
type SourceCommand = Extract<FeedCommand, { type: "feed.fetchSnapshot" }> | PlaybackCommand;
type FeedEvent = Exclude<FeedCommand, PlaybackCommand> | PlaybackCommand | SourceEvent;

const source = fromCallback<SourceCommand, FeedInput>(({ input, system, sendBack, receive }) => {
  const driver = createDriver(input, {
    frames: (frames) => actorRef(system, ActorId.book).send({ type: "feed.frames", frames }),
    finished: () => sendBack({ type: "source.finished" } satisfies SourceEvent),
    position: (position) => sendBack({ type: "source.position", position } satisfies SourceEvent),
    rewound: () => actorRef(system, ActorId.book).send({ type: "book.reset" }),
    log: (line) => console.error(line),
  });
  receive((command) => {
    if (command.type === "feed.fetchSnapshot") driver.fetchSnapshot(command.symbol);
    else driver.playback(command);
  });
  driver.start();
  return () => void driver.stop();
});

export const feedMachine = setup({
  types: {
    context: {} as { readonly input: FeedInput; position: ReplayPosition | null },
    events: {} as FeedEvent,
    emitted: {} as { type: "feed.finished" },
    input: {} as FeedInput,
  },
  actors: { source },
  guards: { isReplay: ({ context }) => context.input.mode === "replay" },
}).createMachine({
  id: "feed",
  context: ({ input }) => ({ input, position: null }),
  // The source lives as long as the actor: a finished replay can still seek back.
  invoke: { id: "source", src: "source", input: ({ context }) => context.input },
  on: {
    "feed.fetchSnapshot": { actions: sendTo("source", ({ event }) => event) },
    "feed.setSpeed": { guard: "isReplay", actions: sendTo("source", ({ event }) => event) },
    "feed.seek": { guard: "isReplay", actions: sendTo("source", ({ event }) => event) },
    "source.position": { actions: assign({ position: ({ event }) => event.position }) },
    "feed.stop": { target: ".stopped" },
  },
  initial: "running",
  states: {
    running: {
      on: {
        "feed.pause": { guard: "isReplay", target: "paused", actions: sendTo("source", ({ event }) => event) },
        "source.finished": { target: "finished" },
      },
    },
    paused: {
      on: {
        "feed.resume": { target: "running", actions: sendTo("source", ({ event }) => event) },
        "source.finished": { target: "finished" },
      },
    },
    finished: {
      entry: emit({ type: "feed.finished" as const }),
      // A backward seek replays from the start; the driver's next position says whether it did.
      on: {
        "source.position": {
          guard: ({ event }) => !event.position.finished,
          target: "running",
          actions: assign({ position: ({ event }) => event.position }),
        },
      },
    },
    stopped: { type: "final" },
  },
});
