import type { Hex } from "../../../protocol/types.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import type { KeystoreFormat } from "../../keys/openKeystore.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";
import { writeKeystoreFile } from "./writeKeystoreFile.ts";

export type ExportKeyResult = { address: Hex; keystore: string; format: KeystoreFormat; from: string };

/**
 * `meshpay key export`: writes the signing key (from MESHPAY_PRIVATE_KEY or the keystore) into another keystore
 * file, by default in Web3 Secret Storage v3 format so that `cast wallet`, geth or ethers can use it. The new file's
 * password is MESHPAY_KEYSTORE_PASSWORD or typed twice.
 */
export async function exportKey(
  args: { out: string; force?: boolean; format?: KeystoreFormat },
  ctx: CommandContext,
): Promise<ExportKeyResult> {
  if (!args.out) throw new CliError("USAGE", "meshpay key export needs --out <file>.");
  const signer = await resolveSigner(ctx, "Exporting the key");
  const written = await writeKeystoreFile(ctx, signer.privateKey, { ...args, format: args.format ?? "web3" });
  return {
    address: written.address,
    keystore: written.path,
    format: written.format,
    from: signer.source === "environment" ? "MESHPAY_PRIVATE_KEY" : `keystore ${signer.keystorePath}`,
  };
}
