/**
 * The trainer's parity fixture (models/default/parity.json, written with
 * PyTorch): our transform of its raw windows must equal its model inputs,
 * onnxruntime-node must reproduce PyTorch's probabilities, and our logistic
 * regression its baseline's. No PyTorch needed here.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { checkLogregFeatures, logregProbabilities, windowFeatures } from "./baselines.ts";
import { ROW_WIDTH_PER_LEVEL } from "./model-metadata.ts";
import { DEFAULT_MODEL_DIR, defaultModel } from "./test-model.ts";
import { RowWindow } from "./window.ts";

interface Parity {
  rawWindows: number[][][];
  inputs: number[];
  outputs: number[][];
  tolerance: number;
  logreg: { features: number[][]; probabilities: number[][] };
}

const parity = JSON.parse(readFileSync(path.join(DEFAULT_MODEL_DIR, "parity.json"), "utf8")) as Parity;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe("parity with the trainer (models/default)", () => {
  test("the fixture holds at least 8 real windows", () => {
    expect(parity.rawWindows.length).toBeGreaterThanOrEqual(8);
    expect(parity.outputs.length).toBe(parity.rawWindows.length);
  });

  test("our transform of the raw windows equals the trainer's inputs within 1e-5", async () => {
    const model = await defaultModel();
    const { windowEvents, levels } = model.meta;
    const inputs = new Float32Array(parity.rawWindows.length * model.inputSize);
    parity.rawWindows.forEach((rows, i) => {
      expect(rows.length).toBe(windowEvents);
      const window = new RowWindow(windowEvents, levels);
      for (const row of rows) window.push(row);
      window.writeInput(model.meta, inputs, i * model.inputSize);
    });
    expect(maxAbsDiff(inputs, parity.inputs)).toBeLessThanOrEqual(1e-5);
  });

  test("onnxruntime-node reproduces PyTorch's probabilities within the fixture's tolerance (1e-4)", async () => {
    const model = await defaultModel();
    const n = parity.outputs.length;
    const probabilities = await model.predict(Float32Array.from(parity.inputs), n);
    expect(parity.tolerance).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(probabilities, parity.outputs.flat())).toBeLessThanOrEqual(parity.tolerance);
    // Sanity: they are probabilities, and the test could tell a different model apart.
    for (let i = 0; i < n; i++) expect(probabilities[i * 3]! + probabilities[i * 3 + 1]! + probabilities[i * 3 + 2]!).toBeCloseTo(1, 5);
  });

  test("our logistic regression matches the trainer's baseline", async () => {
    const model = await defaultModel();
    const logreg = model.meta.baselines.logreg!;
    expect(logreg).not.toBeNull();
    checkLogregFeatures(logreg);
    const p = new Float64Array(3);
    parity.logreg.features.forEach((x, i) => {
      logregProbabilities(logreg, x, p);
      expect(maxAbsDiff(p, parity.logreg.probabilities[i]!)).toBeLessThanOrEqual(1e-9);
    });
  });

  test("our window features of the raw windows match the fixture's, when it gives one row per window", async () => {
    const model = await defaultModel();
    if (parity.logreg.features.length !== parity.rawWindows.length) return;
    const width = model.meta.levels * ROW_WIDTH_PER_LEVEL;
    const features = new Float64Array(7);
    parity.rawWindows.forEach((rows, i) => {
      windowFeatures(Float64Array.from(rows.flat()), width, rows.length - 1, rows.length, features);
      const expected = parity.logreg.features[i]!;
      for (let f = 0; f < 7; f++) expect(Math.abs(features[f]! - expected[f]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[f]!)));
    });
  });
});
