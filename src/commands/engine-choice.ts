import { nativeStatus } from "../../actors/analytics/engine.ts";
import type { Engine } from "../switchboard.ts";

/** Native by default; the TypeScript engine when the library is missing, said once and plainly. */
export function chooseEngine(requested: Engine): Engine {
  if (requested === "ts") return "ts";
  const status = nativeStatus();
  if (status.available) return "native";
  console.error(`genesis: native analytics unavailable (${status.reason}); using the TypeScript engine`);
  return "ts";
}
