/**
 * `genesis eval detectors --seeds A-B`: the measurement of one seed, over
 * many seeds, pooled.
 *
 * One seed of 40 episodes a type measures an F1 of 0.9 only to about
 * +-0.05 (the recall of 35 episodes moves by 0.03 for each one missed), so
 * whether a detector reaches a figure is a question for many seeds: the
 * pooled metrics sum every seed's counts (alerts, matched alerts, episodes,
 * detected episodes; the median delay is over all detected episodes). Each
 * type also gets its F1 per seed and a 95 % interval of the pooled F1 from
 * resampling the seeds with replacement (a bootstrap of
 * BOOTSTRAP_DRAWS draws, seeded by the seeds, so the output is deterministic).
 *
 * False alarms: the simulator's clean streams differ from seed to seed and
 * are pooled too; the recordings' clean streams are the same for every seed,
 * so they are scored once.
 */
import { SingleBar } from "cli-progress";
import { rng } from "../../actors/analytics/random-events.ts";
import { INJECTABLE_TYPES, type InjectableType } from "../../actors/surveillance/agents/inject.ts";
import { countRun, metrics, metricsOf, poolCounts, streamHours, type CountsByType, type TypeCounts, type TypeMetrics } from "../../actors/surveillance/eval/evaluate.ts";
import { checkOptions, cleanRecordings, episodeCounts, runSeed } from "./eval-detectors.ts";

export const BOOTSTRAP_DRAWS = 2000;

export interface EvalSeedsOptions {
  readonly seeds: readonly number[];
  readonly episodes: number;
  readonly input: readonly string[];
  /** Called after each seed's run (a run of many seeds takes minutes). */
  readonly onSeedDone?: (done: number, total: number) => void;
}

export interface PooledMetrics extends TypeMetrics {
  /** F1 of each seed, in the order of `input.seeds` (null where that seed had no episode of the type). */
  readonly f1BySeed: readonly (number | null)[];
  /** 2.5 % and 97.5 % quantiles of the pooled F1 over seed resamples; null without episodes. */
  readonly f1Interval95: readonly [number, number] | null;
}

export interface EvalSeedsReport {
  readonly input: {
    readonly source: "simulated" | "recordings";
    readonly files: readonly string[];
    readonly symbols: readonly string[];
    readonly seeds: readonly number[];
    readonly episodesPerType: number;
    readonly episodes: Record<InjectableType, number>;
    readonly overrunEpisodes: Record<InjectableType, number>;
    /** Clean market time the false alarms are counted on (the recordings once, the simulator's every seed). */
    readonly cleanHours: number;
    readonly injectedHours: number;
  };
  readonly detectors: Record<InjectableType, PooledMetrics>;
  readonly detectorsCountingOverrun: Record<InjectableType, TypeMetrics>;
  readonly baseline: Record<InjectableType, TypeMetrics>;
}

