import { describe, expect, test } from "bun:test";
import { parseModelMetadata, expectedColumns } from "./model-metadata.ts";
import { RowWindow, transformRow, writeBookRow } from "./window.ts";

function metadata(levels: number, mean = 0, std = 1) {
  const width = levels * 4;
  return parseModelMetadata({
    format: "genesis-deeplob/1",
    name: "t",
    labels: ["up", "stationary", "down"],
    input: { name: "window", windowEvents: 3, levels, columns: expectedColumns(levels), priceTransform: "bpsFromMid", sizeTransform: "log1p", zscore: { mean: Array(width).fill(mean), std: Array(width).fill(std) } },
    horizon: { k: 2, alpha: 0.001, method: "meanNextK" },
  });
}

describe("book rows", () => {
  test("a full book: ask price, ask size, bid price, bid size per level", () => {
    const out = new Float64Array(8);
    expect(writeBookRow([99, 98], [1, 2], [101, 102], [3, 4], 2, out, 0)).toBe(true);
    expect([...out]).toEqual([101, 3, 99, 1, 102, 4, 98, 2]);
  });

  test("a shallow side repeats its last price with size 0; an empty side gives no row", () => {
    const out = new Float64Array(12);
    expect(writeBookRow([99], [1], [101, 102], [3, 4], 3, out, 0)).toBe(true);
    expect([...out]).toEqual([101, 3, 99, 1, 102, 4, 99, 0, 102, 0, 99, 0]);
    expect(writeBookRow([], [], [101], [3], 3, out, 0)).toBe(false);
  });

  test("extra levels beyond the model's are ignored", () => {
    const out = new Float64Array(4);
    writeBookRow([99, 98, 97], [1, 2, 3], [101, 102, 103], [3, 4, 5], 1, out, 0);
    expect([...out]).toEqual([101, 3, 99, 1]);
  });
});

describe("transform", () => {
  test("prices in bps from the row's mid, sizes ln(1+size), then the z-score", () => {
    const raw = [101, 3, 99, 1]; // mid 100
    const out = new Float64Array(4);
    transformRow(raw, 0, metadata(1), out, 0);
    expect(out[0]).toBeCloseTo(100, 10); // +1% = 100 bps
    expect(out[1]).toBeCloseTo(Math.log(4), 12);
    expect(out[2]).toBeCloseTo(-100, 10);
    expect(out[3]).toBeCloseTo(Math.log(2), 12);
    transformRow(raw, 0, metadata(1, 50, 2), out, 0);
    expect(out[0]).toBeCloseTo(25, 10);
    expect(out[2]).toBeCloseTo(-75, 10);
  });

  test("a zero std is floored at 1e-8, never a division by zero", () => {
    const meta = metadata(1, 0, 0);
    expect(meta.zscoreStd[0]).toBe(1e-8);
  });
});

describe("rolling window", () => {
  test("keeps the last `capacity` rows, oldest first in the model input", () => {
    const window = new RowWindow(3, 1);
    const meta = metadata(1);
    for (let i = 1; i <= 5; i++) window.push([100 + i, i, 100 - i, i]);
    expect(window.full).toBe(true);
    expect(window.pushed).toBe(5);
    expect([...window.row(0)]).toEqual([105, 5, 95, 5]);
    expect([...window.row(2)]).toEqual([103, 3, 97, 3]);
    const input = new Float32Array(12);
    window.writeInput(meta, input, 0);
    // Row order: 3, 4, 5 (bps of the ask from mid 100: 300, 400, 500).
    expect([input[0], input[4], input[8]].map((v) => Math.round(v!))).toEqual([300, 400, 500]);
    window.clear();
    expect(window.size).toBe(0);
  });
});
