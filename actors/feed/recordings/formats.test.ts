/** Line formats on hand-made inputs: snapshot attribution in hftbacktest files, cryptofeed line kinds, bad lines counted. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RawFrame } from "../../../src/switchboard.ts";
import { newReadStats, readRecording, type ReadStats } from "./read.ts";

const dir = mkdtempSync(path.join(tmpdir(), "genesis-formats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, lines: string[], stats: ReadStats = newReadStats()): Promise<RawFrame[]> {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  const frames: RawFrame[] = [];
  for await (const batch of readRecording([file], { stats })) frames.push(...batch);
  return frames;
}

const SNAPSHOT = '{"lastUpdateId":10,"E":1,"T":1,"bids":[["1.0","1"]],"asks":[["2.0","1"]]}';
const diff = (sym: string) => `{"stream":"${sym}@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"${sym.toUpperCase()}","U":9,"u":11,"pu":8,"b":[],"a":[]}}`;

describe("hftbacktest snapshot attribution", () => {
  test("a snapshot before any stream frame waits for the file's symbol, and order is kept", async () => {
    const frames = await read("a.txt", [`1721347020000000000 ${SNAPSHOT}`, `1721347020000000001 {"stream":"!markPrice@arr","data":[]}`, `1721347020100000000 ${diff("xyzusdt")}`]);
    expect(frames.map((f) => [f.localTsMs, f.symbol])).toEqual([
      [1721347020000, "XYZUSDT"],
      [1721347020000.000001, undefined],
      [1721347020100, undefined],
    ]);
  });

  test("with no stream frame at all, a recorder-style file name names the symbol; otherwise it is counted as unattributed", async () => {
    expect((await read("ethusdt_20260126_14.gz", [`1721347020000000000 ${SNAPSHOT}`]))[0]!.symbol).toBe("ETHUSDT");
    const stats = newReadStats();
    const frames = await read("snapshot-only.txt", [`1721347020000000000 ${SNAPSHOT}`], stats);
    expect(frames).toEqual([{ localTsMs: 1721347020000, text: SNAPSHOT }]);
    expect(stats.unattributedSnapshots).toBe(1);
  });

  test("later snapshots take the symbol of the latest frame that named one", async () => {
    const frames = await read("b.txt", [`1721347020000000000 ${diff("aaausdt")}`, `1721347020000000005 ${SNAPSHOT}`]);
    expect(frames[1]!.symbol).toBe("AAAUSDT");
  });

  test("a recorded file may start with a frame that is not JSON", async () => {
    const frames = await read("e.txt", ["1721347020000000000 not json", `1721347020000000001 ${diff("aaausdt")}`]);
    expect(frames.map((f) => f.text)).toEqual(["not json", diff("aaausdt")]);
  });

  test("lines without a receive time are counted, not fatal", async () => {
    const stats = newReadStats();
    const frames = await read("c.txt", [`1721347020000000000 ${diff("aaausdt")}`, "garbage", `12x4 ${diff("aaausdt")}`, "", `1721347020000000009 not json`], stats);
    expect(frames.map((f) => f.text)).toEqual([diff("aaausdt"), "not json"]);
    expect(stats).toMatchObject({ lines: 5, frames: 2, malformedLines: 2, skippedLines: 1 });
  });
});

describe("cryptofeed lines", () => {
  test("configuration and connection lines are skipped, REST depth bodies become snapshots, other REST bodies are skipped", async () => {
    const stats = newReadStats();
    const frames = await read(
      "d.txt",
      [
        'configuration: {"l2_book":["XYZ-USDT"]}',
        "wss://fstream.binance.com/stream?streams=xyzusdt@depth@100ms <-> 1617647796.76969",
        `1617647797.5963788: ${diff("xyzusdt")}`,
        `https://fapi.binance.com/fapi/v1/depth?symbol=XYZUSDT&limit=1000 -> 1617647797.9072561: ${SNAPSHOT}`,
        'https://fapi.binance.com/fapi/v1/exchangeInfo -> 1617647798: {"symbols":[]}',
        "1617647798.1: ",
        "nonsense line",
      ],
      stats,
    );
    expect(frames.map((f) => [f.symbol, f.text])).toEqual([
      [undefined, diff("xyzusdt")],
      ["XYZUSDT", SNAPSHOT],
      [undefined, ""],
    ]);
    expect(frames[1]!.localTsMs).toBeCloseTo(1617647797907.2561, 4);
    expect(stats).toMatchObject({ skippedLines: 3, malformedLines: 1, frames: 3 });
  });
});
