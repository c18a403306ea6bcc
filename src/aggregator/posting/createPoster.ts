import type { Logger } from "pino";
import { encodeFunctionData, keccak256, type PublicClient, parseTransaction, type WalletClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import { findContractRevert } from "../../contracts/findContractRevert.ts";
import { getReplacedEpochData } from "../../contracts/getReplacedEpochData.ts";
import { getRevertName } from "../../contracts/getRevertName.ts";
import { isAlreadyKnownTxError } from "../../contracts/isAlreadyKnownTxError.ts";
import { ZERO_HASH } from "../../protocol/constants.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { ChainHead, EpochEvent } from "../chain/createChainFollower.ts";
import type { PoolRegistry } from "../chain/createPoolRegistry.ts";
import type { EpochSource } from "../epoch/EpochSource.ts";
import type { EpochTamperRef } from "../epoch/EpochTamper.ts";
import type { PrepareEpochInput, PrepareEpochResult } from "../epoch/prepareEpoch.ts";
import type { AggregatorMetrics } from "../metrics/createMetrics.ts";
import { type EpochPost, type EpochStore, postStates, type ReplacedEpochData } from "../storage/EpochStore.ts";
import { createBlockWaitWatch } from "./createBlockWaitWatch.ts";

export type PosterStatus = {
  enabled: boolean;
  account: Address | undefined;
  /** The contract's next epoch to post, as last read. */
  nextEpoch: number | undefined;
  /** What the poster is waiting for, in words (null when it is not waiting). */
  waitingFor: string | null;
  /** A condition that needs an operator (e.g. an epoch on chain this database does not know). */
  halted: string | null;
  lastError: string | null;
  lastTickAt: number | null;
};

export type Poster = {
  /** One round of the state machine against a chain head: resolve, reconcile, close, prepare, submit. */
  tick(head: ChainHead): Promise<void>;
  /** Epoch events from the follower (challenges, rejections, posts by others). */
  noteEvents(events: EpochEvent[]): Promise<void>;
  status(): PosterStatus;
};

export type PosterOptions = {
  enabled: boolean;
  client: PublicClient;
  wallet: WalletClient | undefined;
  account: PrivateKeyAccount | undefined;
  chainId: number;
  distributor: Address;
  /** The distributor's deployment block (log queries start there). */
  fromBlock: bigint;
  epochs: EpochStore;
  pools: PoolRegistry;
  epochParams: { genesisTime: number; epochSeconds: number; graceSeconds: number };
  /** The database epoch closes read (passed on to runPrepare). */
  source: EpochSource;
  bundleDir: string;
  publicUrl: string;
  autoRegister: boolean;
  resendAfterMs: number;
  closeDelayMs: number;
  /**
   * Seam for tests and the demo (never set in production): the tamper of an epoch's next attempt, given whether
   * any earlier attempt of it reached the chain.
   */
  tamperFor?: (epoch: number, history: { everOnChain: boolean }) => EpochTamperRef | null;
  /** Seam: observes the posting steps ("recorded": signed and stored, not yet sent; "broadcast": sent). */
  onStep?: (step: PostStep, post: { epoch: number; attempt: number; txHash: Hex }) => void;
  runPrepare: (input: PrepareEpochInput) => Promise<PrepareEpochResult>;
  /**
   * Called before an epoch is closed: ingest must refuse its receipts from then on; resolves once the batches in
   * flight have committed, so the close reads them.
   */
  onClose: (epoch: number) => Promise<void>;
  metrics: AggregatorMetrics;
  logger: Logger;
  now?: () => number;
  /** Warn when a close or a post has waited this long for a new block (default 30 s). */
  blockWaitWarnMs?: number;
};

export type PostStep = "recorded" | "broadcast";

/** Reverts that mean "not yet": the same attempt is retried on a later tick. */
const WAIT_REVERTS: Record<string, string> = {
  EpochNotClosed: "the chain's clock to pass the epoch's close",
  SystemPaused: "the guardian to unpause the contract",
  EpochTooManyPending: "pending epochs to become claimable (too many pending)",
  EpochOutOfOrder: "the chain's next epoch to be re-read",
};

/**
 * The posting state machine (docs/operations.md, "Posting"). Per epoch, attempts move
 * prepared -> submitted(txHash, nonce) -> mined -> claimable, or to rejected (challenge upheld or epoch revoked: the
 * epoch is posted again from a fresh snapshot, with repostEpoch and the rejected post's EpochData) or failed (reverted, or its nonce taken by another transaction: a new attempt).
 * Every signed transaction is recorded before it is broadcast and re-broadcast (same nonce) until one of that
 * nonce's transactions is mined, so a crash, an RPC outage or a lost transaction can neither post an epoch twice
 * nor skip one; the contract's strict epoch order backs this up.
 */
export function createPoster(o: PosterOptions): Poster {
  const now = o.now ?? Date.now;
  const { client, epochs, logger, metrics } = o;
  const address = o.account?.address.toLowerCase() as Address | undefined;
  const state: PosterStatus = {
    enabled: o.enabled,
    account: address,
    nextEpoch: undefined,
    waitingFor: null,
    halted: null,
    lastError: null,
    lastTickAt: null,
  };
  const blockWait = createBlockWaitWatch({ logger, afterMs: o.blockWaitWarnMs ?? 30_000, now });
  let waitingForBlock: string | null = null;
  const closesAt = (e: number) =>
    o.epochParams.genesisTime + (e + 1) * o.epochParams.epochSeconds + o.epochParams.graceSeconds;
  const read = <T>(functionName: string, args: readonly unknown[], blockNumber?: bigint): Promise<T> =>
    client.readContract({
      address: o.distributor,
      abi: rewardDistributorAbi,
      functionName: functionName as "systemState",
      args: args as [],
      ...(blockNumber === undefined ? {} : { blockNumber }),
    }) as Promise<T>;

  const broadcast = async (raw: Hex, epoch: number): Promise<void> => {
    try {
      await client.sendRawTransaction({ serializedTransaction: raw });
    } catch (err) {
      // A re-broadcast of bytes the node already holds is sent, not failed.
      if (isAlreadyKnownTxError(err)) {
        logger.debug({ epoch }, "the node already has the post transaction");
        return;
      }
      // Nonce already used, RPC down: the next tick finds out from receipts and nonces.
      logger.warn({ epoch, err: shortError(err) }, "broadcast of the post transaction failed; will reconcile");
    }
  };

  const signAndRecord = async (
    a: EpochPost,
    nonce: number,
    fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
    gas: bigint,
    data: Hex,
  ) => {
    const raw = (await o.account!.signTransaction({
      chainId: o.chainId,
      type: "eip1559",
      to: o.distributor,
      data,
      gas,
      nonce,
      ...fees,
    })) as Hex;
    const txHash = keccak256(raw);
    await epochs.recordSubmission(a.epoch, a.attempt, { txHash, nonce, raw });
    return { raw, txHash };
  };

  const resolveSubmitted = async (a: EpochPost): Promise<void> => {
    const txs = await epochs.transactions(a.epoch, a.attempt);
    for (const t of [...txs].reverse()) {
      const receipt = await client.getTransactionReceipt({ hash: t.txHash as Hex }).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (!receipt) continue;
      if (receipt.status === "success") {
        const block = await client.getBlock({ blockNumber: receipt.blockNumber });
        await epochs.markMined(a.epoch, a.attempt, {
          block: Number(receipt.blockNumber),
          txHash: t.txHash as Hex,
          postedAt: Number(block.timestamp),
        });
        metrics.postsMined.inc();
        logger.info(
          { epoch: a.epoch, attempt: a.attempt, txHash: t.txHash, block: Number(receipt.blockNumber), root: a.root },
          "epoch posted",
        );
      } else {
        await epochs.markFailed(a.epoch, a.attempt, `transaction ${t.txHash} reverted in block ${receipt.blockNumber}`);
        metrics.postFailures.inc({ reason: "reverted" });
        logger.warn(
          { epoch: a.epoch, attempt: a.attempt, txHash: t.txHash },
          "post transaction reverted; a new attempt follows",
        );
      }
      return;
    }
    const latestNonce = await client.getTransactionCount({ address: o.account!.address, blockTag: "latest" });
    if (latestNonce > (a.nonce ?? Number.MAX_SAFE_INTEGER)) {
      // The nonce is spent but none of our transactions has a receipt: look for our post in the logs first.
      const mine = new Set(txs.map((t) => t.txHash));
      const logs = await client.getContractEvents({
        address: o.distributor,
        abi: rewardDistributorAbi,
        eventName: "EpochPosted",
        args: { epoch: BigInt(a.epoch) },
        fromBlock: BigInt(a.snapshotBlock),
      });
      const ours = logs.find((l) => mine.has(l.transactionHash.toLowerCase()));
      if (ours) {
        const block = await client.getBlock({ blockNumber: ours.blockNumber });
        await epochs.markMined(a.epoch, a.attempt, {
          block: Number(ours.blockNumber),
          txHash: ours.transactionHash,
          postedAt: Number(block.timestamp),
        });
        metrics.postsMined.inc();
        return;
      }
      await epochs.markFailed(a.epoch, a.attempt, `nonce ${a.nonce} was used by another transaction`);
      metrics.postFailures.inc({ reason: "nonce_taken" });
      logger.warn(
        { epoch: a.epoch, attempt: a.attempt, nonce: a.nonce },
        "the post's nonce was taken by another transaction; a new attempt follows",
      );
      return;
    }
    // Still pending, or lost (RPC outage, node restart): send again, with higher fees once it has waited long enough.
    const last = txs.at(-1);
    if (!last) {
      await epochs.markFailed(a.epoch, a.attempt, "submitted without a recorded transaction");
      return;
    }
    if (now() - last.createdAt < o.resendAfterMs) {
      await broadcast(last.rawTransaction as Hex, a.epoch);
      return;
    }
    const previous = parseTransaction(last.rawTransaction as Hex);
    const estimated = await client.estimateFeesPerGas();
    const bump = (old: bigint | undefined, est: bigint) => {
      const raised = ((old ?? 0n) * 1125n) / 1000n + 1n;
      return raised > est ? raised : est;
    };
    const fees = {
      maxFeePerGas: bump(previous.maxFeePerGas, estimated.maxFeePerGas),
      maxPriorityFeePerGas: bump(previous.maxPriorityFeePerGas, estimated.maxPriorityFeePerGas),
    };
    // The same call as first signed (postEpoch or repostEpoch with its replaced EpochData), only with higher fees.
    const data = previous.data ?? encodeFunctionData(postCall(a) as never);
    const { raw, txHash } = await signAndRecord(a, a.nonce!, fees, previous.gas ?? 1_000_000n, data);
    logger.warn(
      { epoch: a.epoch, attempt: a.attempt, txHash, nonce: a.nonce },
      "post not mined in time: re-sent with higher fees",
    );
    await broadcast(raw, a.epoch);
  };

  const findPostedElsewhere = async (epoch: number): Promise<boolean> => {
    // The chain has `epoch` posted but no live attempt here: maybe our transaction was mined while we were away.
    const logs = await client.getContractEvents({
      address: o.distributor,
      abi: rewardDistributorAbi,
      eventName: "EpochPosted",
      args: { epoch: BigInt(epoch) },
      fromBlock: o.fromBlock,
    });
    const last = logs.at(-1);
    if (!last) return false;
    for (const a of await epochs.attempts(epoch)) {
      if (!(await epochs.transactions(epoch, a.attempt)).some((t) => t.txHash === last.transactionHash.toLowerCase()))
        continue;
      const block = await client.getBlock({ blockNumber: last.blockNumber });
      await epochs.markMined(epoch, a.attempt, {
        block: Number(last.blockNumber),
        txHash: last.transactionHash,
        postedAt: Number(block.timestamp),
      });
      return true;
    }
    return false;
  };

  const ensureRegistered = async (): Promise<boolean> => {
    const info = await read<{ bond: bigint; exitAvailableAt: bigint; active: boolean }>("aggregatorInfo", [
      o.account!.address,
    ]);
    if (info.active && info.exitAvailableAt === 0n) return true;
    if (info.exitAvailableAt !== 0n) {
      state.halted = "this aggregator gave notice of exit: it can no longer post";
      return false;
    }
    if (!o.autoRegister || !o.wallet) {
      state.waitingFor =
        "registration: the posting account is not an active aggregator (register it, or set posting.autoRegister)";
      return false;
    }
    const config = await read<{ aggregatorBond: bigint }>("config", []);
    const value = config.aggregatorBond > info.bond ? config.aggregatorBond - info.bond : 0n;
    const hash = await o.wallet.writeContract({
      address: o.distributor,
      abi: rewardDistributorAbi,
      functionName: "registerAggregator",
      value,
      account: o.account!,
      chain: null,
    });
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 60_000 });
    logger.info({ txHash: hash, value: value.toString(), status: receipt.status }, "registered as aggregator");
    return receipt.status === "success";
  };

  const prepare = async (epoch: number, previous: EpochPost | undefined, head: ChainHead): Promise<EpochPost> => {
    await o.onClose(epoch);
    const snapshotBlock = head.number;
    // A rejected epoch is posted again with repostEpoch, which first releases the rejected post's allocations: a
    // pool's available funds are then its unallocated balance plus what the re-post releases (docs/bundle.md).
    const sys = await read<{ repostEnd: bigint }>("systemState", [], snapshotBlock);
    let replaced: ReplacedEpochData | null = null;
    if (BigInt(epoch) < sys.repostEnd) {
      const r = await getReplacedEpochData({
        client,
        distributor: o.distributor,
        epoch: BigInt(epoch),
        fromBlock: o.fromBlock,
        toBlock: snapshotBlock,
      });
      replaced = {
        aggregator: r.data.aggregator,
        bundleHash: r.data.bundleHash,
        poolTotals: r.data.poolTotals.map((t) => ({ poolId: t.poolId, amount: t.amount.toString() })),
        dataHash: r.dataHash,
      };
    }
    const poolInputs: PrepareEpochInput["pools"] = [];
    for (const { poolId } of await epochs.stats(epoch)) {
      const [info, price] = await Promise.all([
        read<{ unallocated: bigint; owed: bigint }>("poolInfo", [poolId], snapshotBlock),
        read<bigint>("priceAt", [poolId, BigInt(epoch)], snapshotBlock),
      ]);
      const available = info.unallocated + releasedBy(replaced, poolId, info.owed);
      poolInputs.push({ poolId, pricePerGB: price.toString(), available: available.toString() });
    }
    const everOnChain = (await epochs.attempts(epoch)).some(
      (a) => a.state === "mined" || a.state === "claimable" || a.state === "rejected",
    );
    const tamper = o.tamperFor?.(epoch, { everOnChain }) ?? null;
    const attempt = await epochs.nextAttempt(epoch);
    const input: PrepareEpochInput = {
      source: o.source,
      bundleDir: o.bundleDir,
      epoch,
      attempt,
      chainId: o.chainId,
      distributor: o.distributor,
      genesisTime: o.epochParams.genesisTime,
      epochSeconds: o.epochParams.epochSeconds,
      graceSeconds: o.epochParams.graceSeconds,
      snapshotBlock: Number(snapshotBlock),
      pools: poolInputs,
      signerHistories: o.pools
        .all()
        .filter((p) => p.signers.length > 1)
        .map((p) => ({ poolId: p.poolId, signers: p.signers })),
      previous: previous
        ? { bundleHash: previous.bundleHash as Hex, path: previous.bundlePath, leavesOffset: previous.leavesOffset }
        : null,
      tamper,
    };
    const result = await o.runPrepare(input);
    metrics.epochCloseDuration.observe(result.seconds);
    const bundleUri = `${o.publicUrl}/v1/epochs/${epoch}/bundle?hash=${result.bundleHash}`;
    await epochs.insertPrepared(result, {
      bundleUri,
      snapshotBlock: Number(snapshotBlock),
      previousBundleHash: input.previous?.bundleHash ?? ZERO_HASH,
      replaced,
    });
    if (result.tampered)
      logger.warn(
        { epoch, attempt, tampered: result.tampered },
        "epoch tampered through the seam: not an honest epoch",
      );
    if (result.excluded.length > 0)
      logger.warn(
        { epoch, excluded: result.excluded.length },
        "receipts left out: ticket signer rotated before delivery",
      );
    logger.info(
      {
        epoch,
        attempt,
        root: result.root,
        bundleHash: result.bundleHash,
        repost: replaced !== null,
        receipts: result.receiptCount,
        leaves: result.leafCount,
        seconds: result.seconds,
      },
      "epoch closed",
    );
    return (await epochs.get(epoch, attempt))!;
  };

  /**
   * Why attempt `a` can no longer be posted as prepared, or null: it was prepared for postEpoch but the epoch now
   * needs repostEpoch (or the reverse), or a pool's funds
   * dropped below its total since the snapshot (the contract would cut the total, and the tree would promise more
   * than the pool allocated).
   */
  const staleReason = async (a: EpochPost): Promise<string | null> => {
    const sys = await read<{ repostEnd: bigint }>("systemState", []);
    const replaced = a.replaced ? (JSON.parse(a.replaced) as ReplacedEpochData) : null;
    const repost = BigInt(a.epoch) < sys.repostEnd;
    if (repost && !replaced) return "the epoch was rejected since it was prepared: it needs repostEpoch";
    if (!repost && replaced) return "prepared as a re-post, but the epoch no longer awaits one";
    for (const t of JSON.parse(a.poolTotals) as { poolId: Hex; amount: string }[]) {
      const info = await read<{ unallocated: bigint; owed: bigint }>("poolInfo", [t.poolId]);
      const available = info.unallocated + releasedBy(replaced, t.poolId, info.owed);
      if (available < BigInt(t.amount))
        return `pool ${t.poolId} holds ${available}, less than its total ${t.amount} (funds left since the snapshot)`;
    }
    return null;
  };

  const submit = async (a: EpochPost): Promise<void> => {
    const stale = await staleReason(a);
    if (stale) {
      await epochs.markFailed(a.epoch, a.attempt, stale);
      metrics.postFailures.inc({ reason: "stale" });
      logger.warn({ epoch: a.epoch, attempt: a.attempt, reason: stale }, "prepared post is stale; preparing anew");
      return;
    }
    const call = postCall(a);
    let gas: bigint;
    try {
      gas = await client.estimateContractGas({
        address: o.distributor,
        abi: rewardDistributorAbi,
        ...(call as { functionName: "postEpoch"; args: ReturnType<typeof postArgs> }),
        account: o.account!,
      });
    } catch (err) {
      const reason = getRevertName(err);
      if (reason === undefined) throw err;
      if (reason in WAIT_REVERTS) {
        state.waitingFor = WAIT_REVERTS[reason]!;
        return;
      }
      if (reason === "AggregatorNotActive") {
        state.waitingFor = "registration as an active aggregator";
        return;
      }
      if (reason === "EpochNotPoster") {
        // Posting is no race: the previous epoch's poster posts this one until it stops or is an epoch late.
        const args = (findContractRevert(err)?.data?.args ?? []) as readonly unknown[];
        const takeoverAt = Number(args[2] ?? 0n);
        state.waitingFor =
          `epoch ${a.epoch}'s designated poster ${String(args[1] ?? "(unknown)").toLowerCase()}: ` +
          `this aggregator takes over from ${new Date(takeoverAt * 1000).toISOString()} if it has not posted`;
        return;
      }
      // Anything unexpected: a fresh attempt next tick.
      await epochs.markFailed(a.epoch, a.attempt, `the post would revert with ${reason}`);
      metrics.postFailures.inc({ reason: "estimate_failed" });
      logger.warn({ epoch: a.epoch, attempt: a.attempt, reason }, "the post would revert; preparing a new attempt");
      return;
    }
    const nonce = await client.getTransactionCount({ address: o.account!.address, blockTag: "pending" });
    const fees = await client.estimateFeesPerGas();
    const { raw, txHash } = await signAndRecord(
      a,
      nonce,
      { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas },
      (gas * 12n) / 10n,
      encodeFunctionData(call as never),
    );
    logger.info({ epoch: a.epoch, attempt: a.attempt, txHash, nonce, call: call.functionName }, "post submitted");
    o.onStep?.("recorded", { epoch: a.epoch, attempt: a.attempt, txHash });
    await broadcast(raw, a.epoch);
    o.onStep?.("broadcast", { epoch: a.epoch, attempt: a.attempt, txHash });
  };

  const tick = async (head: ChainHead): Promise<void> => {
    if (!o.enabled || !o.account) return;
    state.waitingFor = null;
    waitingForBlock = null;
    try {
      for (const a of await epochs.inState("submitted")) await resolveSubmitted(a);
      const sys = await read<{ nextEpoch: bigint; paused: boolean }>("systemState", [], head.number);
      const next = Number(sys.nextEpoch);
      state.nextEpoch = next;
      metrics.nextEpoch.set(next);
      // Live attempts at or above the chain's next epoch are no longer on chain: rejected (or reorged away).
      for (const a of await epochs.liveFrom(next)) {
        if ((a.minedBlock ?? Number.MAX_SAFE_INTEGER) > Number(head.number)) continue;
        await epochs.markRejected(a.epoch, a.attempt);
        logger.warn(
          { epoch: a.epoch, attempt: a.attempt },
          "epoch no longer on chain (rejected): it will be posted again",
        );
      }
      for (const a of await epochs.inState("mined", 64)) {
        if (a.epoch >= next || (a.minedBlock ?? Number.MAX_SAFE_INTEGER) > Number(head.number)) break;
        if (!(await read<boolean>("isClaimable", [BigInt(a.epoch)], head.number))) break;
        await epochs.markClaimable(a.epoch, a.attempt);
        logger.info({ epoch: a.epoch, attempt: a.attempt }, "epoch claimable");
      }
      await refreshGauges();
      if (sys.paused) {
        state.waitingFor = "the guardian to unpause the contract";
        return;
      }
      if ((await epochs.inState("submitted")).length > 0) {
        state.waitingFor = "the submitted post to be mined";
        waitingForBlock = state.waitingFor;
        return;
      }
      const epoch = next;
      const close = closesAt(epoch);
      if (now() < close * 1000 + o.closeDelayMs) {
        state.waitingFor = `epoch ${epoch} to close at ${new Date(close * 1000).toISOString()}`;
        return;
      }
      if (head.timestamp < close) {
        state.waitingFor = `a block at or after epoch ${epoch}'s close (${close})`;
        waitingForBlock = state.waitingFor;
        return;
      }
      let previous: EpochPost | undefined;
      if (epoch > 0) {
        previous = await epochs.live(epoch - 1);
        if (!previous && (await findPostedElsewhere(epoch - 1))) previous = await epochs.live(epoch - 1);
        if (!previous) {
          state.halted =
            `epoch ${epoch - 1} is on chain but this database has no post of it: cannot continue its ` +
            `cumulative amounts`;
          return;
        }
      }
      state.halted = null;
      const previousHash = previous?.bundleHash ?? ZERO_HASH;
      let attempt = await epochs.latestPrepared(epoch);
      if (attempt && attempt.previousBundleHash !== previousHash) {
        await epochs.markFailed(
          attempt.epoch,
          attempt.attempt,
          "prepared on a previous epoch that is no longer on chain",
        );
        attempt = undefined;
      }
      if (!(await ensureRegistered())) return;
      attempt ??= await prepare(epoch, previous, head);
      await submit(attempt);
      state.lastError = null;
    } catch (err) {
      state.lastError = shortError(err);
      metrics.rpcErrors.inc();
      logger.warn({ err: state.lastError }, "posting round failed; retrying on the next tick");
    } finally {
      blockWait.observe(head.number, waitingForBlock);
      state.lastTickAt = now();
    }
  };

  const refreshGauges = async () => {
    const counts = await epochs.countByState();
    for (const s of postStates) metrics.epochsByState.set({ state: s }, counts.get(s) ?? 0);
    metrics.latestClaimableEpoch.set((await epochs.latestClaimable()) ?? -1);
  };

  return {
    tick,
    async noteEvents(events) {
      for (const ev of events) {
        if (ev.kind === "challenged") {
          const live = await epochs.live(ev.epoch);
          if (live) {
            await epochs.setChallenge(live.epoch, live.attempt, ev.challengeId);
            logger.warn({ epoch: ev.epoch, challengeId: ev.challengeId }, "epoch challenged");
          }
        } else if (ev.kind === "rejected") {
          // EpochRejected(epoch, challengeId, end) rejects [epoch, end); challengeId 0 is a revocation.
          for (let e = ev.epoch; e < ev.end; e++) {
            const live = await epochs.live(e);
            if (!live || (live.minedBlock ?? 0) > ev.block) continue;
            await epochs.markRejected(live.epoch, live.attempt, e === ev.epoch ? ev.challengeId : undefined);
            logger.warn(
              { epoch: e, challengeId: ev.challengeId, revoked: ev.challengeId === "0" },
              "epoch rejected on chain: it will be posted again with repostEpoch",
            );
          }
        } else if (ev.kind === "posted" && address && ev.aggregator !== address) {
          logger.warn({ epoch: ev.epoch, aggregator: ev.aggregator }, "epoch posted by another aggregator");
        }
      }
    },
    status: () => ({ ...state }),
  };
}

