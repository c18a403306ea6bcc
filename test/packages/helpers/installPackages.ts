// Test helper: builds the publishable packages (npm run build:packages), packs them (npm pack) and installs the
// tarballs in an empty folder the way a user would, once per test process: the test runner runs every file in one
// process (isolation "none"), so the pack-and-install test and the installed-deployment test share one install.
// The folder is removed when the process exits (kept with MESHPAY_KEEP_TEST_DIRS=1). Needs the npm registry (or
// npm's cache) for the packages' dependencies; install scripts are skipped, so nothing is compiled and
// better-sqlite3 has no binary.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const repoRoot = join(import.meta.dirname, "../../..");
const packageDirs = ["protocol", "relay-sdk", "player", "cli"];
/** The same Node as the tests for npm, npx and the installed bin; no colours. */
export const installedEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, NO_COLOR: "1" };

export type InstalledPackages = {
  /** The temporary folder (tarballs/, app/). */
  tmp: string;
  /** The user's folder: package.json and node_modules with the four packages installed from their tarballs. */
  app: string;
};

let installed: Promise<InstalledPackages> | undefined;

/** Packs and installs the packages on the first call; later calls (from any test file) get the same folder. */
export function installPackages(): Promise<InstalledPackages> {
  installed ??= packAndInstall();
  return installed;
}

async function packAndInstall(): Promise<InstalledPackages> {
  const tmp = mkdtempSync(join(tmpdir(), "meshpay-pack-"));
  process.once("exit", () => {
    if (!process.env.MESHPAY_KEEP_TEST_DIRS) rmSync(tmp, { recursive: true, force: true });
  });
  const app = join(tmp, "app");
  mkdirSync(join(tmp, "tarballs"));
  mkdirSync(app);
  const env = installedEnv;
  await run(process.execPath, [join(repoRoot, "scripts/packages/buildPackages.ts"), ...packageDirs], { env });
  for (const dir of packageDirs)
    await run("npm", ["pack", "--silent", "--pack-destination", join(tmp, "tarballs")], {
      cwd: join(repoRoot, "packages", dir, "dist"),
      env,
    });
  const tarballs = readdirSync(join(tmp, "tarballs")).map((f) => join(tmp, "tarballs", f));
  assert.equal(tarballs.length, packageDirs.length);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", "--loglevel=error", ...tarballs],
    { cwd: app, env, maxBuffer: 16 << 20 },
  );
  return { tmp, app };
}
