import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { decodeErrorResult, encodeFunctionData, parseEventLogs, type TransactionReceipt, zeroAddress } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import { getRevertName } from "../../contracts/getRevertName.ts";
import { rewardLeafFromJson } from "../../protocol/bundle/rewardLeafFromJson.ts";
import { rewardLeafToJson } from "../../protocol/bundle/rewardLeafToJson.ts";
import { getClaimAuthorizationDigest } from "../../protocol/eip712/getClaimAuthorizationDigest.ts";
import { ProtocolError } from "../../protocol/errors/ProtocolError.ts";
import { recoverAddress } from "../../protocol/signature/recoverAddress.ts";
import { serializeSignature } from "../../protocol/signature/serializeSignature.ts";
import { hashRewardLeaf } from "../../protocol/tree/hashRewardLeaf.ts";
import { verifyMerkleProof } from "../../protocol/tree/verifyMerkleProof.ts";
import type { Address, Hex, RewardLeaf, SignedClaimAuthorization } from "../../protocol/types.ts";
import { signedClaimAuthorizationFromJson } from "../../protocol/wire/signedClaimAuthorizationFromJson.ts";
import type { BundleCache } from "../bundle/createBundleCache.ts";
import type { ChainFacts, VerifierPublicClient } from "../chain/types.ts";
import { VerifierError } from "../errors/VerifierError.ts";
import type { VerifierMetrics } from "../metrics/createVerifierMetrics.ts";
import { createAuditStore } from "../storage/createAuditStore.ts";
import { type ClaimRow, createClaimStore } from "../storage/createClaimStore.ts";
import { createPostStore } from "../storage/createPostStore.ts";
import type { VerifierStore } from "../storage/openVerifierStore.ts";
import type { TxOutcome, TxSender } from "../tx/createTxSender.ts";
import { computeClaimFee } from "./computeClaimFee.ts";

export type ClaimRelayerOptions = {
  store: VerifierStore;
  client: VerifierPublicClient;
  facts: ChainFacts;
  bundles: BundleCache;
  txSender: TxSender;
  /** Token base units worth 10^18 wei (1 ETH), per token address (lowercase). Tokens not listed are refused. */
  tokenPerEth: Map<string, bigint>;
  /** Gas one claim is quoted at when it is accepted (the charged fee uses the real estimate). Default 100,000. */
  gasPerClaim?: bigint;
  /** Most claims per transaction (default 25). */
  batchSize?: number;
  /** How long the oldest queued claim waits for company before a smaller batch is sent (default 2,000 ms). */
  batchWaitMs?: number;
  /** An authorization must stay valid this many seconds beyond the chain's time to be accepted (default 60). */
  minDeadlineSeconds?: bigint;
  /** Submissions of one claim before it fails (default 3). */
  maxAttempts?: number;
  metrics?: VerifierMetrics;
  logger?: Logger;
};

type ResolvedLeaf = { leaf: RewardLeaf; proof: Hex[]; epoch: bigint | null };

/**
 * Paid claims. POST /v1/claims hands over a relay operator's signed ClaimAuthorization (protocol JSON), optionally
 * with the leaf and proof to claim with; otherwise the leaf and proof come from the latest claimable epoch's bundle
 * that this verifier audited. Accepted claims are queued in SQLite, batched into claimWithAuthorization /
 * claimWithAuthorizations transactions through the durable TxSender and followed to paid or failed.
 */
