/**
 * Composes the actors into one XState system: feed -> book -> analytics ->
 * hub, each a long-lived child with a systemId (see switchboard.ts). This is
 * the only place that knows the whole topology.
 */
import { type Actor, createActor, enqueueActions, setup } from "xstate";
import { surveillanceMachine, type SurveillanceInput } from "../actors/surveillance/surveillance.machine.ts";
import { recorderMachine, recorderStatus, type RecorderContext, type RecorderInput } from "../actors/recorder/recorder.machine.ts";
import type { RecorderCounters } from "../actors/recorder/recorder-core.ts";
import { analyticsMachine, type AnalyticsContext, ffiNanoseconds } from "../actors/analytics/analytics.machine.ts";
import { FEATURE_NAMES } from "../actors/analytics/engine.ts";
import { bookMachine, type BookContext, type BookCounters, type BookGapFact } from "../actors/book/book.machine.ts";
import { feedMachine, type FeedInput, type PlaybackCommand } from "../actors/feed/feed.machine.ts";
import type { ReplayPosition } from "../actors/feed/replay-driver.ts";
import { Fanout } from "../actors/hub/fanout.ts";
import { hubMachine } from "../actors/hub/hub.machine.ts";
import { type InferenceContext, type InferenceInput, inferenceMachine } from "../actors/inference/inference.machine.ts";
import type { PredictorCounters } from "../actors/inference/predictor.ts";
import { actorRef } from "./actor-system.ts";
import { ActorId, type Engine, type Mode, type StatusFact, type SymbolSpec } from "./switchboard.ts";

export interface SystemConfig {
  readonly mode: Mode;
  readonly symbols: readonly string[];
  readonly engine: Engine;
  readonly feed: FeedInput;
  /** Instrument specs from the exchange (exchangeInfo); others come from src/symbols.ts or the data. */
  readonly specs?: Readonly<Record<string, SymbolSpec>>;
  readonly notionalUsd?: number;
  /** Market-manipulation detectors; absent: no surveillance (benchmarks of the bare pipeline). */
  readonly surveillance?: SurveillanceInput;
  /** A DeepLOB model over each symbol's book events; absent: no predictions. */
  readonly inference?: InferenceInput;
  /** Record into the database (the recorder listens to the hub's Fanout). */
  readonly recorder?: Omit<RecorderInput, "fanout">;
  /** How often a status fact is published; 0 disables it (benchmarks). */
  readonly statusIntervalMs?: number;
}

const rootMachine = setup({
  types: { context: {} as { config: SystemConfig; fanout: Fanout }, input: {} as { config: SystemConfig; fanout: Fanout } },
  actors: { feed: feedMachine, book: bookMachine, analytics: analyticsMachine, hub: hubMachine, surveillance: surveillanceMachine, recorder: recorderMachine, inference: inferenceMachine },
}).createMachine({
  id: "genesis",
  context: ({ input }) => input,
  // The recorder exists only when recording: spawned, not invoked, so it can be absent.
  entry: enqueueActions(({ context, enqueue }) => {
    const surveillance = context.config.surveillance;
    // A replay runs on the recording's clock alone (the same alerts at any speed, paused or seeking); live and
    // simulated markets run on the wall clock, so a quiet feed's held alerts still come out on time.
    if (surveillance) enqueue.spawnChild("surveillance", { id: ActorId.surveillance, systemId: ActorId.surveillance, input: { ...surveillance, clockTick: context.config.mode !== "replay" } });
    const inference = context.config.inference;
    if (inference) enqueue.spawnChild("inference", { id: ActorId.inference, systemId: ActorId.inference, input: inference });
    const recorder = context.config.recorder;
    if (recorder) enqueue.spawnChild("recorder", { id: ActorId.recorder, systemId: ActorId.recorder, input: { ...recorder, fanout: context.fanout } });
  }),
  invoke: [
    { id: ActorId.hub, systemId: ActorId.hub, src: "hub", input: ({ context }) => ({ fanout: context.fanout }) },
    {
      id: ActorId.analytics,
      systemId: ActorId.analytics,
      src: "analytics",
      input: ({ context }) => ({ engine: context.config.engine, notionalUsd: context.config.notionalUsd }),
    },
    { id: ActorId.book, systemId: ActorId.book, src: "book", input: ({ context }) => ({ symbols: context.config.symbols, specs: context.config.specs ?? {} }) },
    { id: ActorId.feed, systemId: ActorId.feed, src: "feed", input: ({ context }) => context.config.feed },
  ],
});

export interface ActorCounters {
  feedFrames: number;
  book: BookCounters;
  analytics: AnalyticsContext["counters"];
  hubPublished: number;
  ffiNs: number;
}

export class GenesisSystem {
  readonly fanout = new Fanout(FEATURE_NAMES);
  readonly featureNames = FEATURE_NAMES;
  readonly startedAtMs = Date.now();
  private readonly root: Actor<typeof rootMachine>;
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  private finishedListeners: (() => void)[] = [];

  constructor(readonly config: SystemConfig) {
    this.root = createActor(rootMachine, { input: { config, fanout: this.fanout } });
  }

  start(): this {
    this.root.start();
    this.child(ActorId.feed).on("feed.finished", () => {
      for (const listener of this.finishedListeners) listener();
    });
    const interval = this.config.statusIntervalMs ?? 1000;
    if (interval > 0) {
      this.publishStatus();
      this.statusTimer = setInterval(() => this.publishStatus(), interval);
    }
    return this;
  }

