import { describe, expect, test } from "bun:test";
import { argmax, logregProbabilities, ofiContribution, windowFeatures } from "./baselines.ts";
import { Confusion, DOWN, meanNextKLabels, NO_LABEL, STATIONARY, UP } from "./labels.ts";

// One level: askPrice, askSize, bidPrice, bidSize.
describe("order flow imbalance", () => {
  test.each([
    ["bid up: new bid size counts", [101, 5, 99, 2], [101, 5, 100, 3], 3],
    ["bid down: old bid size leaves", [101, 5, 99, 2], [101, 5, 98, 7], -2],
    ["same bid, size grows", [101, 5, 99, 2], [101, 5, 99, 6], 4],
    ["ask down: new ask size counts against", [101, 5, 99, 2], [100.5, 4, 99, 2], -4],
    ["ask up: old ask size leaves", [101, 5, 99, 2], [102, 1, 99, 2], 5],
    ["same ask, size shrinks", [101, 5, 99, 2], [101, 3, 99, 2], 2],
  ])("%s", (_name, previous, current, expected) => {
    expect(ofiContribution([...previous, ...current], 0, 4, 0)).toBe(expected);
  });

  test("window features sum the changes inside the window and read the imbalance at its end", () => {
    // 5 levels, window of 3 rows: the sum covers the 2 changes inside it.
    const width = 20;
    const rows = new Float64Array(4 * width);
    const set = (t: number, bidSize1: number, askSize1: number) => {
      for (let level = 0; level < 5; level++) rows.set([101 + level, 1, 99 - level, 1], t * width + level * 4);
      rows[t * width + 1] = askSize1;
      rows[t * width + 3] = bidSize1;
    };
    set(0, 100, 1); // outside the window: its change into row 1 must not count
    set(1, 1, 1);
    set(2, 4, 1);
    set(3, 6, 2);
    const out = new Float64Array(7);
    windowFeatures(rows, width, 3, 3, out);
    // level 1: (4 - 1) + ((6 - 4) - (2 - 1)) = 4; other levels unchanged
    expect([...out.subarray(0, 5)]).toEqual([4, 0, 0, 0, 0]);
    expect(out[5]).toBeCloseTo((6 - 2) / 8, 12);
    expect(out[6]).toBeCloseTo((6 + 4 - 2 - 4) / (10 + 6), 12);
  });
});

describe("logistic regression", () => {
  test("softmax of W z + b with z the standardised features", () => {
    const model = { features: ["a", "b"], mean: [1, 0], std: [2, 1], weights: [[1, 0], [0, 1], [0, 0]], bias: [0, 0, Math.log(2)] };
    const p = new Float64Array(3);
    logregProbabilities(model, [3, 0], p); // z = [1, 0] -> logits [1, 0, ln 2]
    const e = [Math.E, 1, 2];
    const sum = e[0]! + e[1]! + e[2]!;
    expect([...p].map((v) => v.toFixed(12))).toEqual(e.map((v) => (v / sum).toFixed(12)));
    expect(argmax(p)).toBe(0);
  });
});

describe("labels and scores", () => {
  test("mean of the next k mids against alpha", () => {
    const mids = Float64Array.from([100, 100, 102, 100, 100, 97, 100]);
    const labels = meanNextKLabels(mids, 2, 0.005);
    // t=0: mean(100,102)=101 -> +1% up; t=1: 101 up; t=2: 100 -> -1.96% down; t=3: 98.5 down; t=4: 98.5 down; tail: none
    expect([...labels]).toEqual([UP, UP, DOWN, DOWN, DOWN, NO_LABEL, NO_LABEL]);
    expect([...meanNextKLabels(Float64Array.from([100, 100.1, 100]), 1, 0.01)]).toEqual([STATIONARY, STATIONARY, NO_LABEL]);
  });

  test("accuracy and macro-F1 from the confusion matrix", () => {
    const c = new Confusion();
    // truth/predicted pairs: up 2 right 1 wrong (as stationary), stationary 1 right, down 0 right 1 wrong (as up)
    for (const [t, p] of [[0, 0], [0, 0], [0, 1], [1, 1], [2, 0]] as const) c.add(t, p);
    const { accuracy, macroF1 } = c.scores();
    expect(accuracy).toBeCloseTo(3 / 5, 12);
    // up: P 2/3 R 2/3 F1 2/3; stationary: P 1/2 R 1 F1 2/3; down: 0
    expect(macroF1).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3, 12);
  });
});
