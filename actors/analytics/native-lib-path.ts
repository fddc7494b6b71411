/**
 * Where libgenesis.so is. A static `with { type: "file" }` import, so that
 * `bun build --compile` embeds the library in the single binary (Bun
 * extracts it for dlopen at run time); in development it is the path of
 * native/build/libgenesis.so. This module is only ever loaded through a
 * guarded require (see native-engine.ts `resolveNativeLibrary`): when the
 * library was never built, the import fails and the TypeScript engine is used.
 */
import libPath from "../../native/build/libgenesis.so" with { type: "file" };

export default libPath as string;
