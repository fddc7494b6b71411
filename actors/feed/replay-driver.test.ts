/**
 * ReplayDriver on real recordings: everything delivered once, in order, with
 * recorded times; pacing never early; pause, resume, speed and seek.
 * Timing asserts are lower bounds (never early) and generous upper bounds.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RawFrame } from "../../src/switchboard.ts";
import { sharedDataFile } from "../../src/shared-data.ts";
import { readLineChunks } from "./recordings/lines.ts";
import { readRecording } from "./recordings/read.ts";
import { type ReplayDriverOptions, ReplayDriver } from "./replay-driver.ts";
import { delivered, recordReplay, type ReplayRun } from "./replay.testkit.ts";

const BTC_DAY = [sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz"), sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240719.gz")];
const dir = mkdtempSync(path.join(tmpdir(), "genesis-replay-"));
/** The first 2 recorded seconds of btcusdt_20240718.gz (93 lines, the REST snapshot included), as raw lines. */
const slice = path.join(dir, "slice.txt");
const SLICE_SPAN_MS = 2_000;
let sliceFrames: RawFrame[] = [];

async function readAll(paths: string[]): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  for await (const batch of readRecording(paths)) frames.push(...batch);
  return frames;
}

beforeAll(async () => {
  const lines: string[] = [];
  let firstMs: number | undefined;
  outer: for await (const chunk of readLineChunks(BTC_DAY[0]!)) {
    for (const line of chunk) {
      const ms = Number(line.slice(0, 13));
      firstMs ??= ms;
      if (ms - firstMs >= SLICE_SPAN_MS) break outer;
      lines.push(line);
    }
  }
  writeFileSync(slice, `${lines.join("\n")}\n`);
  sliceFrames = await readAll([slice]);
  expect(sliceFrames.length).toBe(93);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function replay(options: ReplayDriverOptions, autostart = true): ReplayRun<ReplayDriver> {
  return recordReplay((sink) => new ReplayDriver(options, sink), autostart);
}

describe("ReplayDriver at max speed", () => {
  test("delivers every frame once, in order, with recorded times, in batches; deterministic", async () => {
    const expected = await readAll(BTC_DAY);
    const first = replay({ paths: BTC_DAY, speed: "max", batchFrames: 500 });
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    await first.done;
    clearInterval(ticker);
    expect(delivered(first)).toEqual(expected);
    expect(first.batches.every((b) => b.length >= 1 && b.length <= 500)).toBe(true);
    // Between batches the event loop runs other work (HTTP, SSE).
    expect(turns).toBeGreaterThan(10);
    expect(first.driver.position).toMatchObject({
      framesSent: expected.length,
      tsMs: expected.at(-1)!.localTsMs,
      startTsMs: expected[0]!.localTsMs,
      endTsMs: expected.at(-1)!.localTsMs,
      finished: true,
    });
    expect(first.driver.stats.frames).toBe(expected.length);
    const second = replay({ paths: BTC_DAY, speed: "max", batchFrames: 500 });
    await second.done;
    expect(second.batches.map((b) => b.length)).toEqual(first.batches.map((b) => b.length));
    expect(delivered(second)).toEqual(delivered(first));
  });

  test("a missing or unreadable file is reported through sink.error", async () => {
    const bad = path.join(dir, "bad.txt");
    writeFileSync(bad, "this is not a recording\n");
    await expect(replay({ paths: [bad], speed: "max" }).done).rejects.toThrow(/bad\.txt: unrecognised recording format/);
    await expect(replay({ paths: [path.join(dir, "absent.gz")], speed: "max" }).done).rejects.toThrow(/ENOENT|no such file/);
  });

  test("speed is validated; snapshot requests are counted, not fetched", () => {
    expect(() => new ReplayDriver({ paths: [slice], speed: 0 }, { frames() {}, finished() {} })).toThrow(/speed=0/);
    const driver = new ReplayDriver({ paths: [slice], speed: "max" }, { frames() {}, finished() {} });
    expect(() => driver.setSpeed(Number.NaN)).toThrow(/speed=NaN/);
    driver.requestSnapshot("BTCUSDT");
    driver.requestSnapshot("BTCUSDT");
    expect(driver.snapshotRequests.get("BTCUSDT")).toBe(2);
  });
});

describe("ReplayDriver paced", () => {
  test("speed 10: the 2 s slice takes at least 200 ms, no frame arrives before its scaled time", async () => {
    const t0 = performance.now();
    const run = replay({ paths: [slice], speed: 10 });
    await run.done;
    const elapsedMs = performance.now() - t0;
    expect(delivered(run)).toEqual(sliceFrames);
    const firstTsMs = sliceFrames[0]!.localTsMs;
    const lastTsMs = sliceFrames.at(-1)!.localTsMs;
    expect(elapsedMs).toBeGreaterThanOrEqual((lastTsMs - firstTsMs) / 10 - 5);
    expect(elapsedMs).toBeLessThan(5_000);
    const firstArrival = run.arrivals[0]!;
    sliceFrames.forEach((frame, i) => expect(run.arrivals[i]! - firstArrival).toBeGreaterThanOrEqual((frame.localTsMs - firstTsMs) / 10 - 5));
    // Paced: many small batches, not one.
    expect(run.batches.length).toBeGreaterThan(10);
  });

  test("pause holds every frame back; resume carries on from the same recorded time", async () => {
    const run = replay({ paths: [slice], speed: 10 });
    while (run.batches.length === 0) await Bun.sleep(1);
    run.driver.pause();
    const sentAtPause = run.driver.position.framesSent;
    expect(run.driver.position.paused).toBe(true);
    await Bun.sleep(300);
    expect(run.driver.position.framesSent).toBe(sentAtPause);
    const resumedAt = performance.now();
    run.driver.resume();
    await run.done;
    expect(delivered(run)).toEqual(sliceFrames);
    // The rest of the slice still takes its scaled time after the pause.
    const restMs = (sliceFrames.at(-1)!.localTsMs - sliceFrames[sentAtPause - 1]!.localTsMs) / 10;
    expect(performance.now() - resumedAt).toBeGreaterThanOrEqual(restMs - 30);
  });

  test("setSpeed to max finishes a slow replay at once", async () => {
    const t0 = performance.now();
    const run = replay({ paths: [slice], speed: 0.01 });
    while (run.batches.length === 0) await Bun.sleep(1);
    run.driver.setSpeed("max");
    await run.done;
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(delivered(run)).toEqual(sliceFrames);
    expect(run.driver.position.speed).toBe("max");
  });

  test("seek forward fast-forwards: frames before the target at once and all of them, then paced from the target", async () => {
    const target = sliceFrames[0]!.localTsMs + 1_700;
    const run = replay({ paths: [slice], speed: 1 }, false);
    run.driver.seek(target);
    const t0 = performance.now();
    run.driver.start();
    await run.done;
    const elapsedMs = performance.now() - t0;
    expect(delivered(run)).toEqual(sliceFrames);
    const before = sliceFrames.filter((f) => f.localTsMs < target).length;
    expect(before).toBeGreaterThan(60);
    // Everything before the target arrived well before its paced time (1.7 s at speed 1).
    expect(run.arrivals[before - 1]! - t0).toBeLessThan(1_000);
    expect(elapsedMs).toBeGreaterThanOrEqual(sliceFrames.at(-1)!.localTsMs - target - 5);
    expect(elapsedMs).toBeLessThan(1_500);
  });

  test("seek backward restarts from the beginning: rewound, then every frame again up to the target", async () => {
    const all = await readAll(BTC_DAY);
    const run = replay({ paths: BTC_DAY, speed: "max", batchFrames: 256 });
    await run.done;
    const target = all[3_000]!.localTsMs;
    const batchesBefore = run.batches.length;
    let finishedAgain!: () => void;
    const seekDone = new Promise<void>((resolve) => (finishedAgain = resolve));
    // Slow pacing after the target so we can look at the state there.
    run.driver.setSpeed(0.001);
    run.driver.seek(target);
    expect(run.rewinds).toBe(1);
    expect(run.driver.position.framesSent).toBe(0);
    const poll = setInterval(() => {
      if (run.driver.position.framesSent >= 3_001) finishedAgain();
    }, 5);
    await seekDone;
    clearInterval(poll);
    await Bun.sleep(50);
    const again = run.batches.slice(batchesBefore).flat();
    // Up to the target, and the frames recorded at the target itself (due at once when pacing resumes there).
    expect(again).toEqual(all.filter((f) => f.localTsMs <= target));
    expect(run.driver.position.tsMs).toBe(target);
    run.driver.stop();
  });

  test("seek forward while paused delivers up to the target and stays paused", async () => {
    const run = replay({ paths: [slice], speed: 1 });
    while (run.batches.length === 0) await Bun.sleep(1);
    run.driver.pause();
    const target = sliceFrames[0]!.localTsMs + 1_000;
    run.driver.seek(target);
    await Bun.sleep(100);
    expect(delivered(run)).toEqual(sliceFrames.filter((f) => f.localTsMs < target));
    expect(run.driver.position.paused).toBe(true);
    run.driver.setSpeed("max");
    run.driver.resume();
    await run.done;
    expect(delivered(run)).toEqual(sliceFrames);
  });

  test("stop ends delivery for good", async () => {
    const run = replay({ paths: [slice], speed: 1 });
    while (run.batches.length === 0) await Bun.sleep(1);
    run.driver.stop();
    const sent = run.driver.position.framesSent;
    await Bun.sleep(300);
    expect(run.driver.position.framesSent).toBe(sent);
    expect(sent).toBeLessThan(sliceFrames.length);
  });
});
