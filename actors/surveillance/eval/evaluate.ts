/**
 * Scores a surveillance engine against labelled episodes: pure, no I/O.
 *
 * An alert counts when its score is >= 50. It is "detected at" the exchange
 * time of the last event of the batch whose processing returned it (events
 * are fed one exchange millisecond at a time), so the delay measures when a
 * desk would actually see it, not the time range the alert describes.
 *
 * An alert matches an episode of the same type and symbol (and the same book
 * side for the types whose side is unambiguous: spoofing, layering, quote
 * stuffing) when it is detected within [tsStart, tsEnd + 1 s]. Precision =
 * matching alerts / alerts on the injected streams (an alert that only
 * matches a void, overrun episode is left out of both); recall = episodes with a
 * matching alert / episodes; delay = detection time - episode tsEnd of the
 * first matching alert, median over detected episodes. False alarms per hour
 * are the alerts of that type on the clean streams (nothing injected) per
 * hour of clean market time. 0/0 ratios are null.
 */
import type { MarketEvent, SymbolSpec } from "../../../src/switchboard.ts";
import { quietClockTsMs, SURVEILLANCE_TICK_MS, type Alert, type SurveillanceEngine } from "../alert.ts";
import { INJECTABLE_TYPES, type Episode, type InjectableType } from "../agents/inject.ts";

export const ALERT_SCORE_THRESHOLD = 50;
export const DETECTION_WINDOW_MS = 1000;
/** Types whose alert side names the book side the episode's orders rested on. */
export const SIDED_TYPES: ReadonlySet<InjectableType> = new Set(["spoofing", "layering", "quote_stuffing"]);

export interface Detection {
  readonly alert: Alert;
  /** Exchange ms of the event whose processing returned the alert. */
  readonly atMs: number;
}

export interface TypeMetrics {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  readonly delayMsMedian: number | null;
  readonly falseAlarmsPerHour: number | null;
}

export type MetricsByType = Record<InjectableType, TypeMetrics>;

/**
 * Feeds one symbol's events to a fresh engine, a millisecond at a time, and between events the clock
 * as the service's tick does in a live market (quietClockTsMs, at the tick's earliest phase: live
 * alerts that wait for the clock can come up to a tick later); returns the alerts with score >= 50.
 */
export function detect(createEngine: (spec: SymbolSpec) => SurveillanceEngine, spec: SymbolSpec, events: readonly MarketEvent[]): Detection[] {
  const engine = createEngine(spec);
  const out: Detection[] = [];
  try {
    let start = 0;
    while (start < events.length) {
      const tsMs = events[start]!.exchTsMs;
      if (start > 0) {
        // The feed replayed in real time: a tick every SURVEILLANCE_TICK_MS of quiet until the next event.
        const lastTsMs = events[start - 1]!.exchTsMs;
        for (let quietMs = SURVEILLANCE_TICK_MS; lastTsMs + quietMs < tsMs; quietMs += SURVEILLANCE_TICK_MS) {
          for (const alert of engine.advance(quietClockTsMs(lastTsMs, quietMs)!)) if (alert.score >= ALERT_SCORE_THRESHOLD) out.push({ alert, atMs: lastTsMs + quietMs });
        }
      }
      let end = start + 1;
      while (end < events.length && events[end]!.exchTsMs === tsMs) end++;
      for (const alert of engine.process(events.slice(start, end))) {
        if (alert.score >= ALERT_SCORE_THRESHOLD) out.push({ alert, atMs: tsMs });
      }
      start = end;
    }
  } finally {
    engine.dispose();
  }
  return out;
}

export function matches(detection: Detection, episode: Episode): boolean {
  const { alert, atMs } = detection;
  if (alert.type !== episode.type || alert.symbol !== episode.symbol) return false;
  if (SIDED_TYPES.has(episode.type) && alert.side !== episode.side) return false;
  return atMs >= episode.tsStart && atMs <= episode.tsEnd + DETECTION_WINDOW_MS;
}

export interface MatchCounts {
  readonly alerts: number;
  readonly matchedAlerts: number;
  readonly episodes: number;
  readonly detectedEpisodes: number;
  readonly delaysMs: number[];
}

/**
 * Counts for one type; `detections` and `episodes` may span several symbols. With `voidOverrun`
 * (the default), overrun episodes (the market moved through the fake order: a fill, not a
 * spoof) are void: they are not episodes to find, and an alert on one counts neither as correct
 * nor as false. Without it they count like any other episode.
 */
