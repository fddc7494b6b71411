/**
 * `genesis eval detectors [--seed N] [--episodes N] [--input FILES]`: scores
 * the surveillance detectors and the old naive heuristics on labelled
 * manipulation episodes and prints one JSON object.
 *
 * Without --input the episodes are overlaid on the market simulator's clean
 * BTCUSDT and ETHUSDT streams; with --input they are injected into those
 * real recordings, one stream per symbol (its files merged and synced from
 * a REST snapshot, see eval/recordings.ts). A recording holds only so
 * many episode slots, so the episodes are spread over several passes, each
 * a fresh copy of the recording with its own injected episodes. False alarms
 * per hour come from the clean streams. Deterministic for a seed.
 */
import { rng } from "../../actors/analytics/random-events.ts";
import { episodeSlots, INJECTABLE_TYPES, injectEpisodes, type Episode, type InjectableType } from "../../actors/surveillance/agents/inject.ts";
import { simulatedEpisodes } from "../../actors/surveillance/agents/sim-episodes.ts";
import { createBaselineEngine } from "../../actors/surveillance/baseline.ts";
import { createSurveillanceEngine } from "../../actors/surveillance/engine.ts";
import { runEngine, scoreRun, streamHours, type CleanInput, type DetectionRun, type LabelledInput, type MetricsByType } from "../../actors/surveillance/eval/evaluate.ts";
import { loadRecordingStreams, RecordingInputError } from "../../actors/surveillance/eval/recordings.ts";
import { DEFAULT_SYMBOLS } from "../symbols.ts";

export interface EvalDetectorsOptions {
  readonly seed: number;
  /** Episodes per injectable type. */
  readonly episodes: number;
  /** Recordings to inject into; empty for the simulator. */
  readonly input: readonly string[];
}

export const DEFAULT_EVAL_SEED = 1;
export const DEFAULT_EVAL_EPISODES = 50;

export interface EvalReport {
  readonly input: {
    readonly source: "simulated" | "recordings";
    readonly files: readonly string[];
    readonly symbols: readonly string[];
    readonly seed: number;
    readonly episodesPerType: number;
    /** Episodes actually injected (an agent needs a book side to act on). */
    readonly episodes: Record<InjectableType, number>;
    /** Of those, resting episodes the market moved through before the cancel (a fill, not a spoof): left out of the scores. */
    readonly overrunEpisodes: Record<InjectableType, number>;
    /** Clean market time the false-alarm rates are measured on. */
    readonly cleanHours: number;
    /** Market time of the injected streams, passes included. */
    readonly injectedHours: number;
  };
  readonly detectors: MetricsByType;
  /** The same alerts with overrun episodes counted as episodes to find (nothing void): the stricter reading. */
  readonly detectorsCountingOverrun: MetricsByType;
  readonly baseline: MetricsByType;
}

/** The episode types in a seeded random order, `perType` of each, so every stream gets a mix. */
export function episodeTypes(seed: number, perType: number): InjectableType[] {
  const types = INJECTABLE_TYPES.flatMap((t) => Array.from({ length: perType }, () => t));
  const r = rng(seed ^ 0x5eed);
  for (let i = types.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [types[i], types[j]] = [types[j]!, types[i]!];
  }
  return types;
}

/** Each symbol's stream of the recordings `files` (those of a symbol that continue each other, a day cut at midnight, are one book). */
export async function cleanRecordings(files: readonly string[]): Promise<CleanInput[]> {
  return (await loadRecordingStreams(files)).map(({ spec, events }) => ({ spec, events }));
}

/** `loaded`: the recordings already decoded (cleanRecordings(files)), left as they are. */
export async function recordedStreams(seed: number, types: readonly InjectableType[], files: readonly string[], loaded?: readonly CleanInput[]): Promise<{ labelled: LabelledInput[]; clean: CleanInput[] }> {
  const clean: CleanInput[] = loaded ? [...loaded] : await cleanRecordings(files);
  const capacity = clean.reduce((sum, s) => sum + episodeSlots(s.events).length, 0);
  if (capacity === 0) throw new RecordingInputError(`eval detectors: the recordings are too short for any episode slot: files=${files.join(",")}`);
  const labelled: LabelledInput[] = [];
  let next = 0;
  for (let pass = 0; next < types.length; pass++) {
    for (let f = 0; f < clean.length && next < types.length; f++) {
      const { spec, events } = clean[f]!;
      const injected = injectEpisodes(events, spec, types.slice(next), seed * 1_000_003 + pass * 1009 + f);
      next += injected.used;
      labelled.push({ spec, events: injected.events, episodes: injected.episodes });
    }
  }
  return { labelled, clean };
}

