/**
 * What the web layer needs from the rest of the process. The routes see
 * only this interface: no actor, no Context leaks the other way.
 */
import type { Fanout } from "../actors/hub/fanout.ts";
import type { Mode } from "../src/switchboard.ts";
import type { PlaybackCommand } from "../actors/feed/drivers.ts";
import type { ReplayPosition } from "../actors/feed/replay-driver.ts";
import type { AnomalyQueries } from "../src/db/anomalies.ts";
import type { HistoryQueries } from "../src/db/history.ts";

export interface HealthReport {
  status: "ok" | "degraded";
  mode: Mode;
  actors: Record<string, string>;
  [key: string]: unknown;
}

export interface WebDeps {
  mode: Mode;
  /** Symbols this process serves, in display order (the first is the dashboard default). */
  symbols: readonly string[];
  /** Feature column names, `FeatureRow.values[i]` is `featureNames[i]`. */
  featureNames: readonly string[];
  /** Only `subscribe` is used: subscribe(subscriber) returns the unsubscribe function. */
  fanout: Pick<Fanout, "subscribe">;
  health(): HealthReport;
  /** Prometheus text exposition format 0.0.4. */
  metricsText(): Promise<string> | string;
  /** Per-client bound on messages not yet pulled by the consumer; default 1024. */
  sseMaxQueue?: number;
  /** Frame-received to SSE-written latency, per market message (live and sim; not replay, whose times are recorded). */
  observeSseLatencyMs?(latencyMs: number): void;
  /** Replay playback, present in replay mode. */
  replay?: ReplayControls;
  /** When set, state-changing controls require `Authorization: Bearer <token>`. */
  controlToken?: string;
  /** Comment heartbeat period per SSE client; default 15 000 ms. */
  sseHeartbeatMs?: number;
  /** The recorded history (`/api/history`, `/api/trades`, the chart's prefill); absent when recording is off. */
  history?: HistoryQueries;
  /** The recorded surveillance alerts and the book around them (`/alerts`, `/api/anomalies`); absent when recording is off. */
  anomalies?: AnomalyQueries;
}

export interface ReplayControls {
  position(): (ReplayPosition & { state: string }) | null;
  command(command: PlaybackCommand): void;
}

export const DEFAULT_SSE_MAX_QUEUE = 1024;
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;
