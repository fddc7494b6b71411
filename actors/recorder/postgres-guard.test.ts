import { expect, test } from "bun:test";
import { isPostgresNullSocketError } from "./postgres-guard.ts";

function withStack(error: Error, stack: string): Error {
  error.stack = stack;
  return error;
}

test("recognises exactly postgres.js's null-socket TypeError, on Bun and on Node", () => {
  const bun = withStack(
    new TypeError("null is not an object (evaluating 'socket.write')"),
    "TypeError: null is not an object (evaluating 'socket.write')\n    at nextWrite (/app/node_modules/postgres/src/connection.js:255:15)",
  );
  const node = withStack(
    new TypeError("Cannot read properties of null (reading 'write')"),
    "TypeError: Cannot read properties of null (reading 'write')\n    at Immediate.nextWrite (/app/node_modules/postgres/src/connection.js:255:22)\n    at process.processImmediate (node:internal/timers:485:21)",
  );
  expect(isPostgresNullSocketError(bun)).toBe(true);
  expect(isPostgresNullSocketError(node)).toBe(true);

  const elsewhere = withStack(new TypeError("null is not an object (evaluating 'socket.write')"), "TypeError: x\n    at nextWrite (/app/src/mine.ts:1:1)");
  const other = withStack(new TypeError("undefined is not a function"), "TypeError: x\n    at nextWrite (/app/node_modules/postgres/src/connection.js:255:15)");
  expect(isPostgresNullSocketError(elsewhere)).toBe(false);
  expect(isPostgresNullSocketError(other)).toBe(false);
  expect(isPostgresNullSocketError(new Error("null is not an object (evaluating 'socket.write')"))).toBe(false);
  expect(isPostgresNullSocketError("socket.write")).toBe(false);
});

test("pg-writer tells a lost connection from an error the server reported", async () => {
  const { isConnectionError } = await import("./pg-writer.ts");
  const coded = (code: string, name = "Error") => Object.assign(new Error(code), { code, name });
  expect(isConnectionError(coded("CONNECTION_CLOSED"))).toBe(true);
  expect(isConnectionError(coded("CONNECT_TIMEOUT"))).toBe(true);
  expect(isConnectionError(coded("ECONNRESET"))).toBe(true);
  expect(isConnectionError(coded("42P01", "PostgresError"))).toBe(false);
  expect(isConnectionError(coded("EXAMPLE", "PostgresError"))).toBe(false);
  expect(isConnectionError(new TypeError("x"))).toBe(false);
});
