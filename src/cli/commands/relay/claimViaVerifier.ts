import { createVerifierClient } from "../../../client/createVerifierClient.ts";
import { getClaim } from "../../../client/getClaim.ts";
import { submitClaim } from "../../../client/submitClaim.ts";
import { rewardLeafToJson } from "../../../protocol/bundle/rewardLeafToJson.ts";
import { signClaimAuthorization } from "../../../protocol/messages/signClaimAuthorization.ts";
import type { Address, ClaimAuthorization, Hex } from "../../../protocol/types.ts";
import { signedClaimAuthorizationToJson } from "../../../protocol/wire/signedClaimAuthorizationToJson.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress } from "../../chain/parseArguments.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import { formatAmount } from "../../format/formatAmount.ts";
import { parseAmount } from "../../format/parseAmount.ts";
import { parseDuration } from "../../format/parseDuration.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";
import { readRewardPosition } from "../../rewards/readRewardPosition.ts";
import { resolveAggregatorUrl } from "../../rewards/resolveAggregatorUrl.ts";
import { selectDue } from "./claimRewards.ts";

export type ClaimViaVerifierArgs = {
  via: string;
  pool?: string[];
  recipient?: string;
  /** Most fee the relayer may keep per pool, in token units (default: 1% of the amount, rounded up). */
  maxFee?: string;
  /** How long the authorization stays valid (default 1h). */
  validFor?: string;
  /** How long to follow the claim before giving up (default 10m). */
  timeout?: string;
  aggregator?: string | boolean;
};

export type RelayedClaim = {
  poolId: Hex;
  claimId: string;
  status: "paid" | "failed" | "pending";
  amount: AmountJson;
  maxFee: AmountJson;
  fee?: AmountJson;
  transaction?: Hex;
  error?: { code: string; message: string };
};

export type ClaimViaVerifierResult = { account: Address; recipient: Address; verifier: string; claims: RelayedClaim[] };

const PAID = new Set(["paid", "confirmed", "succeeded", "success", "mined"]);
const FAILED = new Set(["failed", "rejected", "expired", "reverted", "cancelled"]);

/**
 * `meshpay claim --via <verifier>`: signs one EIP-712 ClaimAuthorization per pool with something claimable
 * (account = the key's address, nonce from the chain, a deadline and a maximum fee), hands each to the verifier's
 * paid-claim relayer (POST /v1/claims, through the typed client) and follows it (GET /v1/claims/{id}) until it is
 * paid or fails.
 */
export async function claimViaVerifier(
  args: ClaimViaVerifierArgs,
  ctx: CommandContext,
): Promise<ClaimViaVerifierResult> {
  const chain = await connectChain(ctx);
  const signer = await resolveSigner(ctx, "Signing a claim authorization");
  const account = signer.account.address;
  const recipient = args.recipient ? parseAddress(args.recipient, "recipient") : account;
  const validFor = parseDuration(args.validFor ?? "1h", "validity");
  const timeoutMs = Number(parseDuration(args.timeout ?? "10m", "timeout")) * 1000;
  let verifier: ReturnType<typeof createVerifierClient>;
  try {
    verifier = createVerifierClient({ url: args.via, fetch: ctx.deps.fetch, now: ctx.deps.now });
  } catch {
    throw new CliError("USAGE", `--via ${JSON.stringify(args.via)} is not a URL.`);
  }
  const aggregatorUrl = resolveAggregatorUrl(args.aggregator, ctx.deps.env, chain.deployment);
  const position = await readRewardPosition(ctx, chain, account, aggregatorUrl);
  const due = selectDue(position, args.pool);
  const deadline = (await chain.chainTime()) + validFor;
  const domain = { chainId: chain.chainId, verifyingContract: chain.distributor };

  const claims: RelayedClaim[] = [];
  for (const p of due) {
    const maxFee =
      args.maxFee !== undefined ? parseAmount(args.maxFee, p.token, "maximum fee") : (p.claimable + 99n) / 100n;
    const authorization: ClaimAuthorization = {
      poolId: p.poolId,
      account,
      recipient,
      maxFee,
      nonce: p.nonce,
      deadline,
    };
    const signed = signClaimAuthorization(authorization, domain, signer.privateKey);
    ctx.output.info(
      `Authorizing ${args.via} to claim ${formatAmount(p.claimable, p.token)} from pool ${p.poolId} (fee at most ` +
        `${formatAmount(maxFee, p.token)})`,
    );
    const body = await submitClaim(verifier, {
      // The leaf and proof the CLI verified against the on-chain root travel along, so the relayer need not look them up.
      body: { ...signedClaimAuthorizationToJson(signed), leaf: rewardLeafToJson(p.claim!.leaf), proof: p.claim!.proof },
    });
    const id = body.id;
    claims.push({
      poolId: p.poolId,
      claimId: id,
      status: "pending",
      amount: amountJson(p.claimable, p.token),
      maxFee: amountJson(maxFee, p.token),
      ...applyStatus(body, p.token),
    });
  }

  const started = ctx.deps.now();
  const bar = ctx.output.progress("Waiting for the relayer", claims.length, { unit: "claims" });
  try {
    while (claims.some((c) => c.status === "pending")) {
      if (ctx.deps.now() - started > timeoutMs)
        throw new CliError(
          "TIMEOUT",
          `The verifier has not paid ${claims.filter((c) => c.status === "pending").length} claim(s) after ` +
            `${args.timeout ?? "10m"}; it may still do so.`,
          {
            data: { claims },
            hint:
              `Check later with \`meshpay rewards\`, or ask ${args.via} about claim ` +
              `${claims.find((c) => c.status === "pending")!.claimId}.`,
          },
        );
      await ctx.deps.sleep(500);
      for (const c of claims.filter((x) => x.status === "pending")) {
        const body = await getClaim(verifier, { id: c.claimId });
        const token = due.find((p) => p.poolId === c.poolId)!.token;
        Object.assign(c, applyStatus(body, token));
      }
      bar.update(claims.filter((c) => c.status !== "pending").length);
    }
  } finally {
    bar.stop();
  }
  const result = { account, recipient, verifier: args.via, claims };
  const failed = result.claims.filter((c) => c.status === "failed");
  if (failed.length > 0)
    throw new CliError(
      "SERVICE_REFUSED",
      `The verifier could not pay ${failed.length} of ${claims.length} claim(s): ${failed.map((c) => `${c.poolId}: ${c.error?.message ?? "failed"}`).join("; ")}`,
      {
        data: result as unknown as Record<string, unknown>,
      },
    );
  return result;
}

function applyStatus(body: unknown, token: { symbol: string; decimals: number }): Partial<RelayedClaim> {
  const b = ((body as Record<string, unknown>)?.claim ?? body) as Record<string, unknown> | undefined;
  const raw = typeof b?.status === "string" ? b.status.toLowerCase() : "";
  const out: Partial<RelayedClaim> = { status: PAID.has(raw) ? "paid" : FAILED.has(raw) ? "failed" : "pending" };
  const tx = b?.transactionHash ?? b?.txHash ?? b?.transaction;
  if (typeof tx === "string" && /^0x[0-9a-fA-F]{64}$/.test(tx)) out.transaction = tx as Hex;
  if (typeof b?.fee === "string" && /^\d+$/.test(b.fee)) out.fee = amountJson(BigInt(b.fee), token);
  const err = b?.error as { code?: unknown; message?: unknown } | undefined;
  if (out.status === "failed")
    out.error = {
      code: typeof err?.code === "string" ? err.code : raw.toUpperCase(),
      message: typeof err?.message === "string" ? err.message : `the claim ${raw}`,
    };
  return out;
}
