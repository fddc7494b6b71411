/**
 * Receive-time text <-> fractional epoch milliseconds (RawFrame.localTsMs).
 *
 * A 2024 epoch in nanoseconds (19 digits) does not fit a double, so the
 * text is split into whole milliseconds (exact) plus the sub-millisecond
 * digits, and added once: the result is the double nearest the recorded
 * time (within half a double's spacing, about 0.12 us in 2024).
 */

/** Integer epoch text of any unit, told apart by magnitude: >= 18 digits ns, 15 to 17 us, fewer ms. NaN when not digits. */
export function epochDigitsToMs(text: string): number {
  const length = text.length;
  if (length === 0 || !isDigits(text)) return Number.NaN;
  if (length >= 18) return Number(text.slice(0, length - 6)) + Number(text.slice(length - 6)) / 1e6;
  if (length >= 15) return Number(text.slice(0, length - 3)) + Number(text.slice(length - 3)) / 1e3;
  return Number(text);
}

/** Unix seconds with an optional fraction ("1617647797.5963788", cryptofeed). NaN when malformed. */
export function secondsTextToMs(text: string): number {
  const dot = text.indexOf(".");
  const whole = dot < 0 ? text : text.slice(0, dot);
  const fraction = dot < 0 ? "" : text.slice(dot + 1);
  if (whole.length === 0 || !isDigits(whole) || (fraction.length > 0 && !isDigits(fraction))) return Number.NaN;
  // Milliseconds = whole * 1000 + the first three fraction digits, exactly; the rest is the sub-ms part.
  const msDigits = (fraction + "000").slice(0, 3);
  const subMs = fraction.length > 3 ? Number(`0.${fraction.slice(3)}`) : 0;
  return Number(whole) * 1000 + Number(msDigits) + subMs;
}

/**
 * Integer nanoseconds text for a fractional epoch in ms. For any epoch
 * from 2001-09-09 on (>= 1e12 ms, so the text has 19 digits and reads back
 * as ns) `epochDigitsToMs(msToNsText(x)) === x` exactly: a double's spacing
 * there (>= 0.12 us) is coarser than 1 ns, so rounding to the nearest ns and
 * back lands on the same double.
 */
export function msToNsText(tsMs: number): string {
  if (!(tsMs >= 0 && Number.isFinite(tsMs))) throw new RangeError(`receive time must be a finite epoch >= 0: tsMs=${tsMs}`);
  let wholeMs = Math.floor(tsMs);
  let subNs = Math.round((tsMs - wholeMs) * 1e6);
  if (subNs >= 1e6) {
    wholeMs += 1;
    subNs -= 1e6;
  }
  return `${wholeMs}${String(subNs).padStart(6, "0")}`;
}

/** Microsecond epoch text (Tardis) to ms; NaN when not digits. */
export function microsTextToMs(text: string): number {
  if (text.length === 0 || !isDigits(text)) return Number.NaN;
  return text.length > 3 ? Number(text.slice(0, -3)) + Number(text.slice(-3)) / 1e3 : Number(text) / 1e3;
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
