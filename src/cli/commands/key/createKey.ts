import { generatePrivateKey } from "viem/accounts";
import type { Hex } from "../../../protocol/types.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import type { KeystoreFormat } from "../../keys/openKeystore.ts";
import { writeKeystoreFile } from "./writeKeystoreFile.ts";

export type CreateKeyResult = { address: Hex; keystore: string; format: KeystoreFormat };

/** `meshpay key new`: a fresh random key, sealed in an encrypted keystore file. The key itself is never printed. */
export async function createKey(
  args: { out?: string; force?: boolean; format?: KeystoreFormat },
  ctx: CommandContext,
): Promise<CreateKeyResult> {
  const { address, path, format } = await writeKeystoreFile(ctx, generatePrivateKey(), args);
  return { address, keystore: path, format };
}
