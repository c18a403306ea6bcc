// `npm run build:packages [dir…]`: builds the publishable packages under packages/ (every folder with a
// package.json, or the ones named) into packages/<dir>/dist, ready for `npm pack packages/<dir>/dist`.
// Fails (exit 1, the error's code first) on a type error, or when a package's run-time code imports a
// devDependency or a package the root package.json does not declare.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPackage } from "./buildPackage.ts";
import { emitSources } from "./emitSources.ts";
import { listPackageEntries } from "./listPackageEntries.ts";
import { PackageBuildError } from "./PackageBuildError.ts";
import { readTemplate } from "./readTemplate.ts";

const repoRoot = join(import.meta.dirname, "../..");
const named = process.argv.slice(2);
const dirs = named.length
  ? named
  : readdirSync(join(repoRoot, "packages")).filter((d) => existsSync(join(repoRoot, "packages", d, "package.json")));
const emitted = mkdtempSync(join(tmpdir(), "meshpay-packages-"));
try {
  emitSources(
    repoRoot,
    dirs.flatMap((dir) => listPackageEntries(repoRoot, readTemplate(repoRoot, dir).meshpayBuild)),
    emitted,
  );
  for (const dir of dirs) {
    const built = buildPackage(repoRoot, dir, emitted);
    const deps = Object.keys({
      ...(built.manifest.dependencies as object),
      ...(built.manifest.optionalDependencies as object),
      ...(built.manifest.peerDependencies as object),
    });
    process.stdout.write(
      `${built.name}: ${built.runtimeFiles} modules in packages/${dir}/dist; depends on ${deps.join(", ") || "nothing"}\n`,
    );
  }
} catch (error) {
  if (!(error instanceof PackageBuildError)) throw error;
  process.stderr.write(`${error.code}: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(emitted, { recursive: true, force: true });
}
