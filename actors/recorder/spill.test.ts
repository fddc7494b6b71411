import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { QueuedRow } from "./row-queue.ts";
import { TRADES } from "./rows.ts";
import { SpillDirectory, SpillReader } from "./spill.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "genesis-spill-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const rows = (from: number, n: number): QueuedRow[] =>
  Array.from({ length: n }, (_, i) => ({ table: TRADES, seq: from + i, values: ["BTCUSDT", 1e12 + i, 1e12 + i + 0.5, from + i, 100 + i / 3, Number.NaN, "buy"] }));

describe("spill files", () => {
  test("write then read back in batches, in order, with the header", async () => {
    const spill = new SpillDirectory(tempDir(), "s1", 1_700_000_000_000);
    const name = await spill.write(rows(0, 2_500), ["a", "b"]);
    expect(name).toBe("1700000000000-s1-000000.ndjson");
    const reader = await SpillReader.open(spill.path(name));
    expect(reader.header).toEqual({ genesisSpill: 1, session: "s1", featureNames: ["a", "b"] });
    const seen: number[] = [];
    for (let batch = await reader.next(1_000); batch.length > 0; batch = await reader.next(1_000)) {
      expect(batch.length).toBeLessThanOrEqual(1_000);
      for (const row of batch) seen.push(row.seq);
    }
    await reader.close();
    expect(seen).toEqual(rows(0, 2_500).map((r) => r.seq));
    expect(reader.corruptLines).toBe(0);
  });

  test("names sort in write order, after any leftover even if the clock went back", async () => {
    const dataDir = tempDir();
    const first = new SpillDirectory(dataDir, "old", 2_000_000_000_000);
    await first.write(rows(0, 1), []);
    await first.write(rows(1, 1), []);
    const second = new SpillDirectory(dataDir, "new", 1_000_000_000_000); // clock went back
    await second.write(rows(0, 1), []);
    const names = second.list();
    expect(names).toEqual(["2000000000000-old-000000.ndjson", "2000000000000-old-000001.ndjson", "2000000000001-new-000000.ndjson"]);
  });

  test("a line cut short by a crash is skipped and counted; the rows before it are read", async () => {
    const spill = new SpillDirectory(tempDir(), "s", 1);
    const name = await spill.write(rows(0, 3), []);
    const file = spill.path(name);
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, text.length - 10)); // the last row loses its tail
    const reader = await SpillReader.open(file);
    const back = await reader.next(10);
    expect(back.map((r) => r.seq)).toEqual([0, 1]);
    expect(reader.corruptLines).toBe(1);
    expect(reader.lastCorruption).toContain(name);
    await reader.close();
  });

  test("a file without a valid header is refused, naming it", async () => {
    const dir = tempDir();
    const file = path.join(dir, "bad.ndjson");
    appendFileSync(file, `{"t":1}\n`);
    await expect(SpillReader.open(file)).rejects.toThrow(/bad\.ndjson has no valid header/);
  });
});
