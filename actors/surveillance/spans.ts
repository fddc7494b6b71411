/**
 * Flat lists of time spans, [from0, to0, from1, to1, ...] in exchange ms:
 * the flagged windows and momentum pushes the detectors remember.
 */

/** Whether tsMs falls in one of the spans (ends included). */
export function spansContain(spans: readonly number[], tsMs: number): boolean {
  for (let i = 0; i < spans.length; i += 2) if (tsMs >= spans[i]! && tsMs <= spans[i + 1]!) return true;
  return false;
}

/**
 * Drops the spans that ended before `horizonTsMs`, in place. Spans are added about in time order, so
 * when the first one is still current nothing is looked at (a stale one behind it waits a little).
 */
export function forgetSpansBefore(spans: number[], horizonTsMs: number): void {
  if (spans.length === 0 || spans[1]! >= horizonTsMs) return;
  let w = 0;
  for (let i = 0; i < spans.length; i += 2) {
    if (spans[i + 1]! < horizonTsMs) continue;
    spans[w++] = spans[i]!;
    spans[w++] = spans[i + 1]!;
  }
  spans.length = w;
}
