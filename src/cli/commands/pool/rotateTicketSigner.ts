import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress, parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type RotateTicketSignerResult = {
  poolId: Hex;
  previousTicketSigner: Address;
  ticketSigner: Address;
  transaction: Hex;
};

/** `meshpay pool rotate-signer`: rotateTicketSigner(poolId, signer), effective immediately (owner only). */
export async function rotateTicketSigner(
  args: { poolId: string; signer: string },
  ctx: CommandContext,
): Promise<RotateTicketSignerResult> {
  const poolId = parsePoolId(args.poolId);
  const ticketSigner = parseAddress(args.signer, "ticket signer");
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  const signer = await resolveSigner(ctx, "Rotating a pool's ticket signer");
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "rotateTicketSigner",
    args: [poolId, ticketSigner],
    doing: "Rotating the ticket signer",
    format: tokenSentenceFormat(pool.token),
  });
  return { poolId, previousTicketSigner: pool.ticketSigner, ticketSigner, transaction: sent.hash };
}
