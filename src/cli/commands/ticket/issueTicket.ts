import { hashViewerTicket } from "../../../protocol/eip712/hashViewerTicket.ts";
import { signViewerTicket } from "../../../protocol/messages/signViewerTicket.ts";
import type { Address, Hex, ViewerTicket } from "../../../protocol/types.ts";
import type { SignedViewerTicketJson } from "../../../protocol/wire/jsonTypes.ts";
import { signedViewerTicketToJson } from "../../../protocol/wire/signedViewerTicketToJson.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress, parseBytes32OrName, parseInteger, parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { parseByteSize } from "../../format/parseByteSize.ts";
import { parseDuration } from "../../format/parseDuration.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type IssueTicketArgs = {
  poolId: string;
  /** The viewer's session key address (it signs the receipts). */
  viewer: string;
  /** Stream id: 0x + 64 hex, or a name hashed with keccak256. */
  stream: string;
  /** How long the ticket is valid from notBefore (default 2h). */
  validFor?: string;
  /** Start of the window, unix ms (default now). */
  notBefore?: string;
  /** Most bytes of receipts the ticket can be credited with (default 2GB). */
  maxBytes?: string;
};

export type IssueTicketResult = {
  /** The signed ticket in the JSON wire form (docs/protocol.md), what the viewer's player needs. */
  signedTicket: SignedViewerTicketJson;
  ticketHash: Hex;
  signer: Address;
  streamName?: string;
};

/**
 * `meshpay ticket issue`: signs a ViewerTicket with the pool's ticket signer key (MESHPAY_PRIVATE_KEY or the
 * keystore). Refuses (WRONG_KEY) when that key is not the pool's current ticketSigner: receipts under such a
 * ticket would all be rejected.
 */
export async function issueTicket(args: IssueTicketArgs, ctx: CommandContext): Promise<IssueTicketResult> {
  const poolId = parsePoolId(args.poolId);
  const viewer = parseAddress(args.viewer, "viewer");
  const stream = parseBytes32OrName(args.stream);
  const validFor = parseDuration(args.validFor ?? "2h", "validity");
  if (validFor === 0n) throw new CliError("USAGE", "The ticket's validity is zero.");
  const notBefore =
    args.notBefore !== undefined ? parseInteger(args.notBefore, "notBefore (unix ms)") : BigInt(ctx.deps.now());
  const maxBytes = parseByteSize(args.maxBytes ?? "2GB", "max bytes");
  if (maxBytes === 0n) throw new CliError("USAGE", "The ticket's max bytes is zero.");
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  const signer = await resolveSigner(ctx, "Issuing a ticket");
  if (signer.account.address.toLowerCase() !== pool.ticketSigner.toLowerCase())
    throw new CliError(
      "WRONG_KEY",
      `The key in use (${signer.account.address}) is not the ticket signer of pool ${poolId}, which is ` +
        `${pool.ticketSigner}; receipts under such a ticket would be refused.`,
      {
        hint:
          "Use the ticket signer's key (MESHPAY_PRIVATE_KEY or --keystore), or rotate the pool's signer with " +
          "`meshpay pool rotate-signer`.",
      },
    );
  const ticket: ViewerTicket = {
    poolId,
    streamId: stream.value,
    viewer: viewer.toLowerCase() as Address,
    notBefore,
    notAfter: notBefore + validFor * 1000n,
    maxBytes,
  };
  const signed = signViewerTicket(
    ticket,
    { chainId: chain.chainId, verifyingContract: chain.distributor },
    signer.privateKey,
  );
  return {
    signedTicket: signedViewerTicketToJson(signed),
    ticketHash: hashViewerTicket(ticket),
    signer: signer.account.address,
    ...(stream.fromName ? { streamName: args.stream } : {}),
  };
}
