/**
 * The replay control bar (#replay-controls): play/pause, speed, seek, the
 * replay clock and progress. One partial for the first render, for its own
 * 1 s poll (`GET /replay/controls`) and for the answer to every control
 * POST, so the bar always shows the server's state, never a guess.
 *
 * Swaps morph the bar in place: a slider the user is dragging keeps focus
 * and value (htmx leaves a focused input's value alone). Errors (4xx/5xx)
 * go as plain text into #replay-error instead of replacing the bar.
 */
import { type SafeHtml, html } from "../html.ts";

/** What `ReplayControls.position()` returns; read defensively, the driver owns the shape. */
export interface ReplayStatusLike {
  readonly state: string;
  readonly tsMs?: number;
  readonly framesSent?: number;
  readonly paused?: boolean;
  readonly speed?: number | "max";
  readonly startTsMs?: number;
  readonly endTsMs?: number;
}

export interface ReplayControlsView {
  /** null: the replay has not reported a position yet. */
  readonly status: ReplayStatusLike | null;
  /** Rendered into hx-headers; only ever the token the request itself proved it holds. */
  readonly token: string | null;
  /** A control token is configured and this page does not hold it: controls are shown disabled. */
  readonly locked: boolean;
}

export const SPEED_CHOICES: readonly (number | "max")[] = [1, 10, 100, "max"];
export const REPLAY_POLL = "every 1s";

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
/** A recorded time: the driver reports 0 before it has opened the files. */
const known = (value: unknown): value is number => finite(value) && value > 0;

/** `2024-07-18 00:12:34.567 UTC`: recordings are in UTC, so is the clock. */
export function fmtUtc(tsMs: number | undefined): string {
  if (!known(tsMs)) return "—";
  return `${new Date(tsMs).toISOString().replace("T", " ").replace("Z", "")} UTC`;
}

export function fmtSpeed(speed: number | "max" | undefined): string {
  if (speed === "max") return "max";
  return finite(speed) ? `${speed}×` : "—";
}

/** Fraction of the recording played, 0..1; null when the span is unknown. */
export function progressOf(status: ReplayStatusLike | null): number | null {
  if (!status || !known(status.tsMs) || !known(status.startTsMs) || !known(status.endTsMs)) return null;
  const span = status.endTsMs - status.startTsMs;
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (status.tsMs - status.startTsMs) / span));
}

