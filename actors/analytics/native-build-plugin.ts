/**
 * For `Bun.build({ compile, plugins: [noNativeLibraryPlugin] })` on a host
 * where native/build/libgenesis.so was never built (no C++ toolchain): the
 * embedded-library import in native-lib-path.ts then resolves to a module
 * that throws when loaded, so the binary still builds and falls back to the
 * TypeScript engine at run time instead of failing to bundle.
 * Use it only when the library is missing; otherwise embed the real one.
 */
import type { BunPlugin } from "bun";

export const noNativeLibraryPlugin: BunPlugin = {
  name: "genesis-no-native-library",
  setup(build) {
    build.onResolve({ filter: /libgenesis\.so$/ }, () => ({ path: "libgenesis.so", namespace: "genesis-no-native" }));
    build.onLoad({ filter: /.*/, namespace: "genesis-no-native" }, () => ({
      contents: 'throw new Error("libgenesis.so was not built when this binary was compiled"); export default "";',
      loader: "js",
    }));
  },
};
