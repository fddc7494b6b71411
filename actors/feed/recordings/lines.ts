/**
 * Reads a recording file as chunks of text lines, streaming: gzip is
 * recognised by its magic bytes (1f 8b), never by the file name, and
 * concatenated gzip members (a recorder that appended to an hour's file
 * after a restart) read as one text. A gzip file cut short (still being
 * written, or a crash) yields every complete line before the cut and counts
 * the truncation instead of throwing: replay must survive its own input.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";

const CHUNK_BYTES = 1 << 20;

export interface LineReadStats {
  /** Files whose gzip stream ended early or was corrupt after some good data. */
  truncatedFiles: number;
}

export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const magic = new Uint8Array(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Yields non-empty chunks of complete lines (without "\n" or a trailing "\r").
 * Each chunk holds at least one line; empty lines are kept so callers can
 * count them. The last line is yielded even without a final newline.
 */
export async function* readLineChunks(path: string, stats?: LineReadStats): AsyncGenerator<string[]> {
  const gzip = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const stream = gzip ? file.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : file;
  // pipe() does not forward the source's errors: forward them so iteration ends with the real cause.
  if (gzip) file.on("error", (error) => stream.destroy(error));
  const decoder = new TextDecoder();
  let rest = "";
  let sawData = false;
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      sawData = true;
      const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = lines.pop()!;
      if (lines.length > 0) yield stripCarriageReturns(lines);
    }
  } catch (error) {
    if (!(gzip && sawData && isZlibError(error))) throw error;
    if (stats) stats.truncatedFiles++;
    // A truncated member's last line is usually cut mid-way: drop it rather than pass a broken frame on.
    rest = "";
  } finally {
    file.destroy();
  }
  rest += decoder.decode();
  if (rest.length > 0) yield stripCarriageReturns([rest]);
}

function stripCarriageReturns(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}

/** The first lines of a file (at most `maxLines`), for format detection and bounded scans. */
export async function readHeadLines(path: string, maxLines: number): Promise<string[]> {
  const head: string[] = [];
  for await (const lines of readLineChunks(path)) {
    for (const line of lines) {
      head.push(line);
      if (head.length >= maxLines) return head;
    }
  }
  return head;
}
