import { readFileSync } from "node:fs";
import { isAddress } from "viem";
import { CliError } from "../errors/CliError.ts";
import type { Deployment } from "./Deployment.ts";

/** Reads and checks a deployment file; DEPLOYMENT_MISSING when it does not exist, DEPLOYMENT_INVALID when malformed. */
export function readDeployment(path: string): Deployment {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT")
      throw new CliError("DEPLOYMENT_MISSING", `No deployment file at ${path}.`, {
        hint: "Deploy locally with `meshpay dev deploy`, or pass --deployment <file> (or set MESHPAY_DEPLOYMENT).",
      });
    throw new CliError("DEPLOYMENT_INVALID", `The deployment file ${path} cannot be read.`, { cause });
  }
  let d: Deployment;
  try {
    d = JSON.parse(text) as Deployment;
  } catch (cause) {
    throw new CliError("DEPLOYMENT_INVALID", `The deployment file ${path} is not JSON.`, { cause });
  }
  const problems: string[] = [];
  if (d?.format !== "meshpay-deployment" || d.version !== 1)
    problems.push('format must be "meshpay-deployment" version 1');
  if (!Number.isSafeInteger(d?.chainId) || d.chainId <= 0) problems.push("chainId must be a positive integer");
  if (typeof d?.rpcUrl !== "string") problems.push("rpcUrl must be a URL");
  if (!isAddress(d?.distributor ?? "", { strict: false })) problems.push("distributor must be an address");
  for (const k of ["token", "hasher", "deployer"] as const)
    if (d?.[k] !== undefined && !isAddress(d[k]!, { strict: false })) problems.push(`${k} must be an address`);
  if (typeof d?.fromBlock !== "string" || !/^\d+$/.test(d.fromBlock))
    problems.push("fromBlock must be a decimal string");
  if (d?.logBlockRange !== undefined && !(Number.isSafeInteger(d.logBlockRange) && d.logBlockRange >= 1))
    problems.push("logBlockRange must be a positive integer");
  if (d?.aggregatorUrl !== undefined && !isHttpUrl(d.aggregatorUrl))
    problems.push("aggregatorUrl must be an http(s) URL");
  if (problems.length > 0)
    throw new CliError("DEPLOYMENT_INVALID", `The deployment file ${path} is invalid: ${problems.join("; ")}.`);
  return d;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
