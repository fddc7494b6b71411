/**
 * Test helper: starts a Genesis process (source or compiled binary) on a free
 * port and waits for its "listening" line.
 */
import type { Subprocess } from "bun";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface RunningGenesis {
  readonly url: string;
  readonly process: Subprocess<"ignore", "pipe", "pipe">;
  stderr(): string;
  stop(): Promise<number>;
}

const repoRoot = path.resolve(import.meta.dir, "../..");

export async function spawnGenesis(args: string[], options: { command?: string[]; cwd?: string; env?: Record<string, string> } = {}): Promise<RunningGenesis> {
  const command = options.command ?? [process.execPath, path.join(repoRoot, "src/main.ts")];
  // Each process records into its own fresh embedded database: data dirs are single-opener.
  const dataDir = mkdtempSync(path.join(tmpdir(), "genesis-test-data-"));
  const child = Bun.spawn([...command, "--port", "0", ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...(options.env ?? process.env), GENESIS_DATA_DIR: dataDir },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let stderrText = "";
  void (async () => {
    const stderrReader = child.stderr.getReader();
    for (let chunk = await stderrReader.read(); !chunk.done; chunk = await stderrReader.read()) stderrText += new TextDecoder().decode(chunk.value);
  })();
  const reader = child.stdout.getReader();
  let stdoutText = "";
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const match = stdoutText.match(/genesis listening on (http:\/\/\S+)/);
    if (match) {
      reader.releaseLock();
      return {
        url: match[1]!,
        process: child,
        stderr: () => stderrText,
        async stop() {
          child.kill("SIGTERM");
          return await child.exited;
        },
      };
    }
    const { value, done } = await reader.read();
    if (done) break;
    stdoutText += new TextDecoder().decode(value);
  }
  child.kill();
  throw new Error(`genesis did not start: stdout=${stdoutText} stderr=${stderrText}`);
}

export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

/** Reads SSE messages until `count` have arrived or the time runs out. */
export async function readSse(url: string, count: number, timeoutMs = 10_000): Promise<SseMessage[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const messages: SseMessage[] = [];
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`SSE ${url}: HTTP ${response.status} ${await response.text()}`);
    let buffer = "";
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += new TextDecoder().decode(chunk.value);
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: SseMessage = { id: "", event: "message", data: "" };
        let isComment = true;
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          isComment = false;
          const colon = line.indexOf(": ");
          const field = line.slice(0, colon);
          const value = line.slice(colon + 2);
          if (field === "id") message.id = value;
          else if (field === "event") message.event = value;
          else if (field === "data") message.data += value;
        }
        if (!isComment) messages.push(message);
        if (messages.length >= count) return messages;
      }
    }
  } catch (error) {
    if (!(error instanceof DOMException && error.name === "AbortError")) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return messages;
}
