/**
 * DeepLOB's labels and the scores of a classifier, as models/prep.py and
 * models/metrics.py define them: at event t, l = (mean(mid[t+1..t+k]) -
 * mid[t]) / mid[t]; up if l > alpha, down if l < -alpha, else stationary.
 * Label indices follow LABELS: 0 up, 1 stationary, 2 down.
 */
export const UP = 0;
export const STATIONARY = 1;
export const DOWN = 2;
export const NO_LABEL = -1;

/** Labels for every row of one session's mids; NO_LABEL where t+k runs past the end. */
export function meanNextKLabels(mids: Float64Array, k: number, alpha: number): Int8Array {
  const labels = new Int8Array(mids.length).fill(NO_LABEL);
  for (let t = 0; t + k < mids.length; t++) {
    // A plain sum per t, as the trainer does: a running sum's rounding would turn "no move" into tiny moves.
    let sum = 0;
    for (let j = 1; j <= k; j++) sum += mids[t + j]!;
    const change = (sum / k - mids[t]!) / mids[t]!;
    labels[t] = change > alpha ? UP : change < -alpha ? DOWN : STATIONARY;
  }
  return labels;
}

export interface Scores {
  readonly accuracy: number;
  readonly macroF1: number;
}

/** A 3x3 confusion matrix, rows = true label, columns = predicted. */
export class Confusion {
  readonly counts = new Float64Array(9);
  samples = 0;

  add(truth: number, predicted: number): void {
    this.counts[truth * 3 + predicted]!++;
    this.samples++;
  }

  scores(): Scores {
    let correct = 0;
    let f1Sum = 0;
    for (let c = 0; c < 3; c++) {
      const tp = this.counts[c * 3 + c]!;
      correct += tp;
      let predicted = 0;
      let actual = 0;
      for (let o = 0; o < 3; o++) {
        predicted += this.counts[o * 3 + c]!;
        actual += this.counts[c * 3 + o]!;
      }
      const precision = predicted > 0 ? tp / predicted : 0;
      const recall = actual > 0 ? tp / actual : 0;
      f1Sum += precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    }
    return { accuracy: this.samples > 0 ? correct / this.samples : 0, macroF1: f1Sum / 3 };
  }
}
