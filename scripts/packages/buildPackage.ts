import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { collectDeclarations } from "./collectDeclarations.ts";
import { collectRuntimeImports } from "./collectRuntimeImports.ts";
import { listPackageEntries } from "./listPackageEntries.ts";
import { readTemplate } from "./readTemplate.ts";
import { type RootManifest, resolveDependencies } from "./resolveDependencies.ts";

export type BuiltPackage = {
  name: string;
  /** The folder to `npm pack`: packages/<dir>/dist. */
  dir: string;
  manifest: Record<string, unknown>;
  /** How many JavaScript modules the package has (those its entries can load). */
  runtimeFiles: number;
};

/**
 * Assembles packages/<dir>/dist from the sources emitted by emitSources into `emittedDir`: the JavaScript the
 * entries load at run time and the .d.ts their types need, under dist/lib with src/'s layout (src/cli/context/… is
 * lib/cli/context/…, so paths computed from import.meta.url keep their depth). package.json is the template plus the
 * root's version, license and engines and the dependencies computed from the packages that JavaScript imports (see
 * resolveDependencies); LICENSE, the package's README.md and its `copy` files beside it.
 */
export function buildPackage(repoRoot: string, dir: string, emittedDir: string): BuiltPackage {
  const { meshpayBuild: spec, ...published } = readTemplate(repoRoot, dir);
  const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as RootManifest & {
    version: string;
    license: string;
    engines: Record<string, string>;
  };
  const out = join(repoRoot, "packages", dir, "dist");
  const lib = join(out, "lib");
  const srcRoot = join(repoRoot, "src");
  rmSync(out, { recursive: true, force: true });

  const toEmitted = (source: string) => join(emittedDir, relative(srcRoot, source)).replace(/\.ts$/, ".js");
  const entries = listPackageEntries(repoRoot, spec).map(toEmitted);
  const runtime = collectRuntimeImports(entries);
  for (const file of [...runtime.files, ...collectDeclarations(entries)]) {
    mkdirSync(dirname(join(lib, relative(emittedDir, file))), { recursive: true });
    cpSync(file, join(lib, relative(emittedDir, file)));
  }
  const deps = resolveDependencies(runtime.packages, root, {
    peer: spec.peer,
    optional: spec.optional,
    baseDir: emittedDir,
  });

  for (const item of spec.copy ?? [])
    cpSync(join(repoRoot, "packages", dir, item), join(out, item), { recursive: true });
  for (const file of ["LICENSE", "README.md"]) {
    const own = join(repoRoot, "packages", dir, file);
    const from = existsSync(own) ? own : file === "LICENSE" ? join(repoRoot, file) : undefined;
    if (from) cpSync(from, join(out, file));
  }
  const manifest: Record<string, unknown> = {
    ...published,
    version: root.version,
    license: root.license,
    engines: root.engines,
    ...(Object.keys(deps.dependencies).length ? { dependencies: deps.dependencies } : {}),
    ...(Object.keys(deps.optionalDependencies).length ? { optionalDependencies: deps.optionalDependencies } : {}),
    ...(Object.keys(deps.peerDependencies).length ? { peerDependencies: deps.peerDependencies } : {}),
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { name: published.name, dir: out, manifest, runtimeFiles: runtime.files.size };
}
