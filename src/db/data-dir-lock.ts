/**
 * One process per embedded data directory: PGlite has no lock of its own,
 * and two engines writing one directory corrupt it. The lock is a file
 * holding the owner's pid, created atomically (written aside, then
 * hard-linked into place, which fails if it exists, so a reader never sees
 * it empty); a lock whose process is gone (a crash, kill -9) is stale and
 * taken over.
 */
import { linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { DatabaseError } from "./errors.ts";

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Takes the lock or throws a `data_dir_locked` DatabaseError naming the holder's pid. */
export function lockDataDir(lockPath: string, what: string): DataDirLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    const asidePath = `${lockPath}.${process.pid}.tmp`;
    writeFileSync(asidePath, `${process.pid}\n`);
    try {
      linkSync(asidePath, lockPath);
      let released = false;
      return {
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          if (holderPid(lockPath) === process.pid) rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(asidePath, { force: true });
    }
    const pid = holderPid(lockPath);
    if (pid !== undefined && isAlive(pid)) {
      const who = pid === process.pid ? "this process (it is already open)" : `process ${pid}`;
      throw new DatabaseError(
        "data_dir_locked",
        `${what} is in use by ${who}: lock file ${lockPath}. Stop that process, or use another --data-dir.`,
      );
    }
    // Stale (its process is gone, or the file is not ours to read): take it over.
    rmSync(lockPath, { force: true });
  }
  throw new DatabaseError("data_dir_locked", `${what}: could not take lock file ${lockPath} (another process keeps recreating it)`);
}

function holderPid(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}
