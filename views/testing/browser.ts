/**
 * Browser-test plumbing: start the service (or the harness) as a child
 * process and wait for its ready line; launch Debian's chromium through
 * playwright-core; collect what a page complains about.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { existsSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const ROOT = path.resolve(import.meta.dir, "../..");
const BUN = path.join(ROOT, "node_modules/.bin/bun");

export interface Service {
  readonly url: string;
  readonly child: Bun.Subprocess<"ignore", "pipe", "inherit">;
  /** Everything the child printed on stdout up to its ready line. */
  readonly stdout: string;
}

/** Runs `bun <entry> ...args` from the repo root and resolves with the URL of its ready line. */
export async function startService(entry: string, args: readonly string[], timeoutMs = 30_000): Promise<Service> {
  // A fresh embedded database per process: data dirs are single-opener.
  const env = { ...process.env, GENESIS_DATA_DIR: mkdtempSync(path.join(tmpdir(), "genesis-browser-data-")) };
  const child = Bun.spawn([BUN, entry, ...args], { cwd: ROOT, env, stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const match = /genesis listening on (http:\/\/\S+)/.exec(text);
    if (match) {
      reader.releaseLock();
      return { url: match[1]!.replace("://0.0.0.0:", "://127.0.0.1:"), child, stdout: text };
    }
  }
  child.kill();
  throw new Error(`${entry} ${args.join(" ")} did not print its ready line; stdout: ${JSON.stringify(text)}`);
}

export async function stopService(service: Service | undefined): Promise<void> {
  if (!service) return;
  service.child.kill();
  await service.child.exited;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Console errors and warnings, page errors and failed requests (the SSE fetch aborted at close excepted). */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("requestfailed", (request) => {
    if (!request.url().includes("/sse?")) problems.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`);
  });
  return problems;
}
