// Test helper: a real chain with the RewardDistributor, a token, a funded pool, a registered aggregator and everyone
// the verifier deals with; plus receipt making and epoch posting. The chain is Hardhat's in-process network, or any
// Hardhat JSON-RPC endpoint (a `hardhat node` process) when `rpcUrl` is given.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { network } from "hardhat";
import {
  type Abi,
  type Account,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  custom,
  defineChain,
  type EIP1193RequestFn,
  http,
  type PublicClient,
  parseEther,
  type Transport,
  type Hex as ViemHex,
  type WalletClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi as distributorAbi, testTokenAbi } from "../../../src/contracts/abis.ts";
import { getReplacedEpochData } from "../../../src/contracts/getReplacedEpochData.ts";
import { hashViewerTicket } from "../../../src/protocol/eip712/hashViewerTicket.ts";
import { getEpochClosesAt } from "../../../src/protocol/epoch/getEpochClosesAt.ts";
import { keccak256 } from "../../../src/protocol/hash/keccak256.ts";
import { signChunkReceipt } from "../../../src/protocol/messages/signChunkReceipt.ts";
import { signViewerTicket } from "../../../src/protocol/messages/signViewerTicket.ts";
import type { Address, EpochParams, Hex, MeshpayDomain, SignedChunkReceipt } from "../../../src/protocol/types.ts";

/** Hardhat's default development keys #6 (the verifier) and #7. */
export const HARDHAT_KEYS = {
  6: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  7: "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
} as const satisfies Record<number, Hex>;

export const CHAIN_CONFIG = {
  epochSeconds: 60n,
  graceSeconds: 10n,
  challengeWindow: 600n,
  arbiterTimeout: 1_200n,
  aggregatorBond: parseEther("5"),
  challengerBond: parseEther("1"),
  challengerShareBps: 5_000n,
};

export const PRICE_PER_GB = 1_000_000n; // 1 token (6 decimals) per GB
export const POOL_FUNDS = 1_000_000_000n; // 1,000 tokens

const root = resolve(import.meta.dirname, "../../..");
const artifact = (path: string) =>
  JSON.parse(readFileSync(resolve(root, "artifacts/contracts", path), "utf8")) as { abi: Abi; bytecode: ViemHex };

type Wallet = WalletClient<Transport, Chain, Account>;

/** The chain's plumbing: clients, a way to deploy, and Hardhat's test RPC methods. */
async function connect(rpcUrl?: string) {
  let transport: Transport;
  let wallets: Wallet[];
  let deploy: (name: string, args: unknown[]) => Promise<Address>;
  const request = (method: string, params: unknown[] = []) =>
    (transport({}).request as EIP1193RequestFn)({ method, params } as never) as Promise<unknown>;
  if (rpcUrl) {
    transport = http(rpcUrl, { retryCount: 0 });
    const chainId = Number(await request("eth_chainId"));
    const chain = defineChain({
      id: chainId,
      name: "hardhat",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    });
    const accounts = (await request("eth_accounts")) as Address[];
    wallets = accounts.map((a) => createWalletClient({ account: a, chain, transport }) as unknown as Wallet);
    const publicClient = createPublicClient({ chain, transport, cacheTime: 0 });
    deploy = async (name, args) => {
      const { abi, bytecode } = artifact(name);
      const hash = await wallets[0]!.deployContract({ abi, bytecode, args, account: wallets[0]!.account, chain });
      return (await publicClient.waitForTransactionReceipt({ hash })).contractAddress!.toLowerCase() as Address;
    };
    return {
      transport,
      wallets,
      deploy,
      request,
      publicClient: publicClient as unknown as PublicClient<Transport, Chain>,
      chain,
    };
  }
  const connection = await network.create();
  transport = custom(connection.provider) as Transport;
  wallets = (await connection.viem.getWalletClients()) as unknown as Wallet[];
  const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient<Transport, Chain>;
  deploy = async (name, args) => {
    const contract = (await connection.viem.deployContract(
      name.split("/").at(-1)!.replace(".json", "") as never,
      args as never,
    )) as unknown as { address: Address };
    return contract.address.toLowerCase() as Address;
  };
  return { transport, wallets, deploy, request, publicClient, chain: wallets[0]!.chain };
}

