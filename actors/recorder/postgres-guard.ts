/**
 * A guard against a known postgres.js defect that would turn a database
 * outage into a process crash: when a connection closes while a small write
 * is scheduled (or on a reserved connection), `nextWrite` runs with a null
 * socket and throws `TypeError: null is not an object (evaluating
 * 'socket.write')` from a timer, where no caller can catch it
 * (porsager/postgres#1066, #1154, #1208, 3.4.9 included; fixes proposed in
 * #1168, #1176, #1209). The recorder's outage test hit it in about a third
 * of its runs, through ROLLBACK after a transaction whose connection died;
 * pg-writer.ts now avoids that path, and this guard covers the rest (any
 * other query on a connection as it dies). Install it once at start-up.
 *
 * The guard listens for uncaught exceptions and swallows exactly that one
 * (a TypeError whose top frame is `nextWrite` in postgres/src/connection.js),
 * counting it. Any other uncaught exception keeps its default outcome: it is
 * printed and the process exits with status 1, unless another listener
 * handles uncaught exceptions too, in which case they decide. The query
 * whose write was lost may never settle: the recorder bounds every write
 * with its own timeout for that reason.
 */

let installed: { listener: (error: unknown) => void; count: number } | undefined;

/** True for the postgres.js null-socket TypeError (and nothing else). */
export function isPostgresNullSocketError(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  if (!/socket\.write|reading 'write'/.test(error.message)) return false;
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const top = frames[0] ?? "";
  return /nextWrite/.test(top) && /postgres[\\/]src[\\/]connection\.js/.test(top);
}

/** Installs the guard once per process (idempotent); returns how many errors it has swallowed so far, as a function. */
export function installPostgresNullSocketGuard(): () => number {
  if (!installed) {
    const state = {
      count: 0,
      listener: (error: unknown) => {
        if (isPostgresNullSocketError(error)) {
          state.count++;
          return;
        }
        if (process.listenerCount("uncaughtException") > 1) return; // someone else handles the rest
        console.error(error);
        process.exit(1);
      },
    };
    installed = state;
    process.on("uncaughtException", state.listener);
  }
  const state = installed;
  return () => state.count;
}
