import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeepLobModel } from "./model.ts";
import { ModelError, resolveModelFiles } from "./model-metadata.ts";
import { DEFAULT_MODEL_DIR, defaultModel } from "./test-model.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "genesis-model-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function loadError(modelPath: string): Promise<Error> {
  try {
    await DeepLobModel.load(modelPath);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${modelPath} to fail`);
}

describe("model files", () => {
  test("a folder or the .onnx with its .json beside it", () => {
    expect(resolveModelFiles(DEFAULT_MODEL_DIR)).toEqual({ onnxPath: path.join(DEFAULT_MODEL_DIR, "model.onnx"), metadataPath: path.join(DEFAULT_MODEL_DIR, "model.json") });
    expect(resolveModelFiles(path.join(DEFAULT_MODEL_DIR, "model.onnx")).metadataPath).toBe(path.join(DEFAULT_MODEL_DIR, "model.json"));
  });

  test("bad paths and files fail with the path named", async () => {
    expect(await loadError("/nonexistent/model")).toBeInstanceOf(ModelError);
    expect((await loadError("/nonexistent/model")).message).toContain("model not found: path=/nonexistent/model");
    const empty = path.join(scratch, "empty");
    mkdirSync(empty);
    expect((await loadError(empty)).message).toContain("lacks model.onnx");
    const lone = path.join(scratch, "lone.onnx");
    writeFileSync(lone, "x");
    expect((await loadError(lone)).message).toContain("metadata not found");

    const corrupt = path.join(scratch, "corrupt");
    mkdirSync(corrupt);
    copyFileSync(path.join(DEFAULT_MODEL_DIR, "model.json"), path.join(corrupt, "model.json"));
    writeFileSync(path.join(corrupt, "model.onnx"), "not an onnx model");
    const error = await loadError(corrupt);
    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toContain("cannot load the ONNX model");

    const badMeta = path.join(scratch, "bad-meta");
    mkdirSync(badMeta);
    copyFileSync(path.join(DEFAULT_MODEL_DIR, "model.onnx"), path.join(badMeta, "model.onnx"));
    writeFileSync(path.join(badMeta, "model.json"), JSON.stringify({ format: "genesis-deeplob/1", labels: ["up", "stationary", "down"], input: { windowEvents: 100, levels: 10 } }));
    expect((await loadError(badMeta)).message).toContain("input.columns");
  });
});

describe("device", () => {
  test("cuda without the CUDA provider says so once and runs on CPU", async () => {
    const messages: string[] = [];
    const model = await DeepLobModel.load(DEFAULT_MODEL_DIR, { device: "cuda", warn: (m) => messages.push(m) });
    try {
      if (model.device === "cuda") return; // a machine with the provider: nothing to fall back from
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain("--device cuda");
      expect(messages[0]).toContain("running the model on CPU");
      expect((await model.predict(new Float32Array(model.inputSize), 1)).length).toBe(3);
    } finally {
      await model.dispose();
    }
  });

  test("metadata the server uses", async () => {
    const model = await defaultModel();
    expect(model.meta.windowEvents).toBe(100);
    expect(model.meta.levels).toBe(10);
    expect(model.inputSize).toBe(4000);
    expect(model.name.length).toBeGreaterThan(0);
  });
});
