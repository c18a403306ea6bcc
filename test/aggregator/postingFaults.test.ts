import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeFunctionData, type Hex, parseEventLogs, parseTransaction } from "viem";
import { hardhat } from "viem/chains";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  postBatch,
  startAggregatorProcess,
  waitFor,
} from "./helpers/aggregatorProcess.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, type Signer, viewerSession } from "./helpers/receipts.ts";
import { type ProxyAction, type RpcProxy, startRpcProxy } from "./helpers/rpcProxy.ts";

const EPOCH_SECONDS = 5;

describe("posting through chain faults: RPC outage mid-post, restart mid-post, nonce clash, reverted transaction", () => {
  let chain: LocalChain;
  let d: Deployment;
  let proxy: RpcProxy;
  let agg: AggregatorProcess;
  let signer: Signer;
  let poolId: Hex;
  let relay: Hex;
  let dir: string;
  let port: number;
  let k = 0;
  const tsKey = keyFor("faults-ticket-signer");
  const config = (extra: Record<string, Record<string, unknown>> = {}) =>
    aggregatorConfig({
      dir,
      port,
      rpcUrl: proxy.url,
      distributor: d.distributor,
      fromBlock: d.fromBlock,
      overrides: { posting: { enabled: true, resendAfterMs: 3000 }, ...extra },
    });
  const env = () => ({ MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) });
  const epochOf = (ms: number) => Math.floor((ms / 1000 - d.genesisTime) / EPOCH_SECONDS);
  const closesAt = (e: number) => (d.genesisTime + (e + 1) * EPOCH_SECONDS + 1) * 1000;
  const getEpoch = async (e: number) =>
    (await (await fetch(`${agg.url}/v1/epochs/${e}`)).json()) as {
      status: string;
      post: { attempt: number; txHash: Hex } | null;
      attempts: { state: string; error: string | null }[];
    };
  /** Delivers receipts now (with at least 2 s left in the epoch) and returns their epoch. */
  const deliver = async () => {
    for (;;) {
      const left = closesAt(epochOf(Date.now())) - 1000 - Date.now();
      if (left > 2000) break;
      await new Promise((r) => setTimeout(r, left + 50));
    }
    const s = viewerSession(signer, {
      poolId,
      ticketSignerKey: tsKey,
      viewerLabel: `faults-${k}`,
      notBefore: BigInt(d.genesisTime) * 1000n,
      notAfter: BigInt(Date.now() + 600_000),
      maxBytes: 10n ** 12n,
    });
    const res = await postBatch(
      agg.url,
      {
        relay,
        tickets: [s.signedTicket],
        receipts: [
          s.receipt({ relay, segment: BigInt(k), chunk: 0, size: 1000, deliveredAt: BigInt(Date.now()) }).json,
        ],
      },
      `faults-${k++}`,
    );
    assert.equal(res.body.accepted, 1);
    return res.body.results[0].epoch as number;
  };
  /** Whether a sendRawTransaction carries the post of epoch `e` (earlier, empty epochs may still be posting). */
  const isPostOf = (params: unknown[], e: number) => {
    const tx = parseTransaction(params[0] as Hex);
    if (!tx.data) return false;
    const call = decodeFunctionData({ abi: rewardDistributorAbi, data: tx.data });
    return call.functionName === "postEpoch" && Number(call.args[0]) === e;
  };
  const postsOf = async (e: number) => {
    const logs = await chain.publicClient.getLogs({ address: d.distributor, fromBlock: d.fromBlock });
    return parseEventLogs({ abi: rewardDistributorAbi, logs, eventName: "EpochPosted" }).filter(
      (ev) => Number(ev.args.epoch) === e,
    );
  };
  const minedOnce = async (e: number) => {
    const v = await waitFor(
      `epoch ${e} to be mined`,
      async () => {
        const x = await getEpoch(e);
        return x.status === "mined" || x.status === "claimable" ? x : null;
      },
      60_000,
    );
    const posts = await postsOf(e);
    assert.equal(posts.length, 1, `epoch ${e} posted exactly once`);
    assert.equal(posts[0]!.transactionHash, v.post!.txHash);
    return v;
  };

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, { epochSeconds: EPOCH_SECONDS, graceSeconds: 1, challengeWindow: 3 });
    poolId = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 10n ** 12n,
      ticketSigner: addressOf(tsKey),
    });
    relay = chain.account(roles.relay).address.toLowerCase() as Hex;
    signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    proxy = await startRpcProxy(chain.rpcUrl);
    dir = makeWorkDir("faults");
    port = await freePort();
    agg = await startAggregatorProcess({ dir, config: config(), env: env() });
  });
  after(async () => {
    await agg?.kill("SIGTERM");
    await proxy?.close();
    await chain?.stop();
  });

  it("posts an epoch exactly once when the RPC goes away right after taking the post transaction and comes back", async () => {
    const e = await deliver();
    let sent = 0;
    proxy.intercept = (method, params): ProxyAction => {
      if (method !== "eth_sendRawTransaction" || !isPostOf(params, e)) return "pass";
      sent++;
      if (sent > 1) return "pass";
      // The node takes (and mines) the transaction, the aggregator never hears back, and the RPC is gone for 3 s.
      proxy.down = true;
      setTimeout(() => (proxy.down = false), 3000);
      return "forward-then-cut";
    };
    await minedOnce(e);
    proxy.intercept = () => "pass";
    assert.ok(sent >= 1, "the post went through the proxy");
    assert.ok(
      (await (await fetch(`${agg.url}/metrics`)).text()).match(/meshpay_aggregator_rpc_errors_total [1-9]/),
      "the outage was seen",
    );
  });

  it("re-sends the recorded transaction after a crash between recording and broadcasting it, and posts once", async () => {
    await agg.kill("SIGTERM");
    agg = await startAggregatorProcess({
      dir,
      config: config(),
      env: env(),
      faults: { crashAt: "after-submit-recorded" },
    });
    const e = await deliver();
    assert.equal(await agg.exited, "SIGKILL", "the crash point was reached");
    assert.equal((await postsOf(e)).length, 0, "nothing was broadcast before the crash");
    agg = await startAggregatorProcess({ dir, config: config(), env: env() });
    const v = await minedOnce(e);
    assert.equal(v.post!.attempt, 1, "the same attempt, its recorded transaction re-sent");
  });

  it("starts a new attempt when another transaction takes the post's nonce, and still posts once", async () => {
    const e = await deliver();
    let stolen = false;
    proxy.intercept = async (method, params): Promise<ProxyAction> => {
      if (method !== "eth_sendRawTransaction" || stolen || !isPostOf(params, e)) return "pass";
      const tx = parseTransaction(params[0] as Hex);
      stolen = true;
      // Someone else uses the aggregator's key with the same nonce first (a plain transfer), and the post never
      // arrives.
      const hash = await chain.wallet(roles.aggregator).sendTransaction({
        to: chain.account(roles.treasury).address,
        value: 1n,
        nonce: tx.nonce!,
        account: chain.account(roles.aggregator),
        chain: hardhat,
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
      return "cut";
    };
    const v = await minedOnce(e);
    proxy.intercept = () => "pass";
    assert.ok(stolen);
    assert.ok(v.post!.attempt >= 2, "a fresh attempt after the nonce was taken");
    assert.ok(
      v.attempts.some((a) => a.state === "failed" && /nonce/.test(a.error ?? "")),
      JSON.stringify(v.attempts),
    );
  });

  it("starts a new attempt after its transaction reverts on chain (contract paused meanwhile), and posts once", async () => {
    const e = await deliver();
    let reverted = false;
    const guardian = { account: chain.account(roles.guardian), chain: hardhat } as const;
    proxy.intercept = async (method, params): Promise<ProxyAction> => {
      if (method !== "eth_sendRawTransaction" || reverted || !isPostOf(params, e)) return "pass";
      reverted = true;
      // The guardian pauses just before the post lands: it is mined and reverts (SystemPaused).
      const h = await chain
        .wallet(roles.guardian)
        .writeContract({ address: d.distributor, abi: rewardDistributorAbi, functionName: "pause", ...guardian });
      await chain.publicClient.waitForTransactionReceipt({ hash: h });
      setTimeout(async () => {
        const u = await chain
          .wallet(roles.guardian)
          .writeContract({ address: d.distributor, abi: rewardDistributorAbi, functionName: "unpause", ...guardian });
        await chain.publicClient.waitForTransactionReceipt({ hash: u });
      }, 2500);
      return "pass";
    };
    const v = await minedOnce(e);
    proxy.intercept = () => "pass";
    assert.ok(reverted);
    assert.ok(
      v.attempts.some((a) => a.state === "failed" && /reverted/.test(a.error ?? "")),
      JSON.stringify(v.attempts),
    );
    // Every epoch so far is on chain once, none skipped.
    const logs = await chain.publicClient.getLogs({ address: d.distributor, fromBlock: d.fromBlock });
    const epochs = parseEventLogs({ abi: rewardDistributorAbi, logs, eventName: "EpochPosted" }).map((ev) =>
      Number(ev.args.epoch),
    );
    assert.deepEqual(
      epochs,
      Array.from({ length: epochs.length }, (_, i) => i),
    );
  });
});
