import { readFileSync } from "node:fs";
import { CliError } from "../errors/CliError.ts";

/** The parsed JSON of a keystore file; KEYSTORE_INVALID when it cannot be read or is not JSON. */
export function readKeystoreJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new CliError("KEYSTORE_INVALID", `${path} is not a readable JSON keystore file.`, { cause });
  }
}
