/**
 * The one typed accessor for long-lived actors: `actorRef(system, "book")`
 * is an ActorRef that accepts exactly the book's commands (switchboard.ts).
 */
import type { ActorRef, ActorSystem, Snapshot } from "xstate";
import type { ActorCommands, ActorId } from "./switchboard.ts";

export function actorRef<K extends ActorId>(system: ActorSystem<any>, id: K): ActorRef<Snapshot<unknown>, ActorCommands[K]> {
  const ref = system.get(id);
  if (!ref) throw new Error(`actor not found: systemId=${id}`);
  return ref as ActorRef<Snapshot<unknown>, ActorCommands[K]>;
}
