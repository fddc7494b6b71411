/**
 * `genesis export --input FILES [--events ...]`: replays recordings through
 * the same actors at full speed and writes one JSON object per event to
 * stdout, `{"event": NAME, ...data}` with the same data as the SSE feed. A
 * progress bar goes to stderr when stderr is a terminal.
 */
import { SingleBar } from "cli-progress";
import type { HubEventName, HubMessage } from "../../actors/hub/fanout.ts";
import type { ExportOptions } from "../cli.ts";
import { createSurveillanceEngine } from "../../actors/surveillance/engine.ts";
import { GenesisSystem } from "../system.ts";
import type { SymbolSpec } from "../switchboard.ts";
import { chooseEngine } from "./engine-choice.ts";
import { replaySource } from "./market-source.ts";

/** Output is written in chunks of about this many bytes. */
const CHUNK_BYTES = 1 << 20;

export async function runExport(options: ExportOptions): Promise<void> {
  const engine = chooseEngine(options.engine);
  const source = await replaySource(options.input, options.symbols, "max");
  const surveillance = options.events.includes("anomaly") ? { createEngine: (spec: SymbolSpec) => createSurveillanceEngine(spec, {}, engine === "ts" ? "ts" : undefined) } : undefined;
  const system = new GenesisSystem({ mode: "replay", symbols: source.symbols, engine, feed: source.feed, specs: source.specs, statusIntervalMs: 0, surveillance });

  const out = Bun.stdout.writer({ highWaterMark: CHUNK_BYTES });
  let pending = 0;
  let events = 0;
  system.fanout.subscribe({
    symbols: null,
    events: new Set<HubEventName>(options.events),
    deliver(message: HubMessage) {
      // `data` is a JSON object: splice the event name in as its first key.
      const line = `{"event":"${message.event}",${message.data.slice(1)}\n`;
      out.write(line);
      pending += line.length;
      events++;
      if (pending >= CHUNK_BYTES) {
        out.flush();
        pending = 0;
      }
      return true;
    },
    close() {},
  });

  const progress = process.stderr.isTTY ? new SingleBar({ format: "export [{bar}] {percentage}% | {value}/{total} s of market time | {events} events", hideCursor: true, stream: process.stderr }) : null;
  const done = system.finished();
  system.start();
  const ticker = progress ? setInterval(() => showProgress(system, progress, events), 200) : null;
  await done;
  if (ticker) clearInterval(ticker);
  if (progress) {
    showProgress(system, progress, events);
    progress.stop();
  }
  system.stop();
  await out.flush();
  await out.end();
  const counters = system.counters();
  if (counters.book.malformed > 0) console.error(`genesis export: skipped ${counters.book.malformed} malformed frames`);
}

/** Progress in seconds of market time replayed; the bar starts once the replay knows its span. */
function showProgress(system: GenesisSystem, bar: SingleBar, events: number): void {
  const position = system.replayPosition();
  if (!position?.startTsMs || !position.endTsMs) return;
  const totalS = Math.max(1, Math.round((position.endTsMs - position.startTsMs) / 1000));
  const doneS = Math.min(totalS, Math.max(0, Math.round((position.tsMs - position.startTsMs) / 1000)));
  if (bar.getTotal() !== totalS) bar.start(totalS, doneS, { events });
  else bar.update(doneS, { events });
}
