import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { recordingPath } from "../../analytics/recorded-events.ts";
import { RecordingFormatError } from "../../feed/recordings/read.ts";
import { loadRecordingStreams, RecordingInputError } from "./recordings.ts";

const FILES = ["btcusdt_20240718.gz", "btcusdt_20240719.gz", "btcusdt_20230404.dat.gz", "btcusdt_20230405.dat.gz"];
const available = FILES.every((f) => existsSync(recordingPath(f)));

describe.skipIf(!available)("eval recordings", () => {
  test("a day cut at midnight is one synced stream; another day starts its own", async () => {
    const streams = await loadRecordingStreams(FILES);
    expect(streams.map((s) => s.files.map((f) => f.split("/").pop()))).toEqual([
      ["btcusdt_20230404.dat.gz", "btcusdt_20230405.dat.gz"],
      ["btcusdt_20240718.gz", "btcusdt_20240719.gz"],
    ]);
    for (const s of streams) {
      expect(s.spec.symbol).toBe("BTCUSDT");
      const books = s.events.filter((e) => e.kind === "book");
      // One snapshot at the start; the second file's diffs chain on the first's (no second reset, never stale).
      expect(books[0]!.kind === "book" && books[0]!.reset).toBe(true);
      expect(books.filter((b) => b.kind === "book" && b.reset).length).toBe(1);
      expect(books.some((b) => b.kind === "book" && b.stale)).toBe(false);
      // Past midnight: the stream runs on into the second file (each file is a few minutes).
      const spanMs = s.events.at(-1)!.exchTsMs - s.events[0]!.exchTsMs;
      expect(spanMs).toBeGreaterThan(7 * 60_000);
    }
  }, 60_000);

  test("a symbol whose files never carry a snapshot is refused, naming the files, as an input error", async () => {
    const refused = loadRecordingStreams(["btcusdt_20240719.gz"]);
    await expect(refused).rejects.toThrow(/no REST snapshot.*btcusdt_20240719/);
    await expect(refused).rejects.toBeInstanceOf(RecordingInputError);
  }, 30_000);

  test("a file that is no recording is a format error naming it", async () => {
    const junk = path.join(mkdtempSync(path.join(tmpdir(), "genesis-eval-")), "notes.txt");
    writeFileSync(junk, "not a recording\n");
    const refused = loadRecordingStreams([junk]);
    await expect(refused).rejects.toBeInstanceOf(RecordingFormatError);
    await expect(refused).rejects.toThrow(/notes\.txt: unrecognised recording format/);
  });
});
