import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, resolve } from "node:path";
import ts from "typescript";
import { PackageBuildError } from "./PackageBuildError.ts";

export type RuntimeImports = {
  /** Emitted .js files reachable from the entries at run time (absolute paths). */
  files: Set<string>;
  /** Bare package name (e.g. "viem", "@noble/curves") → the emitted files importing it. */
  packages: Map<string, string[]>;
};

const REQUIRE_RESOLVE = /\brequire\.resolve\(\s*["']([^"']+)["']/g;

/** "@noble/curves/secp256k1.js" → "@noble/curves"; "viem/accounts" → "viem". */
const packageNameOf = (specifier: string): string => {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
};

/**
 * Walks the emitted JavaScript from `entries` through its static imports, re-exports and literal dynamic `import()`s
 * and literal `require.resolve(…)`s (type-only imports are gone from the JS, so they do not count): the files Node can load, and the packages they
 * import. Node built-ins (`node:fs`, `fs`) are left out. A relative import whose file is missing fails the build.
 */
export function collectRuntimeImports(entries: readonly string[]): RuntimeImports {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    if (!existsSync(file)) throw new PackageBuildError("ENTRY_MISSING", `${file} was not emitted.`);
    files.add(file);
    const text = readFileSync(file, "utf8");
    const specifiers = [
      ...ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName),
      // createRequire(…).resolve("pkg/…"): a package located at run time (e.g. the native secp256k1 addon).
      ...[...text.matchAll(REQUIRE_RESOLVE)].map((m) => m[1]),
    ];
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) queue.push(resolve(dirname(file), specifier));
      else if (!isBuiltin(specifier)) {
        const name = packageNameOf(specifier);
        packages.set(name, [...(packages.get(name) ?? []), file]);
      }
    }
  }
  return { files, packages };
}
