/**
 * Scores a model and its baselines on sessions of raw book rows: every
 * window of `windowEvents` rows whose label horizon (k rows after it) lies
 * inside the session, labelled by the model's own horizon and alpha
 * (labels.ts); the model on batches of windows; the majority class and the
 * logistic regression from model.json on the same windows.
 */
import { argmax, checkLogregFeatures, LOGREG_FEATURES, logregProbabilities, windowFeatures } from "./baselines.ts";
import { Confusion, meanNextKLabels, type Scores } from "./labels.ts";
import { LABELS } from "./model-metadata.ts";
import type { Classifier } from "./predictor.ts";
import type { RowSeries } from "./row-series.ts";
import { transformRow } from "./window.ts";

export interface ModelEvalReport {
  readonly model: string;
  readonly samples: number;
  readonly horizon: { readonly k: number; readonly alpha: number; readonly method: string };
  readonly accuracy: number;
  readonly macroF1: number;
  readonly baselines: { readonly majority: Scores; readonly logreg: Scores | null };
}

export interface EvaluateOptions {
  /** Windows per model run. */
  readonly batch?: number;
  /** Score every n-th window only (1: all). */
  readonly stride?: number;
}

export async function evaluateModel(model: Classifier, sessions: readonly RowSeries[], options: EvaluateOptions = {}): Promise<ModelEvalReport> {
  const meta = model.meta;
  const batch = options.batch ?? 256;
  const stride = options.stride ?? 1;
  if (!(Number.isInteger(stride) && stride >= 1)) throw new RangeError(`stride must be an integer >= 1: stride=${stride}`);
  const logreg = meta.baselines.logreg;
  if (logreg) checkLogregFeatures(logreg);
  const majority = LABELS.indexOf(meta.baselines.majority.label);
  const scores = { model: new Confusion(), majority: new Confusion(), logreg: new Confusion() };
  const { k, alpha } = meta.horizon;
  const W = meta.windowEvents;
  const input = new Float32Array(batch * model.inputSize);
  const truths = new Int8Array(batch);
  const features = new Float64Array(LOGREG_FEATURES.length);
  const probabilities = new Float64Array(LABELS.length);

  for (const session of sessions) {
    const width = session.width;
    if (width !== model.inputSize / W) throw new Error(`session ${session.name}: rows of ${width} numbers; the model wants ${model.inputSize / W}`);
    const rows = session.rows;
    const labels = meanNextKLabels(session.mids(), k, alpha);
    // Transform every row once: a window is then a contiguous slice.
    const transformed = new Float32Array(rows.length);
    for (let t = 0; t < session.length; t++) transformRow(rows, t * width, meta, transformed, t * width);
    let filled = 0;
    const flush = async () => {
      if (filled === 0) return;
      const out = await model.predict(input, filled);
      for (let i = 0; i < filled; i++) scores.model.add(truths[i]!, argmax(out, i * 3));
      filled = 0;
    };
    for (let end = W - 1; end + k < session.length; end += stride) {
      const truth = labels[end]!;
      input.set(transformed.subarray((end - W + 1) * width, (end + 1) * width), filled * model.inputSize);
      truths[filled++] = truth;
      scores.majority.add(truth, majority);
      if (logreg) {
        windowFeatures(rows, width, end, W, features);
        logregProbabilities(logreg, features, probabilities);
        scores.logreg.add(truth, argmax(probabilities));
      }
      if (filled === batch) await flush();
    }
    await flush();
  }
  const modelScores = scores.model.scores();
  return {
    model: model.name,
    samples: scores.model.samples,
    horizon: { k, alpha, method: meta.horizon.method },
    accuracy: modelScores.accuracy,
    macroF1: modelScores.macroF1,
    baselines: { majority: scores.majority.scores(), logreg: logreg ? scores.logreg.scores() : null },
  };
}
