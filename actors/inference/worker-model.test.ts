import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ModelError } from "./model-metadata.ts";
import { DEFAULT_MODEL_DIR, defaultModel } from "./test-model.ts";
import { WorkerModel } from "./worker-model.ts";

const parity = JSON.parse(readFileSync(path.join(DEFAULT_MODEL_DIR, "parity.json"), "utf8")) as { inputs: number[]; outputs: number[][] };
let worker: WorkerModel;

beforeAll(async () => {
  worker = await WorkerModel.load(DEFAULT_MODEL_DIR);
});
afterAll(() => worker?.dispose());

describe("the model on its own thread", () => {
  test("gives the in-place model's probabilities, batch by batch", async () => {
    const inPlace = await defaultModel();
    const inputs = Float32Array.from(parity.inputs);
    const n = parity.outputs.length;
    expect(worker.name).toBe(inPlace.name);
    expect(worker.inputSize).toBe(inPlace.inputSize);
    expect([...(await worker.predict(inputs, n))]).toEqual([...(await inPlace.predict(inputs, n))]);
  });

  test("answers concurrent requests each with its own result", async () => {
    const size = worker.inputSize;
    const inputs = Float32Array.from(parity.inputs);
    const results = await Promise.all([0, 1, 2, 3].map((i) => worker.predict(inputs.subarray(i * size, (i + 1) * size), 1)));
    results.forEach((p, i) => {
      for (let c = 0; c < 3; c++) expect(Math.abs(p[c]! - parity.outputs[i]![c]!)).toBeLessThanOrEqual(1e-4);
    });
  });

  test("the caller's buffer stays usable: the worker gets a copy", async () => {
    const inputs = Float32Array.from(parity.inputs);
    await worker.predict(inputs, 1);
    expect(inputs.length).toBe(parity.inputs.length);
    expect(inputs[0]).toBe(Math.fround(parity.inputs[0]!));
  });

  test("a bad model fails to load with the loader's error", async () => {
    const error = await WorkerModel.load(path.join(DEFAULT_MODEL_DIR, "..", "nonexistent")).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toContain("model not found");
  });
});