export async function setupVerifierChain(
  options: {
    price?: bigint;
    funds?: bigint;
    rpcUrl?: string;
    config?: Partial<typeof CHAIN_CONFIG>;
    genesisTime?: bigint;
    registerAggregator?: boolean;
  } = {},
) {
  const c = await connect(options.rpcUrl);
  const { publicClient, wallets } = c;
  const [admin, guardian, arbiter, treasury, broadcaster, aggregator, verifierWallet, funder] = wallets;
  if (privateKeyToAccount(HARDHAT_KEYS[6]).address.toLowerCase() !== verifierWallet!.account.address.toLowerCase())
    throw new Error("unexpected Hardhat accounts");
  const testClient = createTestClient({ mode: "hardhat", transport: c.transport, chain: c.chain });
  const latest = async () => (await publicClient.getBlock({ blockTag: "latest" })).timestamp;
  const time = {
    latest,
    async increase(seconds: bigint | number) {
      await testClient.increaseTime({ seconds: Number(seconds) });
      await testClient.mine({ blocks: 1 });
    },
    async increaseTo(timestamp: bigint) {
      await testClient.setNextBlockTimestamp({ timestamp });
      await testClient.mine({ blocks: 1 });
    },
  };
  const mine = (blocks = 1) => testClient.mine({ blocks });

  const chainConfig = { ...CHAIN_CONFIG, ...options.config };
  const now = await latest();
  const genesisTime = options.genesisTime ?? now - (now % chainConfig.epochSeconds);
  const config = { genesisTime, ...chainConfig };
  const write = async (
    w: Wallet,
    address: Address,
    abi: Abi,
    functionName: string,
    args: unknown[] = [],
    value?: bigint,
  ) => {
    const hash = await w.writeContract({
      address,
      abi,
      functionName,
      args,
      account: w.account,
      chain: w.chain,
      ...(value === undefined ? {} : { value }),
    } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    return receipt;
  };
  const distributorAddress = await c.deploy("RewardDistributor.sol/RewardDistributor.json", [
    admin!.account.address,
    guardian!.account.address,
    arbiter!.account.address,
    treasury!.account.address,
    config,
  ]);
  const deployBlock = await publicClient.getBlockNumber();
  const tokenAddress = await c.deploy("mocks/TestToken.sol/TestToken.json", ["Test USD", "TUSD", 6]);
  const ticketSignerKey = generatePrivateKey();
  const ticketSigner = privateKeyToAccount(ticketSignerKey).address;
  const price = options.price ?? PRICE_PER_GB;
  await write(broadcaster!, distributorAddress, distributorAbi, "createPool", [
    tokenAddress,
    price,
    ticketSigner,
    "ipfs://pool",
  ]);
  const poolId = `0x${tokenAddress.slice(2).toLowerCase()}${"0".repeat(23)}1` as Hex;
  const funds = options.funds ?? POOL_FUNDS;
  await write(broadcaster!, tokenAddress, testTokenAbi, "mint", [broadcaster!.account.address, 10n ** 30n]);
  await write(broadcaster!, tokenAddress, testTokenAbi, "approve", [distributorAddress, 2n ** 255n]);
  if (funds > 0n) await write(broadcaster!, distributorAddress, distributorAbi, "fund", [poolId, funds]);
  if (options.registerAggregator !== false)
    await write(aggregator!, distributorAddress, distributorAbi, "registerAggregator", [], chainConfig.aggregatorBond);

  const domain: MeshpayDomain = { chainId: await publicClient.getChainId(), verifyingContract: distributorAddress };
  const epochParams: EpochParams = {
    genesisTime,
    epochSeconds: chainConfig.epochSeconds,
    graceSeconds: chainConfig.graceSeconds,
  };
  const relays = Array.from({ length: 3 }, () => {
    const key = generatePrivateKey();
    return { key, address: privateKeyToAccount(key).address.toLowerCase() as Address };
  });

  let chunkCounter = 0;
  /** A viewer with a fresh key and a ticket covering epochs [from, to], signed by the pool's ticket signer. */
  function makeViewer(
    args: { fromEpoch?: bigint; toEpoch?: bigint; maxBytes?: bigint; signerKey?: Hex; poolId?: Hex } = {},
  ) {
    const key = generatePrivateKey();
    const ticketPool = args.poolId ?? poolId;
    const ticket = {
      poolId: ticketPool,
      streamId: `0x${"5a".repeat(32)}` as Hex,
      viewer: privateKeyToAccount(key).address.toLowerCase() as Address,
      notBefore: (genesisTime + (args.fromEpoch ?? 0n) * chainConfig.epochSeconds) * 1000n,
      notAfter: (genesisTime + ((args.toEpoch ?? 20n) + 1n) * chainConfig.epochSeconds) * 1000n - 1n,
      maxBytes: args.maxBytes ?? 10_000_000_000n,
    };
    const signed = signViewerTicket(ticket, domain, args.signerKey ?? ticketSignerKey);
    return {
      key,
      ticket: signed,
      ticketHash: hashViewerTicket(ticket),
      /** `count` receipts of `size` bytes for chunks delivered by `relay` during `epoch` (or at `deliveredAt`). */
      receipts(args2: {
        relay: Address;
        epoch: bigint;
        count: number;
        size?: number;
        segment?: bigint;
        offsetMs?: bigint;
        deliveredAt?: bigint;
      }): SignedChunkReceipt[] {
        return Array.from({ length: args2.count }, (_, i) => {
          chunkCounter += 1;
          return signChunkReceipt(
            {
              poolId: ticketPool,
              ticketHash: hashViewerTicket(ticket),
              relay: args2.relay,
              segment: args2.segment ?? BigInt(chunkCounter),
              chunk: i,
              chunkHash:
                `0x${Buffer.from(keccak256(new TextEncoder().encode(`chunk-${chunkCounter}`))).toString("hex")}` as Hex,
              size: args2.size ?? 1_000_000,
              deliveredAt:
                args2.deliveredAt ??
                (genesisTime + args2.epoch * chainConfig.epochSeconds) * 1000n +
                  1_000n +
                  (args2.offsetMs ?? 0n) +
                  BigInt(i) * 10n,
            },
            domain,
            key,
          );
        });
      },
    };
  }

  /** Moves the chain past epochClosesAt(epoch) and mines; returns the block to snapshot balances at. */
  async function closeEpoch(epoch: bigint): Promise<bigint> {
    const closesAt = getEpochClosesAt(epochParams, epoch);
    if ((await latest()) < closesAt) await time.increaseTo(closesAt);
    else await mine();
    return publicClient.getBlockNumber();
  }

  /** Every pool created, the first being `poolId`. */
  const pools: Hex[] = [poolId];
  /** Creates and funds another pool (same token); returns its id. */
  async function addPool(args: { price: bigint; funds: bigint }): Promise<Hex> {
    await write(broadcaster!, distributorAddress, distributorAbi, "createPool", [
      tokenAddress,
      args.price,
      ticketSigner,
      "ipfs://pool",
    ]);
    const id = `0x${tokenAddress.slice(2).toLowerCase()}${BigInt(pools.length + 1)
      .toString(16)
      .padStart(24, "0")}` as Hex;
    if (args.funds > 0n) await write(broadcaster!, distributorAddress, distributorAbi, "fund", [id, args.funds]);
    pools.push(id);
    return id;
  }

  /** The rejected post a post of `epoch` must replace (repostEpoch), read at `blockNumber`; null when none. */
  async function replacedData(epoch: bigint, blockNumber?: bigint) {
    const state = await publicClient.readContract({
      address: distributorAddress,
      abi: distributorAbi,
      functionName: "systemState",
      ...(blockNumber === undefined ? {} : { blockNumber }),
    });
    if (epoch >= state.repostEnd) return null;
    return (
      await getReplacedEpochData({
        client: publicClient,
        distributor: distributorAddress,
        epoch,
        fromBlock: deployBlock,
        ...(blockNumber === undefined ? {} : { toBlock: blockNumber }),
      })
    ).data;
  }

  /**
   * Pool facts an honest aggregator reads: price for the epoch and, at the snapshot block, the unallocated balance
   * plus (for a re-post) what repostEpoch releases from the rejected post.
   */
  async function poolFacts(epoch: bigint, snapshotBlock: bigint) {
    const replaced = await replacedData(epoch, snapshotBlock);
    return Promise.all(
      pools.map(async (id) => {
        const pricePerGB = await publicClient.readContract({
          address: distributorAddress,
          abi: distributorAbi,
          functionName: "priceAt",
          args: [id, epoch],
        });
        const info = await publicClient.readContract({
          address: distributorAddress,
          abi: distributorAbi,
          functionName: "poolInfo",
          args: [id],
          blockNumber: snapshotBlock,
        });
        const total = replaced?.poolTotals.find((t) => t.poolId.toLowerCase() === id.toLowerCase())?.amount ?? 0n;
        const released = total < info.owed ? total : info.owed;
        return { poolId: id, pricePerGB, available: info.unallocated + released };
      }),
    );
  }

  async function postEpoch(args: {
    epoch: bigint;
    root: Hex;
    poolTotals: { poolId: Hex; amount: bigint }[];
    bundleHash: Hex;
    bundleURI: string;
    account?: Wallet;
  }) {
    // A rejected epoch is posted again with repostEpoch, giving back the rejected post's EpochData.
    const replaced = await replacedData(args.epoch);
    const post = [args.epoch, args.root, args.poolTotals, args.bundleHash, args.bundleURI];
    const receipt = await write(
      args.account ?? aggregator!,
      distributorAddress,
      distributorAbi,
      replaced ? "repostEpoch" : "postEpoch",
      replaced ? [...post, replaced] : post,
    );
    return receipt.blockNumber;
  }

  return {
    rpc: c.request,
    testClient,
    time,
    mine,
    publicClient,
    transport: c.transport,
    distributor: { address: distributorAddress },
    token: { address: tokenAddress },
    poolId,
    deployBlock,
    config,
    domain,
    epochParams,
    ticketSignerKey,
    relays,
    wallets: {
      admin: admin!,
      guardian: guardian!,
      arbiter: arbiter!,
      treasury: treasury!,
      broadcaster: broadcaster!,
      aggregator: aggregator!,
      verifier: verifierWallet!,
      funder: funder!,
    },
    verifierKey: HARDHAT_KEYS[6] as Hex,
    /** Sends a transaction from one of the wallets and waits for it. */
    write,
    makeViewer,
    addPool,
    pools,
    closeEpoch,
    poolFacts,
    postEpoch,
  };
}

export type VerifierChain = Awaited<ReturnType<typeof setupVerifierChain>>;
