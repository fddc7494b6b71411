/**
 * A replay driver under test with a recording sink: the batches it
 * delivered, each frame's arrival time, the positions and rewinds it
 * reported, and a promise that settles when it finishes or fails. Shared by
 * the file and the database replay tests (the same driver, other sources).
 */
import type { RawFrame } from "../../src/switchboard.ts";
import type { ReplayPosition, ReplaySink } from "./replay-driver.ts";

export interface ReplayRun<Driver> {
  readonly driver: Driver;
  readonly batches: RawFrame[][];
  /** Wall time (performance.now) at which each frame arrived. */
  readonly arrivals: number[];
  readonly positions: ReplayPosition[];
  rewinds: number;
  readonly done: Promise<void>;
}

/** Builds the driver with a recording sink and starts it unless `autostart` is false. */
export function recordReplay<Driver extends { start(): void }>(create: (sink: ReplaySink) => Driver, autostart = true): ReplayRun<Driver> {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => ([finish, fail] = [resolve, reject]));
  const batches: RawFrame[][] = [];
  const arrivals: number[] = [];
  const positions: ReplayPosition[] = [];
  const run: ReplayRun<Driver> = {
    batches,
    arrivals,
    positions,
    rewinds: 0,
    done,
    driver: create({
      frames: (frames) => {
        batches.push(frames);
        const now = performance.now();
        for (let i = 0; i < frames.length; i++) arrivals.push(now);
      },
      finished: () => finish(),
      position: (position) => positions.push(position),
      rewound: () => run.rewinds++,
      error: (error) => fail(error),
    }),
  };
  if (autostart) run.driver.start();
  return run;
}

/** Every frame delivered, in order. */
export const delivered = (run: ReplayRun<unknown>): RawFrame[] => run.batches.flat();
