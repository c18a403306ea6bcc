// Test helper: plays an aggregator against a real `hardhat node` — signs tickets and receipts for deliveries in an
// epoch, closes the epoch (chain time travel), computes the rewards with the protocol library, writes the epoch
// bundle exactly as docs/bundle.md says, serves it over real HTTP, and posts the root from a bonded aggregator
// account. `cheat` makes it post a dishonest epoch (an inflated leaf) for the audit tests.

import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import { createPublicClient, createWalletClient, defineChain, http, keccak256, parseEther, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../../src/contracts/abis.ts";
import { getReplacedEpochData } from "../../../src/contracts/getReplacedEpochData.ts";
import { parseBundleBytes } from "../../../src/protocol/bundle/parseBundleBytes.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../../src/protocol/eip712/hashViewerTicket.ts";
import { getEpochClosesAt } from "../../../src/protocol/epoch/getEpochClosesAt.ts";
import { getEpochStart } from "../../../src/protocol/epoch/getEpochStart.ts";
import { signChunkReceipt } from "../../../src/protocol/messages/signChunkReceipt.ts";
import { signViewerTicket } from "../../../src/protocol/messages/signViewerTicket.ts";
import { computeEpochRewards } from "../../../src/protocol/rewards/computeEpochRewards.ts";
import { buildRewardTree } from "../../../src/protocol/tree/buildRewardTree.ts";
import type {
  Address,
  EpochParams,
  Hex,
  RewardLeaf,
  SignedChunkReceipt,
  SignedViewerTicket,
} from "../../../src/protocol/types.ts";
import { signedChunkReceiptToJson } from "../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../../../src/protocol/wire/signedViewerTicketToJson.ts";
import { writeBundleV2 } from "../../protocol/bundle/helpers/writeBundleV2.ts";
import { mineAt, rpc } from "./startHardhatNode.ts";

export type Delivery = {
  relay: Address;
  poolId: Hex;
  /** Key of the pool's ticket signer. */
  ticketSignerKey: Hex;
  chunks: number;
  chunkSize: number;
};

export type PostedEpoch = {
  epoch: bigint;
  root: Hex;
  bundleHash: Hex;
  bundleURI: string;
  bytes: Uint8Array;
  leaves: RewardLeaf[];
};

export async function createEpochPoster(opts: {
  rpcUrl: string;
  distributor: Address;
  aggregatorKey: Hex;
  /** The bundle format written (docs/bundle.md): 2, as the aggregator writes, unless a test audits a legacy 1. */
  bundleFormat?: 1 | 2;
}) {
  const chain = defineChain({
    id: 31337,
    name: "hardhat",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [opts.rpcUrl] } },
  });
  const publicClient = createPublicClient({ chain, transport: http(opts.rpcUrl), pollingInterval: 100 });
  const account = privateKeyToAccount(opts.aggregatorKey);
  const wallet = createWalletClient({ chain, account, transport: http(opts.rpcUrl) });
  const read = <T>(functionName: string, args: readonly unknown[] = [], blockNumber?: bigint) =>
    publicClient.readContract({
      address: opts.distributor,
      abi: rewardDistributorAbi,
      functionName,
      args,
      ...(blockNumber === undefined ? {} : { blockNumber }),
    } as never) as Promise<T>;
  const send = async (functionName: string, args: readonly unknown[], value?: bigint) => {
    const hash = await wallet.writeContract({
      address: opts.distributor,
      abi: rewardDistributorAbi,
      functionName,
      args,
      ...(value ? { value } : {}),
    } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    return receipt;
  };

  const files = new Map<string, Uint8Array>();
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? "");
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const config = await read<{
    genesisTime: bigint;
    epochSeconds: bigint;
    graceSeconds: bigint;
    challengeWindow: bigint;
    aggregatorBond: bigint;
  }>("config");
  const params: EpochParams = {
    genesisTime: config.genesisTime,
    epochSeconds: config.epochSeconds,
    graceSeconds: config.graceSeconds,
  };
  const domain = { chainId: 31337, verifyingContract: opts.distributor };
  await send("registerAggregator", [], config.aggregatorBond > 0n ? config.aggregatorBond : parseEther("1"));

  // What this poster posted per epoch: a post (or re-post) of epoch e builds on its post of e - 1.
  const posted = new Map<bigint, { leaves: RewardLeaf[]; bundleHash: Hex }>();

  return {
    config,
    params,
    baseUrl: base,
    /** Signs the deliveries' tickets and receipts (delivered inside `epoch`), closes the epoch, writes, serves and posts its bundle. */
    async post(
      epoch: bigint,
      deliveries: Delivery[],
      cheat?: { inflate: { relay: Address; poolId: Hex; by: bigint } },
    ): Promise<PostedEpoch> {
      const start = getEpochStart(params, epoch) * 1000n;
      const tickets: SignedViewerTicket[] = [];
      const receipts: SignedChunkReceipt[] = [];
      for (const [d, delivery] of deliveries.entries()) {
        const viewerKey = generatePrivateKey();
        const ticket = signViewerTicket(
          {
            poolId: delivery.poolId,
            streamId: keccak256(toHex(`stream-${d}`)) as Hex,
            viewer: privateKeyToAccount(viewerKey).address.toLowerCase() as Address,
            notBefore: start,
            notAfter: start + config.epochSeconds * 1000n,
            maxBytes: 10n ** 12n,
          },
          domain,
          delivery.ticketSignerKey,
        );
        tickets.push(ticket);
        const ticketHash = hashViewerTicket(ticket.ticket);
        for (let i = 0; i < delivery.chunks; i++)
          receipts.push(
            signChunkReceipt(
              {
                poolId: delivery.poolId,
                ticketHash,
                relay: delivery.relay.toLowerCase() as Address,
                segment: BigInt(d),
                chunk: i,
                chunkHash: keccak256(randomBytes(16)) as Hex,
                size: delivery.chunkSize,
                deliveredAt: start + 1000n + BigInt(i),
              },
              domain,
              viewerKey,
            ),
          );
      }
      // Close the epoch: the snapshot block is the first block after it closed.
      await mineAt(opts.rpcUrl, getEpochClosesAt(params, epoch));
      const snapshotBlock = BigInt(await rpc<string>(opts.rpcUrl, "eth_blockNumber"));
      const previous = posted.get(epoch - 1n)?.leaves ?? [];
      const previousBundleHash = posted.get(epoch - 1n)?.bundleHash ?? (`0x${"00".repeat(32)}` as Hex);
      // A rejected epoch is posted again with repostEpoch: the rejected post's allocations come back first.
      const { repostEnd } = await read<{ repostEnd: bigint }>("systemState", [], snapshotBlock);
      const replaced =
        epoch < repostEnd
          ? (
              await getReplacedEpochData({
                client: publicClient,
                distributor: opts.distributor,
                epoch,
                fromBlock: 0n,
                toBlock: snapshotBlock,
              })
            ).data
          : null;
      const released = (poolId: Hex, owed: bigint) => {
        const total = replaced?.poolTotals.find((t) => t.poolId.toLowerCase() === poolId.toLowerCase())?.amount ?? 0n;
        return total < owed ? total : owed;
      };
      const poolIds = [...new Set(receipts.map((r) => r.receipt.poolId))].sort();
      const pools = await Promise.all(
        poolIds.map(async (poolId) => ({
          poolId,
          pricePerGB: await read<bigint>("priceAt", [poolId, epoch]),
          balance: await read<{ unallocated: bigint; owed: bigint }>("poolInfo", [poolId], snapshotBlock).then(
            (info) => info.unallocated + released(poolId, info.owed),
          ),
        })),
      );
      const ids = receipts.map((r) => getReceiptId(r.receipt, domain));
      const credits = new Map<string, { account: Address; poolId: Hex; bytes: bigint; receiptIds: Hex[] }>();
      receipts.forEach((r, i) => {
        const key = `${r.receipt.poolId}:${r.receipt.relay}`;
        const c = credits.get(key) ?? { account: r.receipt.relay, poolId: r.receipt.poolId, bytes: 0n, receiptIds: [] };
        c.bytes += BigInt(r.receipt.size);
        c.receiptIds.push(ids[i]!);
        credits.set(key, c);
      });
      const rewards = computeEpochRewards({ pools, credits: [...credits.values()], previous });
      const leaves = rewards.leaves.map((l) =>
        cheat && l.account === cheat.inflate.relay.toLowerCase() && l.poolId === cheat.inflate.poolId
          ? {
              ...l,
              epochAmount: l.epochAmount + cheat.inflate.by,
              cumulativeAmount: l.cumulativeAmount + cheat.inflate.by,
            }
          : l,
      );
      const poolTotals = rewards.poolTotals.map((t) => ({
        poolId: t.poolId,
        amount: t.amount + (cheat && cheat.inflate.poolId === t.poolId ? cheat.inflate.by : 0n),
      }));
      const root = buildRewardTree(leaves).root;

      const line = (o: Record<string, unknown>) => `${JSON.stringify(o)}\n`;
      const ticketLines = tickets
        .map((t) => ({ ticketHash: hashViewerTicket(t.ticket), t }))
        .sort((a, b) => (a.ticketHash < b.ticketHash ? -1 : 1));
      const receiptLines = receipts.map((r, i) => ({ id: ids[i]!, r })).sort((a, b) => (a.id < b.id ? -1 : 1));
      let text = line({
        type: "header",
        format: "meshpay-bundle",
        version: 1,
        chainId: 31337,
        distributor: opts.distributor.toLowerCase(),
        epoch: epoch.toString(),
        genesisTime: params.genesisTime.toString(),
        epochSeconds: params.epochSeconds.toString(),
        graceSeconds: params.graceSeconds.toString(),
        previousBundleHash,
        snapshotBlock: snapshotBlock.toString(),
        root,
        poolCount: pools.length,
        ticketCount: tickets.length,
        receiptCount: receipts.length,
        leafCount: leaves.length,
      });
      for (const p of pools) {
        const t = rewards.poolTotals.find((x) => x.poolId === p.poolId)!;
        const total = poolTotals.find((x) => x.poolId === p.poolId)!.amount;
        text += line({
          type: "pool",
          poolId: p.poolId,
          pricePerGB: p.pricePerGB.toString(),
          available: p.balance.toString(),
          epochBytes: t.bytes.toString(),
          rawTotal: t.rawAmount.toString(),
          total: total.toString(),
        });
      }
      for (const { ticketHash, t } of ticketLines)
        text += line({ type: "ticket", ticketHash, ...signedViewerTicketToJson(t) });
      for (const { id, r } of receiptLines)
        text += line({ type: "receipt", receiptId: id, ...signedChunkReceiptToJson(r) });
      for (const l of leaves)
        text += line({
          type: "leaf",
          account: l.account,
          poolId: l.poolId,
          cumulativeAmount: l.cumulativeAmount.toString(),
          epochBytes: l.epochBytes.toString(),
          epochAmount: l.epochAmount.toString(),
          receiptsRoot: l.receiptsRoot,
        });
      text += line({ type: "end", receiptCount: receipts.length, leafCount: leaves.length });
      // The same bundle in format 2 (what the aggregator writes): through the one parser, then the record writer.
      const bytes =
        opts.bundleFormat === 1
          ? new TextEncoder().encode(text)
          : writeBundleV2(parseBundleBytes(new TextEncoder().encode(text))).bytes;
      const bundleHash = keccak256(bytes) as Hex;
      const path = `/bundles/${epoch}-${bundleHash.slice(2, 10)}.${opts.bundleFormat === 1 ? "ndjson" : "bundle"}`;
      files.set(path, bytes);
      const bundleURI = `${base}${path}`;
      if (replaced) await send("repostEpoch", [epoch, root, poolTotals, bundleHash, bundleURI, replaced]);
      else await send("postEpoch", [epoch, root, poolTotals, bundleHash, bundleURI]);
      posted.set(epoch, { leaves, bundleHash });
      return { epoch, root, bundleHash, bundleURI, bytes, leaves };
    },
    /** Moves chain time past the challenge window of everything posted so far. */
    async finalize(): Promise<void> {
      const latest = await publicClient.getBlock({ blockTag: "latest" });
      await mineAt(opts.rpcUrl, latest.timestamp + config.challengeWindow + 1n);
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type EpochPoster = Awaited<ReturnType<typeof createEpochPoster>>;
