/**
 * The feed actor: the market's entry point. In sim mode it runs the market
 * simulator; replay and live arrive with their own drivers behind the same
 * messages. Frames go to the book actor in batches (`feed.frames`).
 *
 * Commands in: `feed.fetchSnapshot` (from book), `feed.stop`.
 * Facts emitted: `feed.finished` (full-speed runs with a frame limit).
 */
import { emit, fromCallback, sendTo, setup } from "xstate";
import { actorRef } from "../../src/actor-system.ts";
import { ActorId, type FeedCommand } from "../../src/switchboard.ts";
import { SimDriver, type SimDriverOptions } from "./sim-driver.ts";

export type FeedInput = { mode: "sim" } & SimDriverOptions;
type DriverEvent = { type: "driver.finished" };

const simSource = fromCallback<{ type: "feed.fetchSnapshot"; symbol: string }, FeedInput>(({ input, system, sendBack, receive }) => {
  const driver = new SimDriver(input, {
    frames: (frames) => actorRef(system, ActorId.book).send({ type: "feed.frames", frames }),
    finished: () => sendBack({ type: "driver.finished" } satisfies DriverEvent),
  });
  receive((command) => driver.sendSnapshot(command.symbol));
  driver.start();
  return () => driver.stop();
});

export const feedMachine = setup({
  types: {
    context: {} as { readonly input: FeedInput },
    events: {} as FeedCommand | DriverEvent,
    emitted: {} as { type: "feed.finished" },
    input: {} as FeedInput,
  },
  actors: { simSource },
}).createMachine({
  id: "feed",
  context: ({ input }) => ({ input }),
  initial: "running",
  states: {
    running: {
      invoke: { id: "source", src: "simSource", input: ({ context }) => context.input },
      on: {
        "feed.fetchSnapshot": { actions: sendTo("source", ({ event }) => event) },
        "driver.finished": { target: "finished" },
        "feed.stop": { target: "stopped" },
      },
    },
    finished: { entry: emit({ type: "feed.finished" as const }), type: "final" },
    stopped: { type: "final" },
  },
});
