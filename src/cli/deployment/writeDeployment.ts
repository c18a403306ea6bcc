import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Deployment } from "./Deployment.ts";

/** Writes the deployment file (creating its directory). */
export function writeDeployment(path: string, deployment: Deployment): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(deployment, null, 2)}\n`);
}
