/**
 * The recorder actor: owns a RecorderCore and models its lifecycle
 * (connecting -> recording <-> degraded -> stopping -> stopped). Rows never
 * pass through XState: when given the hub's Fanout, the actor subscribes
 * the core to it (`fanout.listen(items => core.offer(items))`) for as long
 * as it is active, and unsubscribes before it closes the core. Without a
 * Fanout, whoever owns the actor calls `core.offer` itself.
 *
 * Commands in: `recorder.stop` (optional `timeoutMs`: how long to keep
 * writing before spilling the rest). Facts emitted: `recorder.degraded`
 * (with the last error), `recorder.recovered`, `recorder.stopped` (with the
 * final counters). Metrics: `snapshot.context.core.counters()`.
 */
import { assign, emit, fromCallback, fromPromise, setup } from "xstate";
import type { ItemListener } from "../hub/fanout.ts";
import type { BatchWriter } from "./pg-writer.ts";
import { RecorderCore, type RecorderCounters, type RecorderOptions, type RecorderState } from "./recorder-core.ts";

export type RecorderCommand = { readonly type: "recorder.stop"; readonly timeoutMs?: number };

type CoreStateEvent = { readonly type: "recorder.coreState"; readonly state: RecorderState };

export type RecorderFact =
  | { readonly type: "recorder.degraded"; readonly error: string | null }
  | { readonly type: "recorder.recovered" }
  | { readonly type: "recorder.stopped"; readonly counters: RecorderCounters };

export interface RecorderInput {
  readonly writer: BatchWriter;
  readonly options: RecorderOptions;
  /** The hub's Fanout (or anything with its `listen`): the actor subscribes the core while active. */
  readonly fanout?: { listen(listener: ItemListener): () => void };
}

export interface RecorderContext {
  readonly core: RecorderCore;
  readonly fanout: RecorderInput["fanout"];
  closeTimeoutMs: number | undefined;
}

export const recorderMachine = setup({
  types: {
    context: {} as RecorderContext,
    events: {} as RecorderCommand | CoreStateEvent,
    emitted: {} as RecorderFact,
    input: {} as RecorderInput,
  },
  actors: {
    /** Starts the core, feeds it from the Fanout and relays its state; cleanup unsubscribes both. */
    runCore: fromCallback<CoreStateEvent, { core: RecorderCore; fanout: RecorderInput["fanout"] }>(({ input, sendBack }) => {
      const { core, fanout } = input;
      const unlisten = fanout?.listen((items) => core.offer(items));
      const offState = core.onStateChange((state) => sendBack({ type: "recorder.coreState", state }));
      core.start();
      if (core.state !== "connecting") sendBack({ type: "recorder.coreState", state: core.state });
      return () => {
        unlisten?.();
        offState();
      };
    }),
    closeCore: fromPromise<void, { core: RecorderCore; timeoutMs: number | undefined }>(({ input }) => input.core.close(input.timeoutMs)),
  },
  guards: {
    coreOk: ({ event }) => event.type === "recorder.coreState" && event.state === "ok",
    coreDegraded: ({ event }) => event.type === "recorder.coreState" && event.state === "degraded",
  },
}).createMachine({
  id: "recorder",
  context: ({ input }) => ({ core: new RecorderCore(input.writer, input.options), fanout: input.fanout, closeTimeoutMs: undefined }),
  initial: "active",
  states: {
    active: {
      invoke: { src: "runCore", input: ({ context }) => ({ core: context.core, fanout: context.fanout }) },
      on: {
        "recorder.stop": { target: "stopping", actions: assign({ closeTimeoutMs: ({ event }) => event.timeoutMs }) },
      },
      initial: "connecting",
      states: {
        connecting: {
          on: {
            "recorder.coreState": [
              { guard: "coreOk", target: "recording" },
              { guard: "coreDegraded", target: "degraded" },
            ],
          },
        },
        recording: {
          on: { "recorder.coreState": { guard: "coreDegraded", target: "degraded" } },
        },
        degraded: {
          entry: emit(({ context }) => ({ type: "recorder.degraded" as const, error: context.core.lastError })),
          on: {
            "recorder.coreState": { guard: "coreOk", target: "recording", actions: emit({ type: "recorder.recovered" as const }) },
          },
        },
      },
    },
    stopping: {
      invoke: {
        src: "closeCore",
        input: ({ context }) => ({ core: context.core, timeoutMs: context.closeTimeoutMs }),
        onDone: "stopped",
        onError: "stopped", // close() does not reject; should it, the actor still ends
      },
    },
    stopped: {
      type: "final",
      entry: emit(({ context }) => ({ type: "recorder.stopped" as const, counters: context.core.counters() })),
    },
  },
});

/** The actor's state as /health shows it: "connecting" | "recording" | "degraded" | "stopping" | "stopped". */
export function recorderStatus(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "active" in value) return String((value as { active: unknown }).active);
  return String(value);
}
