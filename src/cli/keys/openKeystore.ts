import type { Hex } from "../../protocol/types.ts";
import { CliError } from "../errors/CliError.ts";
import { decryptKeystore } from "./decryptKeystore.ts";
import { decryptWeb3Keystore } from "./decryptWeb3Keystore.ts";

/** The two keystore formats the CLI reads and writes. */
export type KeystoreFormat = "meshpay" | "web3";

/**
 * Opens a keystore of either format, told apart by its fields: a meshpay keystore (`format: "meshpay-keystore"`) or
 * a Web3 Secret Storage v3 file (`version: 3`) as written by geth, `cast wallet`, ethers or MetaMask.
 */
export function openKeystore(
  data: unknown,
  password: string,
  path = "the keystore",
): { privateKey: Hex; address: Hex; format: KeystoreFormat } {
  const record = data as Record<string, unknown> | null;
  if (record && typeof record === "object" && record.format === "meshpay-keystore")
    return { ...decryptKeystore(data, password, path), format: "meshpay" };
  if (record && typeof record === "object" && record.version === 3)
    return { ...decryptWeb3Keystore(data, password, path), format: "web3" };
  throw new CliError(
    "KEYSTORE_INVALID",
    `${path} is neither a meshpay keystore nor a Web3 Secret Storage v3 keystore (geth, cast, ethers).`,
  );
}
