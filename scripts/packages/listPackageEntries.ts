import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BuildSpec } from "./readTemplate.ts";

const listTs = (path: string): string[] =>
  statSync(path).isDirectory()
    ? readdirSync(path, { withFileTypes: true }).flatMap((e) => listTs(join(path, e.name)))
    : path.endsWith(".ts") && !path.endsWith(".d.ts")
      ? [path]
      : [];

/** A package's entry source files (absolute): its `entries`, a folder standing for every .ts file under it. */
export function listPackageEntries(repoRoot: string, spec: BuildSpec): string[] {
  return spec.entries.flatMap((entry) => listTs(resolve(repoRoot, entry)));
}
