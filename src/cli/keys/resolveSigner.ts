import { existsSync } from "node:fs";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { Hex } from "../../protocol/types.ts";
import type { CommandContext } from "../context/CliDeps.ts";
import { getKeystorePath } from "../context/resolvePath.ts";
import { CliError } from "../errors/CliError.ts";
import { openKeystore } from "./openKeystore.ts";
import { readKeystoreJson } from "./readKeystoreJson.ts";

export type Signer = {
  account: PrivateKeyAccount;
  privateKey: Hex;
  source: "environment" | "keystore";
  keystorePath?: string;
};

/**
 * The key a command signs with, never from the command line: MESHPAY_PRIVATE_KEY when set, else the encrypted
 * keystore (meshpay or Web3 Secret Storage v3: --keystore, MESHPAY_KEYSTORE or ~/.meshpay/keystore.json) opened with MESHPAY_KEYSTORE_PASSWORD or a
 * password typed on the terminal. Throws KEY_MISSING when there is neither.
 */
export async function resolveSigner(ctx: CommandContext, purpose: string): Promise<Signer> {
  const { deps, globals } = ctx;
  const fromEnv = deps.env.MESHPAY_PRIVATE_KEY?.trim();
  if (fromEnv) {
    const privateKey = normalizePrivateKey(fromEnv, "MESHPAY_PRIVATE_KEY");
    return { account: privateKeyToAccount(privateKey), privateKey, source: "environment" };
  }
  const path = getKeystorePath(deps, globals);
  if (!existsSync(path))
    throw new CliError("KEY_MISSING", `${purpose} needs a key, and none is configured.`, {
      hint:
        `Set MESHPAY_PRIVATE_KEY, or create a keystore with \`meshpay key new\` (or \`meshpay key import\`) and ` +
        `point --keystore or MESHPAY_KEYSTORE at it (looked for ${path}).`,
    });
  const data = readKeystoreJson(path);
  const password =
    deps.env.MESHPAY_KEYSTORE_PASSWORD ?? (await deps.prompt(`Password for ${path}: `, { hidden: true }));
  const { privateKey } = openKeystore(data, password, path);
  return { account: privateKeyToAccount(privateKey), privateKey, source: "keystore", keystorePath: path };
}

/** A 32-byte hex private key (with or without 0x) as 0x-hex; KEY_INVALID otherwise (the value is never printed). */
export function normalizePrivateKey(value: string, from: string): Hex {
  const hex = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new CliError("KEY_INVALID", `${from} is not a private key (32 bytes of hex).`);
  const n = BigInt(`0x${hex}`);
  if (n === 0n || n >= 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n)
    throw new CliError("KEY_INVALID", `${from} is not a valid secp256k1 private key.`);
  return `0x${hex.toLowerCase()}`;
}
