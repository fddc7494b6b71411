/** Errors of the database layer: each names the database (never its password) and the file or value involved. */

export type DatabaseErrorCode =
  | "bad_url" // the URL does not parse or is not postgres://
  | "connect_failed" // the server refused, timed out or rejected the login
  | "data_dir_locked" // another process (or this one) holds the embedded data directory
  | "embedded_start_failed" // PGlite or its socket server did not start
  | "migration_changed" // an applied migration's file no longer matches its checksum
  | "migration_unknown" // the database has a migration this build does not know (it is newer)
  | "migration_failed"; // a migration's SQL failed (rolled back)

export class DatabaseError extends Error {
  override readonly name = "DatabaseError";
  constructor(
    readonly code: DatabaseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`; also works on text that is not a valid URL. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*):[^@/?#]*@/i, "$1@");
}

/** The message of an unknown thrown value, for wrapping it. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
