/**
 * A model folder's metadata (`model.json`, format "genesis-deeplob/1"; see
 * models/README.md): the input layout and normalisation the model was
 * trained with, its horizon, labels and baselines. Parsed and checked here
 * so that a wrong file fails at load with the field named, never mid-run.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const MODEL_FORMAT = "genesis-deeplob/1";
export const LABELS = ["up", "stationary", "down"] as const;
export type Label = (typeof LABELS)[number];
/** 4 numbers per level: askPrice, askSize, bidPrice, bidSize. */
export const ROW_WIDTH_PER_LEVEL = 4;

export interface LogregBaseline {
  readonly features: readonly string[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** One row per label, in LABELS order. */
  readonly weights: readonly (readonly number[])[];
  readonly bias: readonly number[];
}

export interface ModelMetadata {
  readonly name: string;
  readonly labels: readonly Label[];
  readonly inputName: string;
  readonly windowEvents: number;
  readonly levels: number;
  readonly columns: readonly string[];
  readonly zscoreMean: Float64Array;
  readonly zscoreStd: Float64Array;
  readonly horizon: { readonly k: number; readonly alpha: number; readonly method: "meanNextK" };
  readonly baselines: { readonly majority: { readonly label: Label }; readonly logreg: LogregBaseline | null };
  /** Everything else in the file (training, metrics), as read. */
  readonly raw: Record<string, unknown>;
}

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelError";
  }
}

export interface ModelFiles {
  readonly onnxPath: string;
  readonly metadataPath: string;
}

/** A model folder (holding model.onnx + model.json) or an .onnx file with its .json beside it. */
export function resolveModelFiles(modelPath: string): ModelFiles {
  if (!existsSync(modelPath)) throw new ModelError(`model not found: path=${modelPath}`);
  if (statSync(modelPath).isDirectory()) {
    const files = { onnxPath: path.join(modelPath, "model.onnx"), metadataPath: path.join(modelPath, "model.json") };
    for (const file of Object.values(files)) if (!existsSync(file)) throw new ModelError(`model folder lacks ${path.basename(file)}: path=${modelPath}`);
    return files;
  }
  if (!modelPath.endsWith(".onnx")) throw new ModelError(`model must be a folder or an .onnx file: path=${modelPath}`);
  const metadataPath = `${modelPath.slice(0, -".onnx".length)}.json`;
  if (!existsSync(metadataPath)) throw new ModelError(`model metadata not found next to the .onnx: expected=${metadataPath}`);
  return { onnxPath: modelPath, metadataPath };
}

export function readModelMetadata(metadataPath: string): ModelMetadata {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(metadataPath, "utf8"));
  } catch (error) {
    throw new ModelError(`model metadata is not JSON: path=${metadataPath}: ${(error as Error).message}`);
  }
  try {
    return parseModelMetadata(json);
  } catch (error) {
    throw new ModelError(`${(error as Error).message}: path=${metadataPath}`);
  }
}

export function parseModelMetadata(json: unknown): ModelMetadata {
  const root = object(json, "model.json");
  if (root.format !== MODEL_FORMAT) throw new ModelError(`model.json: format must be "${MODEL_FORMAT}", got ${JSON.stringify(root.format)}`);
  const labels = root.labels;
  if (!Array.isArray(labels) || labels.join() !== LABELS.join()) throw new ModelError(`model.json: labels must be ${JSON.stringify(LABELS)}, got ${JSON.stringify(labels)}`);
  const input = object(root.input, "input");
  const windowEvents = positiveInteger(input.windowEvents, "input.windowEvents");
  const levels = positiveInteger(input.levels, "input.levels");
  const width = levels * ROW_WIDTH_PER_LEVEL;
  const columns = expectedColumns(levels);
  if (!Array.isArray(input.columns) || input.columns.join() !== columns.join()) throw new ModelError(`model.json: input.columns must be ask/bid price/size per level (${columns.slice(0, 4).join(",")},...)`);
  if (input.priceTransform !== "bpsFromMid") throw new ModelError(`model.json: input.priceTransform ${JSON.stringify(input.priceTransform)} is not supported (bpsFromMid)`);
  if (input.sizeTransform !== "log1p") throw new ModelError(`model.json: input.sizeTransform ${JSON.stringify(input.sizeTransform)} is not supported (log1p)`);
  const zscore = object(input.zscore, "input.zscore");
  const mean = numbers(zscore.mean, "input.zscore.mean", width);
  const std = numbers(zscore.std, "input.zscore.std", width);
  const horizon = object(root.horizon, "horizon");
  if (horizon.method !== "meanNextK") throw new ModelError(`model.json: horizon.method ${JSON.stringify(horizon.method)} is not supported (meanNextK)`);
  const alpha = horizon.alpha;
  if (typeof alpha !== "number" || !(alpha >= 0)) throw new ModelError(`model.json: horizon.alpha must be a number >= 0, got ${JSON.stringify(alpha)}`);
  const baselines = object(root.baselines ?? {}, "baselines");
  const majority = baselines.majority === undefined ? "stationary" : object(baselines.majority, "baselines.majority").label;
  if (!(LABELS as readonly unknown[]).includes(majority)) throw new ModelError(`model.json: baselines.majority.label must be one of ${LABELS.join(",")}, got ${JSON.stringify(majority)}`);
  return {
    name: typeof root.name === "string" && root.name.length > 0 ? root.name : path.basename(String(root.name ?? "model")),
    labels: LABELS,
    inputName: typeof input.name === "string" ? input.name : "window",
    windowEvents,
    levels,
    columns,
    // The contract's std floor: a constant column divides by 1e-8, not 0.
    zscoreMean: Float64Array.from(mean),
    zscoreStd: Float64Array.from(std, (s) => Math.max(s, 1e-8)),
    horizon: { k: positiveInteger(horizon.k, "horizon.k"), alpha, method: "meanNextK" },
    baselines: { majority: { label: majority as Label }, logreg: baselines.logreg === undefined ? null : logreg(baselines.logreg) },
    raw: root,
  };
}

export function expectedColumns(levels: number): string[] {
  const columns: string[] = [];
  for (let i = 1; i <= levels; i++) columns.push(`askPrice${i}`, `askSize${i}`, `bidPrice${i}`, `bidSize${i}`);
  return columns;
}

function logreg(json: unknown): LogregBaseline {
  const o = object(json, "baselines.logreg");
  if (!Array.isArray(o.features) || !o.features.every((f) => typeof f === "string")) throw new ModelError("model.json: baselines.logreg.features must be names");
  const n = o.features.length;
  const weights = o.weights;
  if (!Array.isArray(weights) || weights.length !== LABELS.length) throw new ModelError(`model.json: baselines.logreg.weights must have ${LABELS.length} rows`);
  return {
    features: o.features as string[],
    mean: numbers(o.mean, "baselines.logreg.mean", n),
    std: numbers(o.std, "baselines.logreg.std", n),
    weights: weights.map((row, i) => numbers(row, `baselines.logreg.weights[${i}]`, n)),
    bias: numbers(o.bias, "baselines.logreg.bias", LABELS.length),
  };
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ModelError(`model.json: ${field} must be an object`);
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw new ModelError(`model.json: ${field} must be a positive integer, got ${JSON.stringify(value)}`);
  return value as number;
}

function numbers(value: unknown, field: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new ModelError(`model.json: ${field} must be ${length} finite numbers`);
  }
  return value as number[];
}
