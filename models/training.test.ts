/**
 * Training smoke test: models/train.py --smoke trains DeepLOB for a few
 * batches on a slice of LOBSTER GOOG, exports a model folder, and the folder
 * keeps the genesis-deeplob/1 contract (model.json, parity.json, an ONNX
 * graph that onnxruntime-node runs to the trainer's own outputs).
 * Skipped where Debian's /usr/bin/python3 cannot import torch.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";

const PYTHON = "/usr/bin/python3";
const hasTorch = existsSync(PYTHON) && Bun.spawnSync([PYTHON, "-c", "import torch"]).exitCode === 0;
const trainScript = path.join(import.meta.dir, "train.py");

interface Parity {
  windows: number;
  tolerance: number;
  rawWindows: number[][][];
  inputs: number[];
  outputs: number[][];
  logreg: { features: number[][]; probabilities: number[][] };
}

describe.skipIf(!hasTorch)("models/train.py --smoke", () => {
  let out = "";
  let run: ReturnType<typeof Bun.spawnSync>;

  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), "deeplob-smoke-"));
    run = Bun.spawnSync(["nice", "-n", "10", PYTHON, trainScript, "--smoke", "--out", out], { stderr: "pipe", stdout: "pipe", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test("exits 0 and writes the three files", () => {
    if (run.exitCode !== 0) throw new Error(`train.py --smoke failed (${run.exitCode}): ${String(run.stderr ?? "").slice(-2000)}`);
    for (const file of ["model.onnx", "model.json", "parity.json"]) expect(statSync(path.join(out, file)).size).toBeGreaterThan(1000);
  });

  test("model.json keeps the contract", () => {
    const meta = JSON.parse(readFileSync(path.join(out, "model.json"), "utf8"));
    expect(meta.format).toBe("genesis-deeplob/1");
    expect(meta.labels).toEqual(["up", "stationary", "down"]);
    expect(meta.input.columns).toHaveLength(40);
    expect(meta.input.columns.slice(0, 4)).toEqual(["askPrice1", "askSize1", "bidPrice1", "bidSize1"]);
    expect(meta.input.zscore.mean).toHaveLength(40);
    expect(meta.input.zscore.std.every((s: number) => s > 0)).toBe(true);
    expect(meta.horizon.method).toBe("meanNextK");
    expect(meta.baselines.logreg.weights).toHaveLength(3);
    expect(meta.baselines.logreg.weights[0]).toHaveLength(meta.baselines.logreg.features.length);
    expect(meta.training.secondsPerEpoch).toBeGreaterThan(0);
  });

  test("parity.json has real windows and probability rows summing to 1", () => {
    const parity = JSON.parse(readFileSync(path.join(out, "parity.json"), "utf8")) as Parity;
    expect(parity.rawWindows.length).toBeGreaterThanOrEqual(8);
    expect(parity.rawWindows[0]).toHaveLength(100);
    expect(parity.rawWindows[0]![0]).toHaveLength(40);
    expect(parity.inputs).toHaveLength(parity.rawWindows.length * 100 * 40);
    expect(parity.outputs).toHaveLength(parity.rawWindows.length);
    for (const row of [...parity.outputs, ...parity.logreg.probabilities]) {
      expect(row).toHaveLength(3);
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    }
  });

  test("onnxruntime-node reproduces the PyTorch outputs of the smoke model", async () => {
    const parity = JSON.parse(readFileSync(path.join(out, "parity.json"), "utf8")) as Parity;
    const n = parity.rawWindows.length;
    const session = await ort.InferenceSession.create(path.join(out, "model.onnx"));
    const result = await session.run({ window: new ort.Tensor("float32", Float32Array.from(parity.inputs), [n, 1, 100, 40]) });
    const probs = result.probabilities!.data as Float32Array;
    expect(result.probabilities!.dims).toEqual([n, 3]);
    let maxDiff = 0;
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs(probs[i * 3 + c]! - parity.outputs[i]![c]!));
    expect(maxDiff).toBeLessThan(parity.tolerance);
  });
});