  /** Resolves when a full-speed feed with a frame limit has sent its last frame through the pipeline. */
  finished(): Promise<void> {
    return new Promise((resolve) => this.finishedListeners.push(resolve));
  }

  /** Replay playback: pause, resume, speed, seek. Ignored by other modes. */
  playback(command: PlaybackCommand): void {
    actorRef(this.root.system, ActorId.feed).send(command);
  }

  /** Where a replay stands, with the feed's state (running, paused, finished); null outside replay. */
  replayPosition(): (ReplayPosition & { state: string }) | null {
    const snapshot = this.root.system.get(ActorId.feed)?.getSnapshot();
    const position = snapshot?.context?.position as ReplayPosition | null | undefined;
    return position ? { ...position, state: String(snapshot.value) } : null;
  }

  onGap(listener: (fact: BookGapFact) => void): void {
    this.child(ActorId.book).on("book.gap", listener);
  }

  /** The recorder's counters, or null when not recording. */
  recorderCounters(): RecorderCounters | null {
    const context = this.root.system.get(ActorId.recorder)?.getSnapshot()?.context as RecorderContext | undefined;
    return context ? context.core.counters() : null;
  }

  /** Stops the feed first, then lets the recorder write (or spill) what it holds. */
  async stopGracefully(timeoutMs = 5000): Promise<void> {
    actorRef(this.root.system, ActorId.feed).send({ type: "feed.stop" });
    const recorder = this.root.system.get(ActorId.recorder);
    if (recorder && recorder.getSnapshot().status === "active") {
      const stopped = new Promise<void>((resolve) => {
        recorder.subscribe({ complete: () => resolve() });
      });
      recorder.send({ type: "recorder.stop", timeoutMs });
      await Promise.race([stopped, Bun.sleep(timeoutMs + 1000)]);
    }
    this.stop();
  }

  stop(): void {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.fanout.closeAll("server shutting down");
    this.inferenceContext()?.predictor.close();
    this.root.stop();
    const analytics = this.analyticsContext();
    for (const engine of analytics?.engines.values() ?? []) engine.dispose();
  }

  /** The lifecycle state of each actor, e.g. `{feed: "running", book: "live"}`. */
  actorStates(): Record<string, string> {
    const states: Record<string, string> = {};
    for (const id of Object.values(ActorId)) {
      const actor = this.root.system.get(id);
      const snapshot = actor?.getSnapshot();
      if (!snapshot) {
        // The recorder, surveillance and inference are optional; the others must exist.
        if (id !== ActorId.recorder && id !== ActorId.surveillance && id !== ActorId.inference) states[id] = "absent";
        continue;
      }
      states[id] = id === ActorId.recorder ? recorderStatus(snapshot.value) : snapshot.status === "active" ? String(snapshot.value) : snapshot.status;
    }
    return states;
  }

  counters(): ActorCounters {
    const desk = this.bookContext()?.desk;
    const analytics = this.analyticsContext();
    return {
      feedFrames: desk?.counters.frames ?? 0,
      book: desk?.counters ?? { frames: 0, malformed: 0, ignored: 0, trades: 0, bookUpdates: 0, gaps: 0, staleMs: 0, unknownSymbol: 0 },
      analytics: analytics?.counters ?? { batches: 0, bookUpdates: 0, trades: 0, featureRows: 0 },
      hubPublished: this.fanout.published,
      ffiNs: analytics ? ffiNanoseconds(analytics) : 0,
    };
  }

  /** Per-symbol book sync state for /health. */
  books(): Record<string, { state: string; lastUpdateId: number; bidLevels: number; askLevels: number }> {
    const out: Record<string, { state: string; lastUpdateId: number; bidLevels: number; askLevels: number }> = {};
    for (const [symbol, book] of this.bookContext()?.desk.books ?? []) {
      out[symbol] = { state: book.state, lastUpdateId: book.lastUpdateId, bidLevels: book.book.bids.count, askLevels: book.book.asks.count };
    }
    return out;
  }

  statusFact(): StatusFact {
    return { mode: this.config.mode, symbols: this.config.symbols, actors: this.actorStates(), tsMs: Date.now() };
  }

  private publishStatus(): void {
    actorRef(this.root.system, ActorId.hub).send({ type: "hub.publishStatus", status: this.statusFact() });
  }

  private child(id: ActorId) {
    const actor = this.root.system.get(id);
    if (!actor) throw new Error(`actor not found: systemId=${id}`);
    return actor;
  }

  /** The inference actor's counters, or null without a model. */
  inferenceCounters(): PredictorCounters | null {
    return this.inferenceContext()?.predictor.counters ?? null;
  }

  /** Resolves when no model run is in flight (a finished replay's last predictions have been published). */
  async inferenceIdle(): Promise<void> {
    await this.inferenceContext()?.predictor.idle();
  }

  private inferenceContext(): InferenceContext | undefined {
    return this.root.system.get(ActorId.inference)?.getSnapshot()?.context as InferenceContext | undefined;
  }

  private bookContext(): BookContext | undefined {
    return this.root.system.get(ActorId.book)?.getSnapshot()?.context as BookContext | undefined;
  }

  private analyticsContext(): AnalyticsContext | undefined {
    return this.root.system.get(ActorId.analytics)?.getSnapshot()?.context as AnalyticsContext | undefined;
  }
}