/** The call that posts attempt `a`: repostEpoch with the EpochData it replaces, or postEpoch. */
function postCall(a: EpochPost) {
  const args = postArgs(a);
  if (!a.replaced) return { abi: rewardDistributorAbi, functionName: "postEpoch" as const, args };
  const r = JSON.parse(a.replaced) as ReplacedEpochData;
  const replaced = {
    aggregator: r.aggregator,
    bundleHash: r.bundleHash,
    poolTotals: r.poolTotals.map((t) => ({ poolId: t.poolId, amount: BigInt(t.amount) })),
  };
  return { abi: rewardDistributorAbi, functionName: "repostEpoch" as const, args: [...args, replaced] as const };
}

/** What repostEpoch releases for `poolId` from the rejected post (`replaced`): its total, at most the pool's owed. */
function releasedBy(replaced: ReplacedEpochData | null, poolId: Hex, owed: bigint): bigint {
  const t = replaced?.poolTotals.find((x) => x.poolId.toLowerCase() === poolId.toLowerCase());
  if (!t) return 0n;
  const amount = BigInt(t.amount);
  return amount < owed ? amount : owed;
}

function postArgs(a: EpochPost) {
  const totals = (JSON.parse(a.poolTotals) as { poolId: Hex; amount: string }[]).map((t) => ({
    poolId: t.poolId,
    amount: BigInt(t.amount),
  }));
  return [BigInt(a.epoch), a.root as Hex, totals, a.bundleHash as Hex, a.bundleUri] as const;
}

function isNotFound(err: unknown): boolean {
  return (
    err instanceof Error && (err.name === "TransactionReceiptNotFoundError" || /could not be found/i.test(err.message))
  );
}

function shortError(err: unknown): string {
  if (err && typeof err === "object" && "shortMessage" in err && typeof err.shortMessage === "string")
    return err.shortMessage;
  return err instanceof Error ? err.message : String(err);
}
