import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createActor, waitFor } from "xstate";
import { Fanout } from "../hub/fanout.ts";
import type { BatchWriter, WriteBatch, WriteResult } from "./pg-writer.ts";
import { recorderMachine, recorderStatus, type RecorderFact } from "./recorder.machine.ts";
import { makeItems, TEST_FEATURE_NAMES } from "./test-support.ts";

/** Commits in memory; `down` makes every call fail as a refused connection would. */
class SwitchableWriter implements BatchWriter {
  down = false;
  readonly rows: number[] = [];
  async prepare(): Promise<void> {
    if (this.down) throw new Error("connection refused");
  }
  async write(batch: WriteBatch): Promise<WriteResult> {
    if (this.down) throw new Error("connection refused");
    for (const row of batch.rows) this.rows.push(row.seq);
    return { inserted: batch.rows.length, alreadyPresent: 0 };
  }
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await Bun.sleep(2);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("connecting -> recording <-> degraded -> stopped, fed by the Fanout, with facts emitted", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "genesis-recorder-actor-"));
  dirs.push(dataDir);
  const writer = new SwitchableWriter();
  const fanout = new Fanout(TEST_FEATURE_NAMES);
  const actor = createActor(recorderMachine, {
    input: { writer, fanout, options: { dataDir, featureNames: TEST_FEATURE_NAMES, recordBookMs: 0, lingerMs: 1, retryBaseMs: 5, retryMaxMs: 20 } },
  });
  const facts: RecorderFact["type"][] = [];
  for (const type of ["recorder.degraded", "recorder.recovered", "recorder.stopped"] as const) actor.on(type, (fact) => facts.push(fact.type));
  const seen: string[] = [];
  actor.subscribe((snapshot) => {
    const status = recorderStatus(snapshot.value);
    if (seen.at(-1) !== status) seen.push(status);
  });
  actor.start();
  await waitFor(actor, (s) => s.matches({ active: "recording" }));

  fanout.publish(makeItems(0, 300));
  const core = actor.getSnapshot().context.core;
  await until(() => core.counters().total.written === 300);

  writer.down = true;
  fanout.publish(makeItems(300, 300));
  await waitFor(actor, (s) => s.matches({ active: "degraded" }));
  writer.down = false;
  await waitFor(actor, (s) => s.matches({ active: "recording" }));
  await until(() => core.counters().total.written === 600);

  actor.send({ type: "recorder.stop", timeoutMs: 2_000 });
  await waitFor(actor, (s) => s.status === "done");
  fanout.publish(makeItems(600, 10)); // unsubscribed: not offered
  expect(core.counters().total.received).toBe(600);
  expect(core.counters().droppedAfterClose).toBe(0);
  expect(writer.rows).toEqual(Array.from({ length: 600 }, (_, i) => i));
  expect(seen).toEqual(["connecting", "recording", "degraded", "recording", "stopping", "stopped"]);
  expect(facts).toEqual(["recorder.degraded", "recorder.recovered", "recorder.stopped"]);
});
