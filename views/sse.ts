/**
 * Server-Sent Events wire format (WHATWG HTML, "event stream" grammar).
 *
 * Invariants: a field value never contains CR or LF (they would end the
 * field early and let one value forge another field), so `id` and `event`
 * are stripped of them and multi-line `data` becomes one `data:` line per
 * line. NUL is stripped from `id` too: the spec makes a client ignore an id
 * that contains it. Every message ends with a blank line.
 */

export interface SseMessage {
  readonly id?: string | number;
  readonly event?: string;
  readonly data: string;
  /** Reconnection delay the client should use, in milliseconds. */
  readonly retryMs?: number;
}

/** A comment line: ignored by clients, keeps idle proxies from closing the connection. */
export const SSE_PING = ": ping\n\n";

const LINE_BREAKS = /\r\n|\r|\n/;
const FIELD_UNSAFE = /[\r\n\0]/g;

export function encodeSse(message: SseMessage): string {
  let out = "";
  if (message.id !== undefined) out += `id: ${String(message.id).replace(FIELD_UNSAFE, "")}\n`;
  if (message.event !== undefined) out += `event: ${message.event.replace(FIELD_UNSAFE, "")}\n`;
  if (message.retryMs !== undefined && Number.isInteger(message.retryMs) && message.retryMs >= 0) {
    out += `retry: ${message.retryMs}\n`;
  }
  const data = message.data;
  // JSON.stringify output never holds a raw line break: skip the split on the hot path.
  if (data.indexOf("\n") < 0 && data.indexOf("\r") < 0) {
    out += `data: ${data}\n`;
  } else {
    for (const line of data.split(LINE_BREAKS)) out += `data: ${line}\n`;
  }
  return out + "\n";
}

/** A comment; CR/LF are replaced so the text stays one comment line. */
export function encodeSseComment(text: string): string {
  return `: ${text.replace(FIELD_UNSAFE, " ")}\n\n`;
}
