import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { createPublicClient, type Hex, http, parseEventLogs } from "viem";
import { hardhat } from "viem/chains";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import { isAlreadyKnownTxError } from "../../src/contracts/isAlreadyKnownTxError.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  postBatch,
  startAggregatorProcess,
  waitFor,
} from "./helpers/aggregatorProcess.ts";
import { createFundedPool, type Deployment, deployMeshpay, type LocalChain, roles } from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, viewerSession } from "./helpers/receipts.ts";
import { type ProxyAction, type RpcProxy, startRpcProxy } from "./helpers/rpcProxy.ts";
import { startAnvilChain } from "./helpers/startAnvilChain.ts";

const EPOCH_SECONDS = 4;

describe("posting on Anvil (a block every second, transactions wait for it)", () => {
  let chain: LocalChain;
  let d: Deployment;
  let proxy: RpcProxy;
  let agg: AggregatorProcess;
  let poolId: Hex;
  const tsKey = keyFor("anvil-ticket-signer");

  before(async () => {
    chain = await startAnvilChain({ blockTimeSeconds: 1 });
    d = await deployMeshpay(chain, { epochSeconds: EPOCH_SECONDS, graceSeconds: 1, challengeWindow: 3 });
    poolId = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 10n ** 12n,
      ticketSigner: addressOf(tsKey),
    });
    proxy = await startRpcProxy(chain.rpcUrl);
  });
  after(async () => {
    await agg?.kill("SIGTERM");
    await proxy?.close();
    await chain?.stop();
  });

  it("Anvil's answer to a re-sent transaction is recognised as already known", async () => {
    const account = chain.account(roles.treasury);
    const raw = await account.signTransaction({
      chainId: hardhat.id,
      type: "eip1559",
      to: chain.account(roles.admin).address,
      value: 1n,
      gas: 21_000n,
      nonce: await chain.publicClient.getTransactionCount({ address: account.address, blockTag: "pending" }),
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
    });
    const client = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl, { retryCount: 0 }) });
    await client.sendRawTransaction({ serializedTransaction: raw });
    const again = await client.sendRawTransaction({ serializedTransaction: raw }).catch((err: unknown) => err);
    assert.ok(again instanceof Error, "Anvil refuses the same bytes while they wait in its pool");
    assert.ok(isAlreadyKnownTxError(again), String(again));
    assert.ok(!isAlreadyKnownTxError(new Error("nonce too low")));
  });

  it("a post transaction the node already has is treated as sent: no warning, and the epoch is posted once", async () => {
    const dir = makeWorkDir("anvil");
    const port = await freePort();
    const config = aggregatorConfig({
      dir,
      port,
      rpcUrl: proxy.url,
      distributor: d.distributor,
      fromBlock: d.fromBlock,
      overrides: { posting: { enabled: true, resendAfterMs: 30_000 }, log: { level: "debug" } },
    });
    // Every post reaches the node first from here, so the aggregator's own broadcast is a re-send of known bytes.
    let preSent = 0;
    proxy.intercept = async (method, params): Promise<ProxyAction> => {
      if (method !== "eth_sendRawTransaction") return "pass";
      const raw = params[0] as Hex;
      await fetch(chain.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] }),
      });
      preSent++;
      return "pass";
    };
    agg = await startAggregatorProcess({
      dir,
      config,
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) },
    });
    const signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    const relay = chain.account(roles.relay).address.toLowerCase() as Hex;
    const epochOf = (ms: number) => Math.floor((ms / 1000 - d.genesisTime) / EPOCH_SECONDS);
    const s = viewerSession(signer, {
      poolId,
      ticketSignerKey: tsKey,
      viewerLabel: "anvil-0",
      notBefore: BigInt(d.genesisTime) * 1000n,
      notAfter: BigInt(Date.now() + 600_000),
      maxBytes: 10n ** 12n,
    });
    const deliveredAt = Date.now();
    const res = await postBatch(
      agg.url,
      {
        relay,
        tickets: [s.signedTicket],
        receipts: [s.receipt({ relay, segment: 0n, chunk: 0, size: 1000, deliveredAt: BigInt(deliveredAt) }).json],
      },
      "anvil-0",
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const e = res.body.results[0].epoch as number;
    assert.equal(e, epochOf(deliveredAt));
    const v = await waitFor(
      `epoch ${e} to be mined`,
      async () => {
        const x = (await (await fetch(`${agg.url}/v1/epochs/${e}`)).json()) as {
          status: string;
          post: { txHash: Hex } | null;
        };
        return x.status === "mined" || x.status === "claimable" ? x : null;
      },
      90_000,
    );
    const logs = await chain.publicClient.getLogs({ address: d.distributor, fromBlock: d.fromBlock });
    const posts = parseEventLogs({ abi: rewardDistributorAbi, logs, eventName: "EpochPosted" }).filter(
      (ev) => Number(ev.args.epoch) === e,
    );
    assert.equal(posts.length, 1, `epoch ${e} posted exactly once`);
    assert.equal(posts[0]!.transactionHash, v.post!.txHash);
    assert.ok(preSent >= 1, "the post went to the node before the aggregator's broadcast");
    const lines = readFileSync(agg.logPath, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    assert.ok(
      lines.some((l) => l.msg === "the node already has the post transaction"),
      "the aggregator's broadcast was answered 'already known'",
    );
    assert.deepEqual(
      lines.filter((l) => l.level >= 40 && /broadcast/.test(l.msg)).map((l) => l.msg),
      [],
      "no broadcast warning",
    );
  });
});
