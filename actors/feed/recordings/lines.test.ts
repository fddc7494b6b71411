/** Line reading (gzip by magic bytes, concatenated members, truncation) and receive-time parsing. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { isGzipFile, readLineChunks } from "./lines.ts";
import { epochDigitsToMs, microsTextToMs, msToNsText, secondsTextToMs } from "./timestamps.ts";

const dir = mkdtempSync(path.join(tmpdir(), "genesis-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function linesOf(file: string, stats = { truncatedFiles: 0 }): Promise<string[]> {
  const all: string[] = [];
  for await (const chunk of readLineChunks(file, stats)) {
    expect(chunk.length).toBeGreaterThan(0);
    all.push(...chunk);
  }
  return all;
}

describe("readLineChunks", () => {
  test("gzip is told by its magic bytes, not the name", async () => {
    const gzipped = path.join(dir, "looks-plain.txt");
    const plain = path.join(dir, "looks-gzipped.gz");
    writeFileSync(gzipped, gzipSync("a\nb\n"));
    writeFileSync(plain, "a\r\nb");
    expect([await isGzipFile(gzipped), await isGzipFile(plain)]).toEqual([true, false]);
    expect(await linesOf(gzipped)).toEqual(["a", "b"]);
    expect(await linesOf(plain)).toEqual(["a", "b"]);
  });

  test("concatenated gzip members (an hour file appended after a restart) read as one text", async () => {
    const file = path.join(dir, "members.gz");
    writeFileSync(file, Buffer.concat([gzipSync("1 one\n2 two\n"), gzipSync("3 three\n")]));
    expect(await linesOf(file)).toEqual(["1 one", "2 two", "3 three"]);
  });

  test("a gzip file cut short yields its complete lines and counts the truncation", async () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `${i} ${"x".repeat(i % 50)}`).join("\n");
    const whole = gzipSync(text);
    const file = path.join(dir, "cut.gz");
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const stats = { truncatedFiles: 0 };
    const lines = await linesOf(file, stats);
    expect(stats.truncatedFiles).toBe(1);
    expect(lines.length).toBeGreaterThan(1_000);
    expect(lines.length).toBeLessThan(20_000);
    lines.forEach((line, i) => expect(line).toBe(`${i} ${"x".repeat(i % 50)}`));
  });

  test("a missing file is an error, not an empty recording", async () => {
    await expect(linesOf(path.join(dir, "missing.gz"))).rejects.toThrow(/ENOENT|no such file/);
  });

  test("lines longer than a read chunk arrive whole", async () => {
    const file = path.join(dir, "long.txt");
    const long = "y".repeat(3_000_000);
    writeFileSync(file, `short\n${long}\nend\n`);
    expect(await linesOf(file)).toEqual(["short", long, "end"]);
  });
});

describe("receive times", () => {
  test("integer epochs by magnitude: ns, us, ms", () => {
    expect(epochDigitsToMs("1721347020984480942")).toBe(1721347020984 + 0.480942);
    expect(epochDigitsToMs("1680652700423575")).toBe(1680652700423.575);
    expect(epochDigitsToMs("1680652700423")).toBe(1680652700423);
    expect(epochDigitsToMs("12a4")).toBeNaN();
    expect(epochDigitsToMs("")).toBeNaN();
  });

  test("cryptofeed seconds with any number of decimals", () => {
    expect(secondsTextToMs("1617647797.5963788")).toBeCloseTo(1617647797596.3788, 4);
    expect(secondsTextToMs("1617647797.5")).toBe(1617647797500);
    expect(secondsTextToMs("1617647797")).toBe(1617647797000);
    expect(secondsTextToMs("16176.47797.5")).toBeNaN();
    expect(microsTextToMs("1585699200355684")).toBe(1585699200355.684);
  });

  test("ms -> ns text -> ms is the identity for epoch times (every double from 2001 on)", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 100_000; i++) {
      const tsMs = 1e12 + random() * 3e12 + (i % 3 === 0 ? 0 : random());
      const text = msToNsText(tsMs);
      expect(text).toMatch(/^\d{19}$/);
      if (epochDigitsToMs(text) !== tsMs) throw new Error(`round trip lost ${tsMs} -> ${text} -> ${epochDigitsToMs(text)}`);
    }
    expect(msToNsText(1721347020984.5)).toBe("1721347020984500000");
    expect(() => msToNsText(Number.NaN)).toThrow(/tsMs=NaN/);
  });
});
