/**
 * Parameters of the replay controls. Pure: every rejection is a 400 whose
 * message names the parameter and the value.
 */
import { badRequest } from "./http.ts";

/** Same bound as the CLI's `--speed`. */
export const MAX_SPEED_FACTOR = 1_000_000;

export type SpeedValue = number | "max";

/** `value=1|10|100|max|<positive factor>`: a plain decimal, no exponent or sign. */
export function parseSpeed(raw: string | undefined): SpeedValue {
  if (raw === undefined || raw === "") throw badRequest(`missing value: give value=1|10|100|max or a positive factor`);
  if (raw === "max") return "max";
  const factor = /^\d{1,7}(\.\d{1,6})?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(factor > 0 && factor <= MAX_SPEED_FACTOR)) {
    throw badRequest(`invalid value ${JSON.stringify(raw)}: expected 1, 10, 100, max or a factor above 0 and at most ${MAX_SPEED_FACTOR}`);
  }
  return factor;
}

/** Fractions allowed: recorded times are nanosecond-precise, so the positions the console posts back are too. */
const EPOCH_MS = /^\d{1,16}(\.\d{1,6})?$/;
// ISO-8601 date-time: `T` or a space, seconds and fraction optional, zone optional (absent: UTC).
const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * `ts=<epoch ms>` or `ts=<ISO-8601>`. A time without a zone is UTC, not the
 * server's local time: the recordings are in UTC and the server's zone is
 * an accident of deployment. `bounds`, when known, is the recording's span.
 */
export function parseSeekTs(raw: string | undefined, bounds?: { startTsMs?: number; endTsMs?: number }): number {
  if (raw === undefined || raw === "") throw badRequest("missing ts: give ts=<epoch ms> or ts=<ISO-8601 time>");
  let tsMs = Number.NaN;
  if (EPOCH_MS.test(raw)) {
    tsMs = Number(raw);
  } else {
    const m = ISO.exec(raw.trim());
    if (m) {
      const fraction = m[4] ? `.${m[4].slice(0, 3).padEnd(3, "0")}` : "";
      let zone = (m[5] ?? "Z").toUpperCase();
      if (zone !== "Z" && !zone.includes(":")) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
      tsMs = Date.parse(`${m[1]}T${m[2]}${m[3] ?? ":00"}${fraction}${zone}`);
    }
  }
  if (!Number.isFinite(tsMs)) {
    throw badRequest(`invalid ts ${JSON.stringify(raw)}: expected epoch milliseconds or an ISO-8601 time such as 2024-07-18T00:30:00Z`);
  }
  const { startTsMs, endTsMs } = bounds ?? {};
  if ((isTime(startTsMs) && tsMs < startTsMs) || (isTime(endTsMs) && tsMs > endTsMs)) {
    throw badRequest(`ts ${JSON.stringify(raw)} (${new Date(tsMs).toISOString()}) is outside the recording: ${span(startTsMs)} to ${span(endTsMs)}`);
  }
  return tsMs;
}

function isTime(value: number | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function span(tsMs: number | undefined): string {
  return isTime(tsMs) ? new Date(tsMs).toISOString() : "?";
}