export function createClaimRelayer(options: ClaimRelayerOptions) {
  const { store, client, facts, bundles, txSender, logger, metrics } = options;
  const claims = createClaimStore(store);
  const posts = createPostStore(store);
  const audits = createAuditStore(store);
  const gasPerClaim = options.gasPerClaim ?? 100_000n;
  const batchSize = options.batchSize ?? 25;
  const batchWaitMs = options.batchWaitMs ?? 2_000;
  const minDeadline = options.minDeadlineSeconds ?? 60n;
  const maxAttempts = options.maxAttempts ?? 3;
  const domain = { chainId: facts.chainId, verifyingContract: facts.distributor };
  const getRow = (id: string) => claims.getClaim(id);
  const update = (id: string, fields: Partial<ClaimRow>) => claims.updateClaim(id, fields);
  const tokenOf = (poolId: Hex) => `0x${poolId.slice(2, 42)}`.toLowerCase();

  const readClaimed = async (poolId: Hex, account: Address) => {
    const [amount, nonce] = await client.readContract({
      address: facts.distributor,
      abi: distributorAbi,
      functionName: "claimed",
      args: [poolId, account],
    });
    return { amount, nonce };
  };

  /** The relayer `account` binds its authorizations to (setClaimRelayer); the zero address: anyone. */
  const readClaimRelayer = (account: Address): Promise<Address> =>
    client.readContract({
      address: facts.distributor,
      abi: distributorAbi,
      functionName: "claimRelayerOf",
      args: [account],
    });

  /** The leaf of (pool, account) in the latest claimable epoch, from the bundle this verifier audited. */
  async function latestLeaf(poolId: Hex, account: Address): Promise<ResolvedLeaf> {
    const [exists, epoch] = await client.readContract({
      address: facts.distributor,
      abi: distributorAbi,
      functionName: "latestClaimableEpoch",
    });
    if (!exists) throw new VerifierError("LEAF_NOT_FOUND", "No epoch is claimable yet.", { status: 404 });
    const info = await client.readContract({
      address: facts.distributor,
      abi: distributorAbi,
      functionName: "epochInfo",
      args: [epoch],
    });
    const post = await posts.getActivePost(epoch);
    const audit = post ? await audits.getAudit(post.id) : undefined;
    if (
      !post ||
      post.root !== info.root.toLowerCase() ||
      !bundles.has(post.bundle_hash as Hex) ||
      !audit ||
      !["ok", "faulty"].includes(audit.status)
    )
      throw new VerifierError(
        "LEAF_NOT_FOUND",
        `The latest claimable epoch (${epoch}) has not been audited by this verifier yet; retry shortly or send the ` +
          `leaf and proof.`,
        { status: 404, data: { epoch: epoch.toString() } },
      );
    const bundle = bundles.parsed(post.bundle_hash as Hex)!;
    const index = bundle.leaves.findIndex(
      (l) => l.poolId === poolId.toLowerCase() && l.account === account.toLowerCase(),
    );
    if (index < 0)
      throw new VerifierError(
        "LEAF_NOT_FOUND",
        `Account ${account} has no leaf for pool ${poolId} in epoch ${epoch}.`,
        { status: 404, data: { epoch: epoch.toString() } },
      );
    const { line: _line, ...leaf } = bundle.leaves[index]!;
    return { leaf, proof: bundles.tree(post.bundle_hash as Hex)!.getProof(index), epoch };
  }

  /** Checks a leaf and proof given by the client against a root the contract accepts now. */
  async function checkGivenLeaf(leaf: RewardLeaf, proof: Hex[]): Promise<ResolvedLeaf> {
    const [exists, epoch] = await client.readContract({
      address: facts.distributor,
      abi: distributorAbi,
      functionName: "latestClaimableEpoch",
    });
    const roots: { epoch: bigint; root: Hex }[] = [];
    if (exists) {
      for (const e of epoch > 0n ? [epoch, epoch - 1n] : [epoch]) {
        const info = await client.readContract({
          address: facts.distributor,
          abi: distributorAbi,
          functionName: "epochInfo",
          args: [e],
        });
        if (info.posted) roots.push({ epoch: e, root: info.root.toLowerCase() as Hex });
      }
    }
    const leafHash = hashRewardLeaf(leaf);
    const match = roots.find((r) => verifyMerkleProof(r.root, leafHash, proof));
    if (!match)
      throw new VerifierError(
        "LEAF_PROOF_INVALID",
        "The leaf and proof do not lead to a root the contract accepts for claims now.",
        { status: 422 },
      );
    return { leaf, proof, epoch: match.epoch };
  }

  const resolveLeaf = (
    row: Pick<ClaimRow, "given_leaf" | "given_proof" | "pool_id" | "account">,
  ): Promise<ResolvedLeaf> =>
    row.given_leaf
      ? checkGivenLeaf(leafFromJson(JSON.parse(row.given_leaf)), JSON.parse(row.given_proof!) as Hex[])
      : latestLeaf(row.pool_id, row.account);

  function view(row: ClaimRow): Record<string, unknown> {
    const amount = row.amount === null ? null : BigInt(row.amount);
    const fee = row.fee === null ? null : BigInt(row.fee);
    return {
      id: row.id,
      status: row.status,
      poolId: row.pool_id,
      account: row.account,
      recipient: row.recipient,
      nonce: row.nonce,
      maxFee: row.max_fee,
      deadline: String(row.deadline),
      epoch: row.epoch === null ? null : String(row.epoch),
      amount: amount === null ? null : amount.toString(),
      fee: fee === null ? null : fee.toString(),
      net: amount === null || fee === null ? null : (amount - fee).toString(),
      txHash: row.tx_hash,
      error: row.error_code ? { code: row.error_code, message: row.error_message } : null,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async function submit(body: unknown): Promise<{ created: boolean; claim: Record<string, unknown> }> {
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new VerifierError("AUTHORIZATION_INVALID", "The body must be a JSON object: a signed ClaimAuthorization.");
    const { leaf: rawLeaf, proof: rawProof, epoch: _epoch, ...rest } = body as Record<string, unknown>;
    let signed: SignedClaimAuthorization;
    try {
      signed = signedClaimAuthorizationFromJson(rest);
    } catch (err) {
      throw new VerifierError(
        "AUTHORIZATION_INVALID",
        `Invalid claim authorization: ${(err as { shortMessage?: string }).shortMessage ?? err}`,
        {
          data: { field: (err as { field?: string }).field ?? "(root)" },
        },
      );
    }
    const a = signed.authorization;
    let signer: Address;
    try {
      signer = recoverAddress(getClaimAuthorizationDigest(a, domain), signed.signature);
    } catch (err) {
      throw new VerifierError(
        "AUTHORIZATION_INVALID",
        `The authorization's signature is not valid: ${(err as { shortMessage?: string }).shortMessage ?? err}`,
        { data: { field: "signature" } },
      );
    }
    if (signer !== a.account.toLowerCase())
      throw new VerifierError(
        "AUTHORIZATION_SIGNER_MISMATCH",
        `The authorization is signed by ${signer}, not by the account ${a.account} it claims for.`,
        {
          status: 403,
          data: { signer, account: a.account },
        },
      );
    if (/^0x0{40}$/.test(a.recipient))
      throw new VerifierError("RECIPIENT_ZERO", "The recipient may not be the zero address.");
    const tokenPerEth = options.tokenPerEth.get(tokenOf(a.poolId));
    if (tokenPerEth === undefined)
      throw new VerifierError(
        "TOKEN_NOT_SUPPORTED",
        `This verifier does not relay claims paid in token ${tokenOf(a.poolId)} (no price configured to convert gas ` +
          `into it).`,
        { status: 422 },
      );
    const latest = await client.getBlock({ blockTag: "latest" });
    if (a.deadline <= latest.timestamp + minDeadline)
      throw new VerifierError(
        "AUTHORIZATION_EXPIRED",
        `The authorization expires at ${a.deadline} (unix s); it must stay valid at least ${minDeadline} s beyond ` +
          `the chain's time ${latest.timestamp} to be relayed.`,
        {
          status: 422,
          data: { deadline: a.deadline.toString(), chainTime: latest.timestamp.toString() },
        },
      );
    const existing = await claims.findLiveClaim(a.poolId, a.account, a.nonce);
    // A retry of an authorization still in flight gets its claim back (idempotent); anything else that reuses the
    // nonce is refused: as a replay once the nonce is used, as a conflicting duplicate before.
    if (
      existing &&
      (existing.status === "queued" || existing.status === "submitted") &&
      existing.signature === signed.signature
    )
      return { created: false, claim: view(existing) };
    const chain = await readClaimed(a.poolId, a.account);
    // Any nonce at or above the account's next nonce is valid on chain; the next nonce then moves past it, which
    // retires every older authorization (as a direct claim or revokeClaimAuthorizations does).
    if (a.nonce < chain.nonce)
      throw new VerifierError(
        "AUTHORIZATION_NONCE_USED",
        `Nonce ${a.nonce} was used or retired (by a direct claim, a newer authorization or a revocation): the ` +
          `account's next nonce for this pool is ${chain.nonce}.`,
        {
          status: 409,
          data: { nextNonce: chain.nonce.toString(), ...(existing ? { claimId: existing.id } : {}) },
        },
      );
    if (existing)
      throw new VerifierError(
        "AUTHORIZATION_DUPLICATE",
        `A different authorization with nonce ${a.nonce} for this pool and account was already received (claim ` +
          `${existing.id}).`,
        { status: 409, data: { claimId: existing.id } },
      );
    const bound = (await readClaimRelayer(a.account)).toLowerCase();
    if (bound !== zeroAddress && bound !== txSender.account.toLowerCase())
      throw new VerifierError(
        "RELAYER_NOT_ALLOWED",
        `The account binds its claim authorizations to relayer ${bound}; this verifier relays as ` +
          `${txSender.account}. Unbind (meshpay claim set-relayer --any) or bind this relayer to use it.`,
        { status: 403, data: { relayer: bound, verifierRelayer: txSender.account } },
      );
    let resolved: ResolvedLeaf;
    let givenLeaf: RewardLeaf | undefined;
    let givenProof: Hex[] | undefined;
    if (rawLeaf !== undefined || rawProof !== undefined) {
      givenLeaf = leafFromJson(rawLeaf);
      givenProof = proofFromJson(rawProof);
      if (givenLeaf.account !== a.account.toLowerCase() || givenLeaf.poolId !== a.poolId.toLowerCase())
        throw new VerifierError("REQUEST_INVALID", "The leaf is not for the authorization's account and pool.", {
          data: { path: "leaf" },
        });
      resolved = await checkGivenLeaf(givenLeaf, givenProof);
    } else resolved = await latestLeaf(a.poolId, a.account);
    const amount = resolved.leaf.cumulativeAmount - chain.amount;
    if (amount <= 0n)
      throw new VerifierError(
        "NOTHING_DUE",
        `Nothing is due: the account already claimed ${chain.amount} of its cumulative ` +
          `${resolved.leaf.cumulativeAmount}.`,
        { status: 422 },
      );
    const gasPrice = await client.getGasPrice();
    const quote = computeClaimFee({
      gasShare: gasPerClaim,
      gasPrice,
      tokenPerEth,
      maxFee: 2n ** 256n,
      amount: 2n ** 256n,
    }).cost;
    if (quote > a.maxFee)
      throw new VerifierError(
        "MAX_FEE_TOO_LOW",
        `Relaying costs about ${quote} token units in gas now; the authorization allows at most ${a.maxFee}.`,
        { status: 422, data: { quote: quote.toString() } },
      );
    if (quote >= amount)
      throw new VerifierError(
        "NOTHING_DUE",
        `The ${amount} due does not cover the ~${quote} gas fee of relaying it; claim directly instead.`,
        { status: 422, data: { quote: quote.toString() } },
      );
    const id = `clm_${randomUUID()}`;
    const now = Date.now();
    await claims.insertQueued({
      id,
      poolId: a.poolId,
      account: a.account,
      recipient: a.recipient,
      maxFee: a.maxFee,
      nonce: a.nonce,
      deadline: a.deadline,
      signature: signed.signature,
      givenLeaf: givenLeaf ? JSON.stringify(rewardLeafToJson(givenLeaf)) : null,
      givenProof: givenProof ? JSON.stringify(givenProof) : null,
      epoch: resolved.epoch,
      amount,
      now,
    });
    metrics?.claims.inc({ status: "queued" });
    logger?.info({ claim: id, poolId: a.poolId, account: a.account, amount: amount.toString() }, "claim queued");
    return { created: true, claim: view((await getRow(id))!) };
  }

  const fail = async (row: ClaimRow, code: string, message: string) => {
    await update(row.id, { status: "failed", error_code: code, error_message: message });
    metrics?.claims.inc({ status: "failed" });
    logger?.warn({ claim: row.id, code, message }, "claim failed");
  };

  type Prepared = { row: ClaimRow; resolved: ResolvedLeaf; amount: bigint; maxFee: bigint; tokenPerEth: bigint };

  const encode = (items: { p: Prepared; fee: bigint }[]): Hex => {
    const structs = items.map(({ p, fee }) => {
      const sig = serializeSignature(p.row.signature, "64");
      return {
        leaf: { ...p.resolved.leaf },
        proof: p.resolved.proof,
        recipient: p.row.recipient,
        maxFee: p.maxFee,
        nonce: BigInt(p.row.nonce),
        deadline: BigInt(p.row.deadline),
        fee,
        r: `0x${sig.slice(2, 66)}` as Hex,
        vs: `0x${sig.slice(66, 130)}` as Hex,
      };
    });
    return structs.length === 1
      ? encodeFunctionData({ abi: distributorAbi, functionName: "claimWithAuthorization", args: [structs[0]!] })
      : encodeFunctionData({ abi: distributorAbi, functionName: "claimWithAuthorizations", args: [structs] });
  };

  const estimate = async (data: Hex): Promise<{ gas: bigint } | { error: string }> => {
    try {
      return { gas: await client.estimateGas({ account: txSender.account, to: facts.distributor, data }) };
    } catch (err) {
      try {
        await client.call({ account: txSender.account, to: facts.distributor, data });
      } catch (callErr) {
        return { error: decodeRevert(callErr) ?? getRevertName(err) ?? (err as Error).message.slice(0, 200) };
      }
      return { error: getRevertName(err) ?? (err as Error).message.slice(0, 200) };
    }
  };

  /** Builds and sends one batch from the queue, if there is one worth sending. */
  async function sendBatch(force: boolean): Promise<void> {
    const queued = await claims.listQueued(batchSize);
    if (queued.length === 0) return;
    if (!force && queued.length < batchSize && Date.now() - queued[0]!.created_at < batchWaitMs) return;
    const latest = await client.getBlock({ blockTag: "latest" });
    const prepared: Prepared[] = [];
    const inBatch = new Map<string, Prepared>();
    for (const row of queued) {
      if (BigInt(row.deadline) <= latest.timestamp + 5n) {
        await fail(
          row,
          "AUTHORIZATION_EXPIRED",
          `The authorization expired (deadline ${row.deadline}) before it could be submitted.`,
        );
        continue;
      }
      const chain = await readClaimed(row.pool_id, row.account);
      if (BigInt(row.nonce) < chain.nonce) {
        await fail(
          row,
          "AUTHORIZATION_NONCE_USED",
          `Nonce ${row.nonce} was used or retired (a direct claim, a newer authorization or a revocation) before ` +
            `this claim was submitted.`,
        );
        continue;
      }
      // One claim per (pool, account) per batch: the newest authorization; an older one is retired by it.
      const key = `${row.pool_id}:${row.account}`;
      const other = inBatch.get(key);
      if (other !== undefined && BigInt(other.row.nonce) >= BigInt(row.nonce)) continue;
      const bound = (await readClaimRelayer(row.account as Address)).toLowerCase();
      if (bound !== zeroAddress && bound !== txSender.account.toLowerCase()) {
        await fail(
          row,
          "RELAYER_NOT_ALLOWED",
          `The account bound its claim authorizations to relayer ${bound} before this claim was submitted.`,
        );
        continue;
      }
      let resolved: ResolvedLeaf;
      try {
        resolved = await resolveLeaf(row);
      } catch (err) {
        if (err instanceof VerifierError && err.code === "LEAF_PROOF_INVALID")
          await fail(row, err.code, err.shortMessage);
        if (!(err instanceof VerifierError)) throw err;
        continue;
      }
      const amount = resolved.leaf.cumulativeAmount - chain.amount;
      if (amount <= 0n) {
        await fail(row, "NOTHING_DUE", "Nothing is due any more: the account's cumulative amount was already claimed.");
        continue;
      }
      const entry: Prepared = {
        row,
        resolved,
        amount,
        maxFee: BigInt(row.max_fee),
        tokenPerEth: options.tokenPerEth.get(tokenOf(row.pool_id)) ?? 0n,
      };
      if (other !== undefined) prepared.splice(prepared.indexOf(other), 1);
      inBatch.set(key, entry);
      prepared.push(entry);
    }
    if (prepared.length === 0) return;
    // Claims in the same token next to each other: fees are paid once per run of one token.
    prepared.sort((x, y) =>
      tokenOf(x.row.pool_id) < tokenOf(y.row.pool_id) ? -1 : tokenOf(x.row.pool_id) > tokenOf(y.row.pool_id) ? 1 : 0,
    );
    let batch = prepared;
    // Upper bound of the fees for estimating: the real fee is never higher, so the estimate covers it.
    let est = await estimate(encode(batch.map((p) => ({ p, fee: p.maxFee < p.amount ? p.maxFee : p.amount }))));
    if ("error" in est) {
      const ok: Prepared[] = [];
      for (const p of batch) {
        const single = await estimate(encode([{ p, fee: p.maxFee < p.amount ? p.maxFee : p.amount }]));
        if ("error" in single) await fail(p.row, "CLAIM_REVERTED", `The claim would revert: ${single.error}.`);
        else ok.push(p);
      }
      batch = ok;
      if (batch.length === 0) return;
      est = await estimate(encode(batch.map((p) => ({ p, fee: p.maxFee < p.amount ? p.maxFee : p.amount }))));
      if ("error" in est) {
        logger?.warn({ error: est.error }, "claim batch still reverts; will retry");
        return;
      }
    }
    const gasPrice = await client.getGasPrice();
    const gasShare = (est.gas + BigInt(batch.length) - 1n) / BigInt(batch.length);
    const items = batch.map((p) => ({
      p,
      fee: computeClaimFee({ gasShare, gasPrice, tokenPerEth: p.tokenPerEth, maxFee: p.maxFee, amount: p.amount }).fee,
    }));
    const batchId = `batch_${randomUUID()}`;
    await txSender.send({
      kind: "claims",
      ref: batchId,
      to: facts.distributor,
      data: encode(items),
      gas: (est.gas * 5n) / 4n + 10_000n,
      gasPrice,
      record: async (txId, hash) => {
        for (const { p, fee } of items)
          await update(p.row.id, {
            status: "submitted",
            tx_id: txId,
            tx_hash: hash,
            fee: fee.toString(),
            amount: p.amount.toString(),
            epoch: p.resolved.epoch === null ? null : Number(p.resolved.epoch),
            attempts: p.row.attempts + 1,
            error_code: null,
            error_message: null,
          });
      },
    });
    metrics?.claims.inc({ status: "submitted" }, items.length);
  }

  async function onClaimsTx(outcome: TxOutcome): Promise<void> {
    const rows = await claims.listSubmittedIn(outcome.tx.id);
    if (outcome.status === "mined") {
      const paid = paidEvents(outcome.receipt);
      for (const row of rows) {
        const ev = paid.find((p) => p.poolId === row.pool_id && p.account === row.account);
        if (!ev) {
          await requeue(row, "CLAIM_NOT_PAID", "The transaction was mined without paying this claim.");
          continue;
        }
        await update(row.id, {
          status: "paid",
          amount: ev.amount.toString(),
          fee: ev.fee.toString(),
          tx_hash: outcome.tx.hash,
        });
        metrics?.claims.inc({ status: "paid" });
        metrics?.feesEarned.inc({ token: tokenOf(row.pool_id) }, Number(ev.fee));
        logger?.info(
          { claim: row.id, amount: ev.amount.toString(), fee: ev.fee.toString(), tx: outcome.tx.hash },
          "claim paid",
        );
      }
    } else {
      const [code, message] =
        outcome.status === "dropped"
          ? ["TRANSACTION_DROPPED", `The claim transaction was dropped: ${outcome.reason}.`]
          : ["CLAIM_REVERTED", "The claim transaction reverted."];
      for (const row of rows) await requeue(row, code, message);
    }
  }

  async function requeue(row: ClaimRow, code: string, message: string): Promise<void> {
    if (row.attempts >= maxAttempts) {
      await fail(row, code, `${message} Gave up after ${row.attempts} attempts.`);
      return;
    }
    await update(row.id, { status: "queued", tx_id: null, tx_hash: null, error_code: code, error_message: message });
  }

  function paidEvents(receipt: TransactionReceipt): { poolId: string; account: string; amount: bigint; fee: bigint }[] {
    return parseEventLogs({ abi: distributorAbi, logs: receipt.logs, eventName: "ClaimedWithAuthorization" })
      .filter(
        (ev) =>
          ev.address.toLowerCase() === facts.distributor &&
          ev.args.relayer.toLowerCase() === txSender.account.toLowerCase(),
      )
      .map((ev) => ({
        poolId: ev.args.poolId.toLowerCase(),
        account: ev.args.account.toLowerCase(),
        amount: ev.args.amount,
        fee: ev.args.fee,
      }));
  }

  function decodeRevert(err: unknown): string | undefined {
    const data = (err as { walk?: (f: (e: unknown) => boolean) => unknown }).walk?.call(
      err,
      (e) => typeof (e as { data?: unknown }).data === "string",
    ) as { data?: Hex } | undefined;
    if (!data?.data) return undefined;
    try {
      const { errorName, args } = decodeErrorResult({ abi: distributorAbi, data: data.data }) as {
        errorName: string;
        args: readonly unknown[] | undefined;
      };
      return `${errorName}(${(args ?? []).map(String).join(", ")})`;
    } catch {
      return undefined;
    }
  }

  txSender.onOutcome("claims", onClaimsTx);

  return {
    submit,
    async get(id: string): Promise<Record<string, unknown> | undefined> {
      const row = await getRow(id);
      return row ? view(row) : undefined;
    },
    /** Sends a batch when one is due (`force`: do not wait for a fuller batch). */
    tick: (force = false) => sendBatch(force),
  };
}

/** The protocol's reward-leaf codec; a bad leaf is REQUEST_INVALID naming the field (`data.path`). */
function leafFromJson(value: unknown): RewardLeaf {
  try {
    return rewardLeafFromJson(value);
  } catch (cause) {
    if (!(cause instanceof ProtocolError)) throw cause;
    throw new VerifierError("REQUEST_INVALID", cause.shortMessage, { cause, data: { path: cause.field ?? "leaf" } });
  }
}

function proofFromJson(value: unknown): Hex[] {
  if (!Array.isArray(value) || value.some((p) => typeof p !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(p)))
    throw new VerifierError("REQUEST_INVALID", "proof must be an array of 0x-hex 32-byte strings.", {
      data: { path: "proof" },
    });
  return value.map((p: string) => p.toLowerCase() as Hex);
}

export type ClaimRelayer = ReturnType<typeof createClaimRelayer>;
