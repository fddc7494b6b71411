/** GET /sse: the live event feed, one SseClient per connection. */
import { Elysia, t } from "elysia";
import { DEFAULT_SSE_HEARTBEAT_MS, DEFAULT_SSE_MAX_QUEUE, type WebDeps } from "../deps.ts";
import { parseSseQuery } from "../query.ts";
import { SseClient } from "../sse-client.ts";

// Strings only: the semantic checks live in query.ts so every rejection names its parameter.
const SseQuery = t.Object({
  symbols: t.Optional(t.String()),
  events: t.Optional(t.String()),
  throttleMs: t.Optional(t.String()),
});

export function streamRoutes(deps: WebDeps) {
  return new Elysia({ name: "genesis.stream" }).get(
    "/sse",
    ({ query, request }) => {
      const params = parseSseQuery(query, deps.symbols);
      const client = new SseClient({
        ...params,
        maxQueue: deps.sseMaxQueue ?? DEFAULT_SSE_MAX_QUEUE,
        heartbeatMs: deps.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS,
        onWritten: deps.observeSseLatencyMs,
      });
      client.attach((subscriber) => deps.fanout.subscribe(subscriber), request.signal);
      return new Response(client.stream, {
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache",
          // Ask reverse proxies (nginx) not to buffer the stream.
          "x-accel-buffering": "no",
        },
      });
    },
    { query: SseQuery },
  );
}
