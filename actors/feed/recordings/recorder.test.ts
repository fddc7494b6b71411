/** The recorder: hftbacktest-format hour files per symbol that the reader gives back exactly, and I/O trouble counted, never thrown. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RawFrame } from "../../../src/switchboard.ts";
import { sharedDataFile } from "../../../src/shared-data.ts";
import { readHeadLines, readLineChunks } from "./lines.ts";
import { detectFormat, readRecording } from "./read.ts";
import { FrameRecorder, recordingFileName } from "./recorder.ts";

const root = mkdtempSync(path.join(tmpdir(), "genesis-recorder-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => path.join(root, `run-${dirCount++}`);

async function readAll(paths: string[]): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  for await (const batch of readRecording(paths)) frames.push(...batch);
  return frames;
}

const HOUR_MS = 3_600_000;

describe("FrameRecorder", () => {
  test("file names follow hftbacktest's, per symbol and UTC hour", () => {
    expect(recordingFileName("BTCUSDT", Date.UTC(2026, 0, 26, 14, 59, 59, 999))).toBe("btcusdt_20260126_14.gz");
    expect(recordingFileName(undefined, Date.UTC(2026, 0, 26, 15))).toBe("genesis_20260126_15.gz");
  });

  test("round trip on real frames across an hour boundary: same texts, symbols and receive times", async () => {
    const source = await readAll([sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz"), sharedDataFile("binance-usdm/hftbacktest/ethusdt_20240718.gz")]);
    const frames: RawFrame[] = [...source.slice(0, 6_000), { localTsMs: source[6_000]!.localTsMs, text: '{"result":null,"id":1}' }, ...source.slice(6_000, 12_000)];
    // The wall clock crosses 14:00 in the middle of the session.
    const dir = freshDir();
    let nowMs = 0;
    const recorder = new FrameRecorder({ dir, clock: () => nowMs, flushIntervalMs: 0 });
    const boundary = Date.UTC(2026, 0, 26, 14);
    frames.forEach((frame, i) => {
      nowMs = boundary - HOUR_MS / 2 + i * (HOUR_MS / frames.length);
      recorder.write(frame);
    });
    await recorder.close();
    expect(recorder.counts).toMatchObject({ framesWritten: frames.length, framesDropped: 0, errors: 0 });
    expect(readdirSync(dir).sort()).toEqual([
      "btcusdt_20260126_13.gz",
      "btcusdt_20260126_14.gz",
      "ethusdt_20260126_13.gz",
      "ethusdt_20260126_14.gz",
      "genesis_20260126_13.gz",
    ]);
    for (const file of recorder.paths) expect(detectFormat((await readHeadLines(file, 5)).join("\n"))).toBe("hftbacktest");

    const back = await readAll(recorder.paths);
    expect(back.length).toBe(frames.length);
    // Equal receive times may come back in another file order; compare as sorted (time, text) pairs, and the exact sequence per symbol.
    const key = (f: RawFrame) => `${f.localTsMs} ${f.symbol ?? ""} ${f.text}`;
    expect(back.map(key).sort()).toEqual(frames.map(key).sort());
    const snapshots = back.filter((f) => f.symbol !== undefined);
    expect(snapshots.map((f) => f.symbol).sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
    for (const symbol of ["btcusdt", "ethusdt"]) {
      const files = recorder.paths.filter((p) => path.basename(p).startsWith(symbol));
      const ofSymbol = (f: RawFrame) => f.symbol === symbol.toUpperCase() || f.text.startsWith(`{"stream":"${symbol}@`);
      expect(await readAll(files)).toEqual(frames.filter(ofSymbol));
    }
  });

  test("receive times: recorded ns text is within half a double's spacing of the original ns", async () => {
    const original: string[] = [];
    for await (const lines of readLineChunks(sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz"))) {
      original.push(...lines.filter((l) => l.length > 0).map((l) => l.slice(0, l.indexOf(" "))));
    }
    const dir = freshDir();
    const recorder = new FrameRecorder({ dir, clock: () => Date.UTC(2026, 0, 26, 14), flushIntervalMs: 0 });
    for (const frame of await readAll([sharedDataFile("binance-usdm/hftbacktest/btcusdt_20240718.gz")])) recorder.write(frame);
    await recorder.close();
    const recorded: string[] = [];
    for await (const lines of readLineChunks(recorder.paths[0]!)) recorded.push(...lines.filter((l) => l.length > 0).map((l) => l.slice(0, l.indexOf(" "))));
    expect(recorded.length).toBe(original.length);
    let worstNs = 0n;
    recorded.forEach((ns, i) => {
      const diff = BigInt(ns) - BigInt(original[i]!);
      if ((diff < 0n ? -diff : diff) > worstNs) worstNs = diff < 0n ? -diff : diff;
    });
    // 2024 epochs in ms as doubles are spaced 2^-12 ms = 244 ns apart.
    expect(worstNs).toBeLessThanOrEqual(123n);
  });

  test("an I/O error is counted and the caller never sees it; other files carry on", async () => {
    const dir = freshDir();
    const hour = Date.UTC(2026, 0, 26, 14);
    mkdirSync(path.join(dir, recordingFileName("BTCUSDT", hour)), { recursive: true });
    const errors: Error[] = [];
    const recorder = new FrameRecorder({ dir, clock: () => hour, flushIntervalMs: 0, onError: (e) => errors.push(e) });
    const btc = { localTsMs: hour, text: '{"stream":"btcusdt@trade","data":{}}' };
    const eth = { localTsMs: hour, text: '{"stream":"ethusdt@trade","data":{}}' };
    recorder.write(btc);
    await Bun.sleep(50);
    recorder.write(btc);
    recorder.write(eth);
    await recorder.close();
    expect(recorder.counts.errors).toBeGreaterThanOrEqual(1);
    expect(errors[0]!.message).toMatch(/EISDIR|directory/i);
    expect(recorder.counts.framesDropped).toBeGreaterThanOrEqual(1);
    expect(await readAll([path.join(dir, recordingFileName("ETHUSDT", hour))])).toEqual([eth]);
    recorder.write(eth);
    expect(recorder.counts.framesDropped).toBeGreaterThanOrEqual(2);
  });

  test("a stalled queue drops frames instead of growing without bound", async () => {
    const dir = freshDir();
    const recorder = new FrameRecorder({ dir, clock: () => Date.UTC(2026, 0, 26, 14), flushIntervalMs: 0, maxBufferedBytes: 1000 });
    const frame = { localTsMs: Date.UTC(2026, 0, 26, 14), text: `{"stream":"btcusdt@trade","data":"${"x".repeat(500)}"}` };
    for (let i = 0; i < 100; i++) recorder.write(frame);
    await recorder.close();
    const { framesWritten, framesDropped } = recorder.counts;
    expect(framesDropped).toBeGreaterThan(0);
    expect(framesWritten + framesDropped).toBe(100);
    expect((await readAll(recorder.paths)).length).toBe(framesWritten);
  });

  test("the periodic flush makes data readable before close; reopening an hour appends", async () => {
    const dir = freshDir();
    const hour = Date.UTC(2026, 0, 26, 14);
    const frame = (i: number) => ({ localTsMs: hour + i, text: `{"stream":"btcusdt@trade","data":{"t":${i}}}` });
    const first = new FrameRecorder({ dir, clock: () => hour, flushIntervalMs: 20 });
    first.write(frame(0));
    first.write(frame(1));
    await Bun.sleep(200);
    const file = path.join(dir, "btcusdt_20260126_14.gz");
    // Still open: a sync flush has put both lines on disk; the reader tolerates the unfinished gzip.
    expect(await readAll([file])).toEqual([frame(0), frame(1)]);
    await first.close();
    const second = new FrameRecorder({ dir, clock: () => hour, flushIntervalMs: 0 });
    second.write(frame(2));
    await second.close();
    expect(await readAll([file])).toEqual([frame(0), frame(1), frame(2)]);
  });
});
