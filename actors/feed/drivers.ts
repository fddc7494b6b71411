/**
 * One interface over the three market sources, so the feed actor treats sim,
 * replay and live alike: start, stop, answer snapshot requests, and (replay)
 * take playback commands. Each driver pushes RawFrame batches to a sink.
 */
import type { RawFrame } from "../../src/switchboard.ts";
import type { Sql } from "postgres";
import { DbReplayDriver } from "./db-replay-driver.ts";
import { LiveDriver, type LiveDriverOptions } from "./live/live-driver.ts";
import { FrameRecorder } from "./recordings/recorder.ts";
import { ReplayDriver, type ReplayPosition, type ReplaySpeed } from "./replay-driver.ts";
import { SimDriver, type SimDriverOptions } from "./sim-driver.ts";

export type FeedInput =
  | ({ mode: "sim" } & SimDriverOptions & Recording)
  | ({ mode: "replay"; paths: readonly string[]; speed: ReplaySpeed; batchFrames?: number; fromDb?: DbReplaySource } & Recording)
  | ({ mode: "live" } & LiveDriverOptions & Recording);

/** Replay recorded book snapshots and trades from the database instead of files. */
export interface DbReplaySource {
  readonly sql: Sql;
  readonly symbols: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
}

interface Recording {
  /** Record every frame the feed delivers (hftbacktest format, gzip, hourly files). */
  readonly recordDir?: string;
}

export type PlaybackCommand =
  | { readonly type: "feed.pause" }
  | { readonly type: "feed.resume" }
  | { readonly type: "feed.setSpeed"; readonly speed: ReplaySpeed }
  | { readonly type: "feed.seek"; readonly tsMs: number };

export interface FeedSink {
  frames(frames: RawFrame[]): void;
  finished(): void;
  position(position: ReplayPosition): void;
  /** A replay restarted from the beginning: downstream state must be forgotten. */
  rewound(): void;
  log(line: string): void;
}

export interface FeedDriver {
  start(): void;
  stop(): Promise<void> | void;
  fetchSnapshot(symbol: string): void;
  /** Replay only; other drivers ignore playback. */
  playback(command: PlaybackCommand): void;
}

export function createDriver(input: FeedInput, sink: FeedSink): FeedDriver {
  const recorder = input.recordDir ? new FrameRecorder({ dir: input.recordDir }) : null;
  const frames = recorder
    ? (batch: RawFrame[]) => {
        for (const frame of batch) recorder.write(frame);
        sink.frames(batch);
      }
    : (batch: RawFrame[]) => sink.frames(batch);
  const closeRecorder = async () => {
    await recorder?.close();
  };

  switch (input.mode) {
    case "sim": {
      const driver = new SimDriver(input, { frames, finished: sink.finished });
      return {
        start: () => driver.start(),
        stop: async () => {
          driver.stop();
          await closeRecorder();
        },
        fetchSnapshot: (symbol) => driver.sendSnapshot(symbol),
        playback: () => {},
      };
    }
    case "replay": {
      const replaySink = {
        frames,
        finished: sink.finished,
        position: sink.position,
        rewound: sink.rewound,
        error: (error: Error) => sink.log(`genesis: replay failed: ${error.message}`),
      };
      const driver = input.fromDb
        ? new DbReplayDriver({ ...input.fromDb, speed: input.speed, batchFrames: input.batchFrames }, replaySink)
        : new ReplayDriver({ paths: input.paths, speed: input.speed, batchFrames: input.batchFrames }, replaySink);
      return {
        start: () => driver.start(),
        stop: async () => {
          driver.stop();
          await closeRecorder();
        },
        fetchSnapshot: (symbol) => driver.requestSnapshot(symbol),
        playback: (command) => {
          if (command.type === "feed.pause") driver.pause();
          else if (command.type === "feed.resume") driver.resume();
          else if (command.type === "feed.setSpeed") driver.setSpeed(command.speed);
          else driver.seek(command.tsMs);
        },
      };
    }
    case "live": {
      const driver = new LiveDriver(input, { frames: coalesced(frames), log: sink.log });
      return {
        start: () => {
          driver.start().catch((error: unknown) => sink.log(`genesis: live feed failed to start: ${String(error)}`));
        },
        stop: async () => {
          await driver.stop();
          await closeRecorder();
        },
        fetchSnapshot: (symbol) => driver.fetchSnapshot(symbol),
        playback: () => {},
      };
    }
  }
}

/**
 * Frames that arrive together (a burst of trades from one sweep, several
 * frames in one TCP read) are delivered as one batch on the next turn of the
 * event loop: the pipeline's per-message cost is paid once per burst rather
 * than per frame, which is what keeps the last frame of a burst fast.
 * (Microtasks would not do: they run after every websocket callback.)
 */
export function coalesced(deliver: (frames: RawFrame[]) => void): (frames: RawFrame[]) => void {
  let pending: RawFrame[] = [];
  return (frames) => {
    if (pending.length === 0) {
      setImmediate(() => {
        const batch = pending;
        pending = [];
        deliver(batch);
      });
    }
    for (const frame of frames) pending.push(frame);
  };
}