/** The labelled (injected) and clean streams of a run: simulated without `input`, else the recordings. */
export async function evalStreams(seed: number, types: readonly InjectableType[], input: readonly string[], loaded?: readonly CleanInput[]): Promise<{ labelled: LabelledInput[]; clean: CleanInput[] }> {
  if (input.length > 0) return recordedStreams(seed, types, input, loaded);
  const streams = simulatedEpisodes(seed, DEFAULT_SYMBOLS, types);
  return { labelled: streams, clean: streams.map((s) => ({ spec: s.spec, events: s.clean })) };
}

/** One seed's episodes, streams and what both engines found on them. */
export interface SeedRun {
  readonly labelled: readonly LabelledInput[];
  readonly clean: readonly CleanInput[];
  readonly detectors: DetectionRun;
  readonly baseline: DetectionRun;
}

/**
 * Runs the detectors and the old heuristics over one seed's streams; `withClean` false skips the clean
 * streams (no false-alarm count); `loaded`: the recordings already decoded (see recordedStreams).
 */
export async function runSeed(seed: number, perType: number, input: readonly string[], withClean = true, loaded?: readonly CleanInput[]): Promise<SeedRun> {
  checkOptions(seed, perType);
  const { labelled, clean } = await evalStreams(seed, episodeTypes(seed, perType), input, loaded);
  const scored = withClean ? clean : [];
  return {
    labelled,
    clean,
    detectors: runEngine((spec) => createSurveillanceEngine(spec), labelled, scored),
    baseline: runEngine((spec) => createBaselineEngine(spec), labelled, scored),
  };
}

export function checkOptions(seed: number, perType: number): void {
  if (!Number.isSafeInteger(seed)) throw new Error(`eval detectors: seed=${seed} must be an integer`);
  if (!(Number.isInteger(perType) && perType >= 1)) throw new Error(`eval detectors: episodes=${perType} must be a positive integer`);
}

/** Episodes per type in `labelled` that `keep` accepts. */
export function episodeCounts(labelled: readonly LabelledInput[], keep: (e: Episode) => boolean = () => true): Record<InjectableType, number> {
  return Object.fromEntries(INJECTABLE_TYPES.map((t) => [t, labelled.reduce((n, s) => n + s.episodes.filter((e) => e.type === t && keep(e)).length, 0)])) as Record<InjectableType, number>;
}

export async function runEvalDetectors(options: EvalDetectorsOptions): Promise<EvalReport> {
  const { seed, episodes: perType, input } = options;
  const { labelled, clean, detectors, baseline } = await runSeed(seed, perType, input);
  return {
    input: {
      source: input.length === 0 ? "simulated" : "recordings",
      files: [...input],
      symbols: [...new Set(clean.map((s) => s.spec.symbol))],
      seed,
      episodesPerType: perType,
      episodes: episodeCounts(labelled),
      overrunEpisodes: episodeCounts(labelled, (e) => e.overrun),
      cleanHours: Number(streamHours(clean).toFixed(4)),
      injectedHours: Number(streamHours(labelled).toFixed(4)),
    },
    detectors: scoreRun(detectors),
    detectorsCountingOverrun: scoreRun(detectors, false),
    baseline: scoreRun(baseline),
  };
}

/** The CLI entry: the report as one JSON object on stdout. */
export async function printEvalDetectors(options: EvalDetectorsOptions): Promise<void> {
  const report = await runEvalDetectors(options);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  await printEvalDetectors({
    seed: Number(arg("--seed") ?? DEFAULT_EVAL_SEED),
    episodes: Number(arg("--episodes") ?? DEFAULT_EVAL_EPISODES),
    input: (arg("--input") ?? "").split(",").filter((s) => s.length > 0),
  });
}
