import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { CliDeps, GlobalOptions } from "./CliDeps.ts";

/** `path` against the command's working directory (`~/` against the home directory). */
export function resolvePath(deps: Pick<CliDeps, "cwd" | "env">, path: string): string {
  if (path.startsWith("~/")) return join(deps.env.HOME ?? homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(deps.cwd, path);
}

/**
 * The deployment file: --deployment, else MESHPAY_DEPLOYMENT, else .meshpay/deployment.json in the working directory.
 */
export function getDeploymentPath(deps: Pick<CliDeps, "cwd" | "env">, globals: GlobalOptions): string {
  return resolvePath(deps, globals.deployment || deps.env.MESHPAY_DEPLOYMENT || ".meshpay/deployment.json");
}

/** The keystore file: --keystore, else MESHPAY_KEYSTORE, else ~/.meshpay/keystore.json. */
export function getKeystorePath(deps: Pick<CliDeps, "cwd" | "env">, globals: GlobalOptions): string {
  return resolvePath(deps, globals.keystore || deps.env.MESHPAY_KEYSTORE || "~/.meshpay/keystore.json");
}