export function matchType(type: InjectableType, detections: readonly Detection[], episodes: readonly Episode[], voidOverrun = true): MatchCounts {
  const ofType = detections.filter((d) => d.alert.type === type);
  const eps = episodes.filter((e) => e.type === type && !(voidOverrun && e.overrun));
  const voided = voidOverrun ? episodes.filter((e) => e.type === type && e.overrun) : [];
  let matchedAlerts = 0;
  let falseAlerts = 0;
  for (const d of ofType) {
    if (eps.some((e) => matches(d, e))) matchedAlerts++;
    else if (!voided.some((e) => matches(d, e))) falseAlerts++;
  }
  const delaysMs: number[] = [];
  for (const e of eps) {
    let first = Infinity;
    for (const d of ofType) if (matches(d, e) && d.atMs < first) first = d.atMs;
    if (first !== Infinity) delaysMs.push(first - e.tsEnd);
  }
  return { alerts: matchedAlerts + falseAlerts, matchedAlerts, episodes: eps.length, detectedEpisodes: delaysMs.length, delaysMs };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ratio = (num: number, den: number) => (den === 0 ? null : num / den);
const round = (x: number | null, digits: number) => (x === null ? null : Number(x.toFixed(digits)));

export function metrics(counts: MatchCounts, cleanAlerts: number, cleanHours: number): TypeMetrics {
  const precision = ratio(counts.matchedAlerts, counts.alerts);
  const recall = ratio(counts.detectedEpisodes, counts.episodes);
  // No alerts at all (precision 0/0) with episodes to find is recall 0, and F1 0.
  const f1 = recall === null ? null : precision === null || precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    precision: round(precision, 4),
    recall: round(recall, 4),
    f1: round(f1, 4),
    delayMsMedian: median(counts.delaysMs),
    falseAlarmsPerHour: round(ratio(cleanAlerts, cleanHours), 2),
  };
}

export interface LabelledInput {
  readonly spec: SymbolSpec;
  readonly events: readonly MarketEvent[];
  readonly episodes: readonly Episode[];
}

export interface CleanInput {
  readonly spec: SymbolSpec;
  readonly events: readonly MarketEvent[];
}

/** Hours of market time the clean streams span, summed. */
export function streamHours(streams: readonly CleanInput[]): number {
  let ms = 0;
  for (const s of streams) if (s.events.length > 0) ms += s.events[s.events.length - 1]!.exchTsMs - s.events[0]!.exchTsMs;
  return ms / 3_600_000;
}

/** What an engine found on every labelled and clean stream (scored by `scoreRun`). */
export interface DetectionRun {
  readonly detections: readonly Detection[];
  readonly cleanDetections: readonly Detection[];
  readonly episodes: readonly Episode[];
  readonly cleanHours: number;
}

export function runEngine(createEngine: (spec: SymbolSpec) => SurveillanceEngine, labelled: readonly LabelledInput[], clean: readonly CleanInput[]): DetectionRun {
  return {
    detections: labelled.flatMap((s) => detect(createEngine, s.spec, s.events)),
    cleanDetections: clean.flatMap((s) => detect(createEngine, s.spec, s.events)),
    episodes: labelled.flatMap((s) => s.episodes),
    cleanHours: streamHours(clean),
  };
}

/** What metrics() is computed from, for one type: kept per run so that runs can be pooled (poolCounts). */
export interface TypeCounts {
  readonly counts: MatchCounts;
  readonly cleanAlerts: number;
  readonly cleanHours: number;
}

export type CountsByType = Record<InjectableType, TypeCounts>;

/** Each injectable type's counts; `voidOverrun` as in matchType. */
export function countRun(run: DetectionRun, voidOverrun = true): CountsByType {
  const out = {} as Record<InjectableType, TypeCounts>;
  for (const type of INJECTABLE_TYPES) {
    const cleanAlerts = run.cleanDetections.filter((d) => d.alert.type === type).length;
    out[type] = { counts: matchType(type, run.detections, run.episodes, voidOverrun), cleanAlerts, cleanHours: run.cleanHours };
  }
  return out;
}

/** Several runs' counts as one: every count summed, the delays of all of them together. */
export function poolCounts(parts: readonly TypeCounts[]): TypeCounts {
  const sum = (pick: (c: MatchCounts) => number) => parts.reduce((n, p) => n + pick(p.counts), 0);
  return {
    counts: {
      alerts: sum((c) => c.alerts),
      matchedAlerts: sum((c) => c.matchedAlerts),
      episodes: sum((c) => c.episodes),
      detectedEpisodes: sum((c) => c.detectedEpisodes),
      delaysMs: parts.flatMap((p) => p.counts.delaysMs),
    },
    cleanAlerts: parts.reduce((n, p) => n + p.cleanAlerts, 0),
    cleanHours: parts.reduce((h, p) => h + p.cleanHours, 0),
  };
}

/** metrics() of one run's (or a pool's) counts. */
export function metricsOf(c: TypeCounts): TypeMetrics {
  return metrics(c.counts, c.cleanAlerts, c.cleanHours);
}

/** Each injectable type's metrics; `voidOverrun` as in matchType. */
export function scoreRun(run: DetectionRun, voidOverrun = true): MetricsByType {
  const counts = countRun(run, voidOverrun);
  const out = {} as Record<InjectableType, TypeMetrics>;
  for (const type of INJECTABLE_TYPES) out[type] = metricsOf(counts[type]);
  return out;
}
