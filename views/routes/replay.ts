/**
 * Replay playback over HTTP. JSON for programs, the #replay-controls
 * partial for htmx (requests with `HX-Request`):
 *
 *   GET  /api/replay                  position and state
 *   POST /api/replay/pause | resume
 *   POST /api/replay/speed?value=1|10|100|max|<factor>
 *   POST /api/replay/seek?ts=<epoch ms|ISO-8601>   (or `ts` as a form field)
 *   GET  /replay/controls             the partial (the bar polls it)
 *
 * 404 outside replay mode. Who may POST is decided before routing, by
 * control-auth.ts (token and CSRF rules).
 */
import { Elysia, t } from "elysia";
import type { PlaybackCommand } from "../../actors/feed/drivers.ts";
import { presentedToken, provenToken } from "../control-auth.ts";
import type { ReplayControls, WebDeps } from "../deps.ts";
import { HttpError } from "../http.ts";
import { type ReplayStatusLike, replayControls } from "../partials/replay.ts";
import { parseSeekTs, parseSpeed } from "../replay-params.ts";

/** How long a POST waits for the feed to reflect its command before answering with what it has. */
export const SETTLE_MS = 300;
const SETTLE_POLL_MS = 5;
/** Recorded frames are milliseconds apart; the last one before a seek target is well within this. */
const SEEK_NEAR_MS = 1000;

const NO_STORE = { "cache-control": "no-store" };
const JSON_TYPE = { "content-type": "application/json; charset=utf-8", ...NO_STORE };
const HTML_TYPE = { "content-type": "text/html; charset=utf-8", ...NO_STORE };

const CommandQuery = t.Object({ value: t.Optional(t.String()), ts: t.Optional(t.String()) });

function requireReplay(deps: WebDeps): ReplayControls {
  if (deps.replay === undefined) {
    throw new HttpError(404, "not_replay", `replay controls exist only in replay mode; this process runs in ${deps.mode} mode`);
  }
  return deps.replay;
}

function statusOf(replay: ReplayControls): ReplayStatusLike | null {
  return replay.position() as ReplayStatusLike | null;
}

/** Position and state; `{state: "starting"}` until the replay reports its first position. */
function jsonStatus(status: ReplayStatusLike | null): Response {
  return new Response(JSON.stringify(status ?? { state: "starting" }), { headers: JSON_TYPE });
}

/** A form field (htmx posts the slider's value as one), whatever the body's encoding. */
function formField(body: unknown, name: string): string | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** True once `status` shows the effect of `command` (the feed applies commands asynchronously). */
export function reflects(command: PlaybackCommand, before: ReplayStatusLike | null, status: ReplayStatusLike | null): boolean {
  if (status === null) return false;
  switch (command.type) {
    case "feed.pause":
      return status.state !== "running";
    case "feed.resume":
      return status.state !== "paused";
    case "feed.setSpeed":
      return status.speed === command.speed;
    case "feed.seek": {
      // The driver fast-forwards to the target (from the beginning when going back) and reports
      // the last frame before it, so "arrived" is "within SEEK_NEAR_MS below the target or past it".
      if (status.state === "finished") return true;
      if (typeof status.tsMs !== "number" || status.tsMs < command.tsMs - SEEK_NEAR_MS) return false;
      const from = before?.tsMs;
      return typeof from === "number" && command.tsMs < from ? status.tsMs < from : true;
    }
  }
}

async function settle(replay: ReplayControls, command: PlaybackCommand, before: ReplayStatusLike | null): Promise<ReplayStatusLike | null> {
  const deadline = performance.now() + SETTLE_MS;
  let status = statusOf(replay);
  while (!reflects(command, before, status) && performance.now() < deadline) {
    await Bun.sleep(SETTLE_POLL_MS);
    status = statusOf(replay);
  }
  return status;
}

export function replayRoutes(deps: WebDeps) {
  const controlsHtml = (status: ReplayStatusLike | null, headers: Headers): Response => {
    const token = provenToken(presentedToken(headers), deps.controlToken);
    const locked = Boolean(deps.controlToken) && token === null;
    return new Response(replayControls({ status, token, locked }).value, { headers: HTML_TYPE });
  };

  const run = async (request: Request, command: PlaybackCommand): Promise<Response> => {
    const replay = requireReplay(deps);
    const before = statusOf(replay);
    replay.command(command);
    const status = await settle(replay, command, before);
    return request.headers.has("hx-request") ? controlsHtml(status, request.headers) : jsonStatus(status);
  };

  return new Elysia()
    .get("/api/replay", () => jsonStatus(statusOf(requireReplay(deps))))
    .get("/replay/controls", ({ request }) => controlsHtml(statusOf(requireReplay(deps)), request.headers))
    .post("/api/replay/pause", ({ request }) => run(request, { type: "feed.pause" }))
    .post("/api/replay/resume", ({ request }) => run(request, { type: "feed.resume" }))
    .post(
      "/api/replay/speed",
      ({ request, query, body }) => {
        requireReplay(deps);
        return run(request, { type: "feed.setSpeed", speed: parseSpeed(query.value ?? formField(body, "value")) });
      },
      { query: CommandQuery },
    )
    .post(
      "/api/replay/seek",
      ({ request, query, body }) => {
        const status = statusOf(requireReplay(deps));
        const tsMs = parseSeekTs(query.ts ?? formField(body, "ts"), status ?? undefined);
        // A finished replay has nothing at or after its last frame: the driver ignores such a
        // seek, but the feed actor would leave "finished" for "running" and show a replay that
        // never moves. Answer with where it stands instead.
        if (status?.state === "finished" && typeof status.tsMs === "number" && tsMs >= status.tsMs) {
          return request.headers.has("hx-request") ? controlsHtml(status, request.headers) : jsonStatus(status);
        }
        return run(request, { type: "feed.seek", tsMs });
      },
      { query: CommandQuery },
    );
}
