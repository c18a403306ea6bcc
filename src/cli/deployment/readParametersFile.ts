import { readFileSync } from "node:fs";
import { CliError } from "../errors/CliError.ts";

/**
 * An Ignition parameters JSON file ({ "MeshPay": {...}, "LocalDev": {...} }): the file `hardhat ignition deploy
 * --parameters` takes, read the same way by `meshpay deploy` and `meshpay dev deploy`.
 */
export function readParametersFile(path: string): Record<string, Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new CliError("USAGE", `The parameters file ${path} cannot be read as JSON.`, { cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new CliError("USAGE", `The parameters file ${path} must be a JSON object of modules ({"MeshPay": {...}}).`);
  return parsed as Record<string, Record<string, unknown>>;
}
