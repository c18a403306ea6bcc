import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Hex, parseEventLogs } from "viem";
import { hardhat } from "viem/chains";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import { type AggregatorProcess, postBatch, waitFor } from "./helpers/aggregatorProcess.ts";
import { findClosers } from "./helpers/findClosers.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, viewerSession } from "./helpers/receipts.ts";
import { startChainAggregator } from "./helpers/startChainAggregator.ts";
import { waitServingPool } from "./helpers/waitServingPool.ts";
import { testPostgresUrl, withPostgresSchema } from "./helpers/withPostgresSchema.ts";

const EPOCH_SECONDS = 5;

type EpochView = { epoch: number; status: string; receiptCount: number; post: null | { bundleHash: Hex } };

// Needs the epoch close from PostgreSQL (prepareEpoch reading source { engine: "postgres" }).
describe("epochs closed and posted from PostgreSQL by the closer of two processes, and after a takeover", () => {
  let chain: LocalChain;
  let d: Deployment;
  const tsKey = keyFor("pg-posting-ticket-signer");

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, { epochSeconds: EPOCH_SECONDS, graceSeconds: 1, challengeWindow: 6 });
  });
  after(async () => {
    await chain?.stop();
  });

  it("posts every epoch once, in order, before and after the closer is SIGKILLed", async () => {
    await withPostgresSchema(async (schema) => {
      const poolId = await createFundedPool(chain, d, {
        pricePerGB: 10n ** 9n,
        funding: 10n ** 12n,
        ticketSigner: addressOf(tsKey),
      });
      const start = async (name: string) =>
        startChainAggregator(chain, d, {
          name: `pg-post-${name}`,
          overrides: {
            storage: { url: testPostgresUrl, schema: schema.name },
            posting: { enabled: true, autoRegister: true },
          },
          env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) },
          waitReady: false,
        });
      const procs = [await start("a"), await start("b")];
      const logs = () => procs.map((p) => `${p.logPath}:\n${readFileSync(p.logPath, "utf8")}`).join("\n----\n");
      try {
        await waitServingPool(procs, poolId);
        const closerOf = async () => (await findClosers(procs))[0];
        const signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
        const relay = chain.account(roles.relay).address.toLowerCase() as Hex;
        const epochOf = (ms: number) => Math.floor((ms / 1000 - d.genesisTime) / EPOCH_SECONDS);
        let k = 0;
        /** Delivers receipts through `p` in a fresh epoch and waits until that epoch is claimable. */
        const roundTrip = async (p: AggregatorProcess) => {
          for (;;) {
            const left = d.genesisTime + (epochOf(Date.now()) + 1) * EPOCH_SECONDS - Date.now() / 1000;
            if (left >= 3) break;
            await new Promise((r) => setTimeout(r, left * 1000 + 50));
          }
          const s = viewerSession(signer, {
            poolId,
            ticketSignerKey: tsKey,
            viewerLabel: `pg-post-${k}`,
            notBefore: BigInt(d.genesisTime) * 1000n,
            notAfter: BigInt(Date.now() + 600_000),
            maxBytes: 10n ** 12n,
          });
          const receipts = [1000, 2000].map(
            (size, i) => s.receipt({ relay, segment: BigInt(k), chunk: i, size, deliveredAt: BigInt(Date.now()) }).json,
          );
          const res = await postBatch(p.url, { relay, tickets: [s.signedTicket], receipts }, `pg-post-${k++}`);
          assert.equal(res.body.accepted, 2, JSON.stringify(res.body));
          const e = res.body.results[0].epoch as number;
          const view = await waitFor(
            `epoch ${e} to become claimable`,
            async () => {
              const v = (await (await fetch(`${p.url}/v1/epochs/${e}`)).json()) as EpochView;
              return v.status === "claimable" ? v : null;
            },
            90_000,
          ).catch((err) => {
            throw new Error(`${(err as Error).message}\n${logs()}`);
          });
          assert.equal(view.receiptCount, 2);
          return e;
        };
        const postedEpochs = async () => {
          const raw = await chain.publicClient.getLogs({ address: d.distributor, fromBlock: d.fromBlock });
          return parseEventLogs({ abi: rewardDistributorAbi, logs: raw, eventName: "EpochPosted" }).map((ev) =>
            Number(ev.args.epoch),
          );
        };

        const first = await waitFor("a closer", closerOf);
        const other = procs.find((p) => p !== first)!;
        const e1 = await roundTrip(other);
        let posted = await postedEpochs();
        assert.deepEqual(
          posted,
          Array.from({ length: posted.length }, (_, i) => i),
          "each epoch once, in order",
        );
        assert.ok(posted.includes(e1));

        await first.kill("SIGKILL");
        await waitFor("the other to become the closer", async () => (await closerOf()) === other, 20_000);
        const e2 = await roundTrip(other);
        assert.ok(e2 > e1);
        posted = await postedEpochs();
        assert.deepEqual(
          posted,
          Array.from({ length: posted.length }, (_, i) => i),
          "each epoch once, in order",
        );
        assert.ok(posted.includes(e2));
      } finally {
        await Promise.all(procs.map((p) => p.kill("SIGTERM")));
      }
    });
  });
});
