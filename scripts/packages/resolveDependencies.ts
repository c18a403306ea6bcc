import { relative } from "node:path";
import { PackageBuildError } from "./PackageBuildError.ts";

export type RootManifest = {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

export type ResolvedDependencies = {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/**
 * A package's runtime dependency fields from the packages its JavaScript imports, with the root package.json's
 * versions. A package listed in `peer` (the host brings it, e.g. hls.js for the player) becomes a peer dependency
 * and one in `optional` an optional one; any other import must be a root runtime dependency. Importing a root
 * devDependency or a package the root does not declare at all fails the build, naming the files that import it.
 */
export function resolveDependencies(
  imports: ReadonlyMap<string, readonly string[]>,
  root: RootManifest,
  options: { peer?: readonly string[]; optional?: readonly string[]; baseDir: string },
): ResolvedDependencies {
  const out: ResolvedDependencies = { dependencies: {}, optionalDependencies: {}, peerDependencies: {} };
  const runtime = root.dependencies ?? {};
  const dev = root.devDependencies ?? {};
  const problems: PackageBuildError[] = [];
  for (const name of [...imports.keys()].sort()) {
    const where = (imports.get(name) ?? []).map((f) => relative(options.baseDir, f)).join(", ");
    if (options.peer?.includes(name)) {
      const version = runtime[name] ?? dev[name];
      if (version) out.peerDependencies[name] = version;
      else
        problems.push(
          new PackageBuildError(
            "UNDECLARED_PACKAGE",
            `${name} (peer, imported by ${where}) is not in the root package.json.`,
          ),
        );
    } else if (runtime[name]) {
      if (options.optional?.includes(name)) out.optionalDependencies[name] = runtime[name];
      else out.dependencies[name] = runtime[name];
    } else if (dev[name])
      problems.push(
        new PackageBuildError(
          "DEV_DEPENDENCY_IMPORTED",
          `${name} is a devDependency but ${where} imports it at run time.`,
        ),
      );
    else
      problems.push(
        new PackageBuildError(
          "UNDECLARED_PACKAGE",
          `${name} is imported by ${where} but not declared in package.json.`,
        ),
      );
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1)
    throw new PackageBuildError(problems[0].code, problems.map((p) => `${p.code}: ${p.message}`).join("\n"));
  return out;
}