export async function runEvalSeeds(options: EvalSeedsOptions): Promise<EvalSeedsReport> {
  const { seeds, episodes: perType, input } = options;
  if (seeds.length === 0) throw new Error("eval detectors: seeds is empty");
  for (const seed of seeds) checkOptions(seed, perType);
  const recordings = input.length > 0;
  const detectors: CountsByType[] = [], strict: CountsByType[] = [], baseline: CountsByType[] = [];
  const episodes: Record<InjectableType, number>[] = [], overrun: Record<InjectableType, number>[] = [];
  let cleanHours = 0, injectedHours = 0;
  let symbols: string[] = [];
  // The recordings are decoded once; each seed injects into its own copy of their events.
  const loaded = recordings ? await cleanRecordings(input) : undefined;
  for (const [i, seed] of seeds.entries()) {
    // Only the counts are kept: a seed's injected streams are dropped before the next is built.
    const run = await runSeed(seed, perType, input, !recordings || i === 0, loaded);
    detectors.push(countRun(run.detectors));
    strict.push(countRun(run.detectors, false));
    baseline.push(countRun(run.baseline));
    episodes.push(episodeCounts(run.labelled));
    overrun.push(episodeCounts(run.labelled, (e) => e.overrun));
    if (!recordings || i === 0) cleanHours += streamHours(run.clean);
    injectedHours += streamHours(run.labelled);
    symbols = [...new Set([...symbols, ...run.clean.map((s) => s.spec.symbol)])];
    options.onSeedDone?.(i + 1, seeds.length);
  }
  const sumTypes = (rows: Record<InjectableType, number>[]) => byType((t) => rows.reduce((n, r) => n + r[t], 0));
  const pooled = (runs: CountsByType[]) => byType((t) => metricsOf(poolCounts(runs.map((r) => r[t]))));
  const draw = rng(seeds.reduce((h, s) => Math.imul(h ^ s, 0x9e3779b1) >>> 0, 0xb007));
  return {
    input: {
      source: recordings ? "recordings" : "simulated",
      files: [...input],
      symbols,
      seeds: [...seeds],
      episodesPerType: perType,
      episodes: sumTypes(episodes),
      overrunEpisodes: sumTypes(overrun),
      cleanHours: Number(cleanHours.toFixed(4)),
      injectedHours: Number(injectedHours.toFixed(4)),
    },
    detectors: byType((t): PooledMetrics => {
      const perSeed = detectors.map((r) => r[t]);
      return { ...metricsOf(poolCounts(perSeed)), f1BySeed: perSeed.map((c) => metricsOf(c).f1), f1Interval95: f1Interval(perSeed, draw) };
    }),
    detectorsCountingOverrun: pooled(strict),
    baseline: pooled(baseline),
  };
}

function byType<T>(value: (type: InjectableType) => T): Record<InjectableType, T> {
  const out = {} as Record<InjectableType, T>;
  for (const t of INJECTABLE_TYPES) out[t] = value(t);
  return out;
}

/** The 95 % bootstrap interval of the pooled F1: seeds drawn with replacement, as many as there are. */
export function f1Interval(perSeed: readonly TypeCounts[], draw: () => number, draws = BOOTSTRAP_DRAWS): [number, number] | null {
  if (perSeed.every((c) => c.counts.episodes === 0)) return null;
  const f1s = new Float64Array(draws);
  const n = perSeed.length;
  let kept = 0;
  for (let d = 0; d < draws; d++) {
    let alerts = 0, matched = 0, eps = 0, found = 0;
    for (let k = 0; k < n; k++) {
      const c = perSeed[Math.floor(draw() * n)]!.counts;
      alerts += c.alerts;
      matched += c.matchedAlerts;
      eps += c.episodes;
      found += c.detectedEpisodes;
    }
    // The F1 of metrics(), the one definition; a resample without an episode of the type has none (null): left out.
    const f1 = metrics({ alerts, matchedAlerts: matched, episodes: eps, detectedEpisodes: found, delaysMs: [] }, 0, 0).f1;
    if (f1 !== null) f1s[kept++] = f1;
  }
  const sorted = f1s.subarray(0, kept).sort();
  const at = (q: number) => Number(sorted[Math.min(kept - 1, Math.floor(q * kept))]!.toFixed(4));
  return [at(0.025), at(0.975)];
}

/** The CLI entry: the report as one JSON object on stdout; a progress bar on stderr when it is a terminal. */
export async function printEvalSeeds(options: EvalSeedsOptions): Promise<void> {
  const bar = process.stderr.isTTY ? new SingleBar({ format: "eval detectors [{bar}] {value}/{total} seeds", hideCursor: true, stream: process.stderr }) : null;
  bar?.start(options.seeds.length, 0);
  let report: EvalSeedsReport;
  try {
    report = await runEvalSeeds({ ...options, onSeedDone: (done) => bar?.update(done) });
  } finally {
    bar?.stop();
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
