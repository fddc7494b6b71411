/**
 * The baselines a model is judged against, exactly as models/baselines.py
 * defines them: the training period's majority class, and multinomial
 * logistic regression on order flow over the same window the model sees.
 *
 * Features at event t over raw rows (askPrice, askSize, bidPrice, bidSize
 * per level): ofi1..ofi5, the OFI contribution per level (Cont et al.;
 * multi-level as Xu et al.)
 *   bid e = [Pb_s >= Pb_{s-1}] qb_s - [Pb_s <= Pb_{s-1}] qb_{s-1}
 *   ask e = [Pa_s <= Pa_{s-1}] qa_s - [Pa_s >= Pa_{s-1}] qa_{s-1},  e = bid - ask
 * summed over the window's 99 row-to-row changes s = t-98..t; then
 * imbalance1 = (qb1 - qa1) / (qb1 + qa1) and imbalance5 over levels 1..5
 * at row t (0 when both sides are empty). Sizes as recorded, not log.
 */
import { LABELS, type LogregBaseline, ModelError, ROW_WIDTH_PER_LEVEL } from "./model-metadata.ts";

export const OFI_LEVELS = 5;
export const LOGREG_FEATURES = ["ofi1", "ofi2", "ofi3", "ofi4", "ofi5", "imbalance1", "imbalance5"] as const;

/** OFI contribution at `level` (0-based) between the rows at `prev` and `cur` (offsets into `rows`). */
export function ofiContribution(rows: ArrayLike<number>, prev: number, cur: number, level: number): number {
  const at = level * ROW_WIDTH_PER_LEVEL;
  const pa0 = rows[prev + at]!, qa0 = rows[prev + at + 1]!, pb0 = rows[prev + at + 2]!, qb0 = rows[prev + at + 3]!;
  const pa1 = rows[cur + at]!, qa1 = rows[cur + at + 1]!, pb1 = rows[cur + at + 2]!, qb1 = rows[cur + at + 3]!;
  const bid = (pb1 >= pb0 ? qb1 : 0) - (pb1 <= pb0 ? qb0 : 0);
  const ask = (pa1 <= pa0 ? qa1 : 0) - (pa1 >= pa0 ? qa0 : 0);
  return bid - ask;
}

function imbalance(bid: number, ask: number): number {
  const total = bid + ask;
  return total > 0 ? (bid - ask) / total : 0;
}

/**
 * The 7 features for the window ending at row `end` of `rows` (one session,
 * `width` numbers per row, rows end-windowEvents+1..end present), into `out`.
 */
export function windowFeatures(rows: ArrayLike<number>, width: number, end: number, windowEvents: number, out: Float64Array): void {
  for (let level = 0; level < OFI_LEVELS; level++) {
    let sum = 0;
    for (let s = end - windowEvents + 2; s <= end; s++) sum += ofiContribution(rows, (s - 1) * width, s * width, level);
    out[level] = sum;
  }
  const row = end * width;
  out[OFI_LEVELS] = imbalance(rows[row + 3]!, rows[row + 1]!);
  let bid5 = 0;
  let ask5 = 0;
  for (let level = 0; level < OFI_LEVELS; level++) {
    bid5 += rows[row + level * ROW_WIDTH_PER_LEVEL + 3]!;
    ask5 += rows[row + level * ROW_WIDTH_PER_LEVEL + 1]!;
  }
  out[OFI_LEVELS + 1] = imbalance(bid5, ask5);
}

/** p = softmax(W (x - mean) / std + b), in LABELS order, written into `out`. */
export function logregProbabilities(model: LogregBaseline, x: ArrayLike<number>, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < LABELS.length; c++) {
    let z = model.bias[c]!;
    const w = model.weights[c]!;
    for (let i = 0; i < w.length; i++) z += w[i]! * ((x[i]! - model.mean[i]!) / model.std[i]!);
    out[c] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let c = 0; c < LABELS.length; c++) sum += out[c] = Math.exp(out[c]! - max);
  for (let c = 0; c < LABELS.length; c++) out[c]! /= sum;
}

/** The logreg baseline must use exactly the features this module computes. */
export function checkLogregFeatures(model: LogregBaseline): void {
  if (model.features.join() !== LOGREG_FEATURES.join()) {
    throw new ModelError(`model.json: baselines.logreg.features ${JSON.stringify(model.features)} differ from the ones Genesis computes ${JSON.stringify(LOGREG_FEATURES)}`);
  }
}

export function argmax(values: ArrayLike<number>, offset = 0, n = LABELS.length): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}