/** `42.1%` of the recording when its end is known, else the time played since its start (`+1:02:03`). */
export function progressText(status: ReplayStatusLike | null): string {
  const fraction = progressOf(status);
  if (fraction !== null) return `${(fraction * 100).toFixed(1)}%`;
  if (!status || !known(status.tsMs) || !known(status.startTsMs)) return "";
  const s = Math.max(0, Math.floor((status.tsMs - status.startTsMs) / 1000));
  const two = (n: number) => String(n).padStart(2, "0");
  return `+${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/**
 * running / paused / finished: the feed actor's state, which changes as the
 * command is taken; the driver's `paused` flag follows with its next report.
 */
export function playbackState(status: ReplayStatusLike | null): string {
  return status ? status.state : "starting";
}

function speedButtons(status: ReplayStatusLike | null, disabled: boolean): SafeHtml {
  const buttons = SPEED_CHOICES.map((speed) => {
    const pressed = status?.speed === speed;
    return html`<button type="button" class="rc-speed" data-speed="${speed}" aria-pressed="${pressed ? "true" : "false"}"${disabled ? html` disabled` : ""}
      hx-post="/api/replay/speed?value=${speed}">${fmtSpeed(speed)}</button>`;
  });
  return html`<div class="rc-speeds" role="group" aria-label="replay speed">${buttons}</div>`;
}

function seekControl(status: ReplayStatusLike | null, disabled: boolean): SafeHtml {
  const off = disabled ? html` disabled` : "";
  const tsMs = status && known(status.tsMs) ? status.tsMs : null;
  // Back to the start is a seek like any other (the driver replays from the first file).
  const restart =
    status && known(status.startTsMs)
      ? html`<button type="button" id="replay-restart" class="rc-restart" aria-label="back to the start"${off}
      hx-post="/api/replay/seek?ts=${status.startTsMs}">|◀</button>`
      : "";
  // The slider blurs after a seek so the next poll may move it again (a focused input keeps its value).
  if (status && known(status.startTsMs) && known(status.endTsMs) && status.endTsMs > status.startTsMs) {
    const value = Math.min(status.endTsMs, Math.max(status.startTsMs, tsMs ?? status.startTsMs));
    return html`${restart}<input id="replay-seek" class="rc-seek" type="range" name="ts" aria-label="seek"
      min="${status.startTsMs}" max="${status.endTsMs}" step="1000" value="${value}"${off}
      hx-post="/api/replay/seek" hx-trigger="change" _="on change call me.blur()">`;
  }
  // The end is known only once it has been reached: until then, seek to a typed UTC time
  // (pre-filled with the replay clock; a focused field keeps what the user types).
  return html`${restart}<form id="replay-seek-form" class="rc-seek-form" hx-post="/api/replay/seek">
      <input id="replay-seek-time" type="datetime-local" name="ts" step="1" aria-label="seek to (UTC)" required${off}
        value="${tsMs === null ? "" : new Date(tsMs).toISOString().slice(0, 19)}">
      <button type="submit" id="replay-seek-go"${off}>seek</button>
    </form>`;
}

/** Pause while running; play while paused; at the end (where resume means nothing) play again from the start. */
function toggleButton(status: ReplayStatusLike | null, state: string, locked: boolean): SafeHtml {
  const [action, url, label, glyph] =
    state === "running"
      ? ["pause", "/api/replay/pause", "pause", "❚❚"]
      : state === "finished" && status && known(status.startTsMs)
        ? ["restart", `/api/replay/seek?ts=${status.startTsMs}`, "play again from the start", "▶"]
        : ["resume", "/api/replay/resume", "play", "▶"];
  return html`<button type="button" id="replay-toggle" class="rc-toggle" data-action="${action}"${locked ? html` disabled` : ""}
    hx-post="${url}" aria-label="${label}">${glyph}</button>`;
}

export function replayControls(view: ReplayControlsView): SafeHtml {
  const { status, locked } = view;
  const state = playbackState(status);
  const headers = view.token !== null ? JSON.stringify({ "X-Genesis-Token": view.token }) : null;
  const off = locked ? html` disabled` : "";
  return html`<section id="replay-controls" class="panel replay-bar" aria-label="replay controls"
  data-state="${state}" data-ts-ms="${known(status?.tsMs) ? status.tsMs : ""}" data-speed="${status?.speed ?? ""}" data-frames-sent="${status?.framesSent ?? ""}"
  hx-get="/replay/controls" hx-trigger="${REPLAY_POLL}" hx-target:inherited="#replay-controls" hx-swap:inherited="outerMorph"
  hx-status:4xx:inherited="target:#replay-error swap:textContent" hx-status:5xx:inherited="target:#replay-error swap:textContent"${headers !== null ? html` hx-headers:inherited="${headers}"` : ""}>
  ${toggleButton(status, state, locked)}
  ${speedButtons(status, locked)}
  <div class="rc-clock">
    <b id="replay-time" title="replay clock: recorded receive time of the last frame delivered">${fmtUtc(status?.tsMs)}</b>
    <span><span id="replay-state" class="rc-state" data-state="${state}">${state} · ${fmtSpeed(status?.speed)}</span> <span id="replay-progress" class="muted">${progressText(status)}</span>${locked ? html` <span class="rc-locked" title="open the page with ?token=&lt;control token&gt; to use the controls">· locked</span>` : ""}</span>
  </div>
  ${seekControl(status, locked)}
  <span id="replay-error" class="rc-error" role="alert"></span>
</section>`;
}
