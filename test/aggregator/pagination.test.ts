import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { hardhat } from "viem/chains";
import { bundleLines } from "../protocol/bundle/helpers/bundleLines.ts";
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

const EPOCH_SECONDS = 5;

/** Walks a list endpoint page by page (`limit` per page) and returns every page's body. */
async function walk(url: string, limit: number, between?: (page: number) => Promise<void>): Promise<any[]> {
  const pages: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes("?") ? "&" : "?";
    const res: Response = await fetch(`${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    const body = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.ok(body.nextCursor === null || typeof body.nextCursor === "string");
    pages.push(body);
    cursor = body.nextCursor;
    await between?.(pages.length);
    assert.ok(pages.length < 100, "the walk ends");
  } while (cursor !== null);
  return pages;
}

async function expectError(url: string, status: number, code: string, path: string) {
  const res = await fetch(url);
  const body = (await res.json()) as any;
  assert.equal(res.status, status, `${url}: ${JSON.stringify(body)}`);
  assert.equal(body.code, code, url);
  assert.equal(body.details?.path, path, url);
}

// docs/api.md, Pagination: `limit`, an opaque keyset `cursor`, `nextCursor` null on the last page.
describe("aggregator list endpoints: limit, keyset cursor and nextCursor (aggregator process, local chain)", () => {
  let chain: LocalChain;
  let d: Deployment;
  let agg: AggregatorProcess;
  let signer: Signer;
  const pools: Hex[] = [];
  const tsKey = keyFor("pagination-ticket-signer");
  const relays = Array.from({ length: 12 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as Hex);
  let epoch = -1;

  const newPool = async () =>
    createFundedPool(chain, d, { pricePerGB: 10n ** 9n, funding: 10n ** 12n, ticketSigner: addressOf(tsKey) });

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, { epochSeconds: EPOCH_SECONDS, graceSeconds: 1, genesisAgo: 4 * EPOCH_SECONDS });
    for (let i = 0; i < 5; i++) pools.push(await newPool());
    signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    const dir = makeWorkDir("pagination");
    agg = await startAggregatorProcess({
      dir,
      config: aggregatorConfig({
        dir,
        port: await freePort(),
        rpcUrl: chain.rpcUrl,
        distributor: d.distributor,
        fromBlock: d.fromBlock,
      }),
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) },
    });
  });
  after(async () => {
    await agg?.kill("SIGTERM");
    await chain?.stop();
  });

  it("GET /v1/pools: every pool once, by poolId, a pool created mid-walk shifts no page; bad limit and cursor are 400", async () => {
    await waitFor(
      "all pools followed",
      async () => ((await (await fetch(`${agg.url}/v1/pools`)).json()) as any).pools?.length === 5 || null,
      30_000,
      100,
    );
    const whole = (await (await fetch(`${agg.url}/v1/pools`)).json()) as any;
    assert.equal(whole.nextCursor, null);
    let added: Hex | undefined;
    const pages = await walk(`${agg.url}/v1/pools`, 2, async (n) => {
      if (n !== 1) return;
      added = await newPool();
      await waitFor(
        "the new pool followed",
        async () => ((await (await fetch(`${agg.url}/v1/pools/${added}`)).json()) as any).poolId === added || null,
        30_000,
        100,
      );
    });
    const ids = pages.flatMap((p) => p.pools.map((x: { poolId: Hex }) => x.poolId));
    assert.equal(new Set(ids).size, ids.length, "no pool twice");
    assert.deepEqual([...ids].sort(), ids, "sorted by poolId");
    for (const p of pools) assert.ok(ids.includes(p), `pool ${p} listed`);
    // The new pool is on a later page exactly when it sorts after the first page's last poolId.
    assert.equal(ids.includes(added!), added! > pages[0].pools.at(-1).poolId);
    assert.ok(pages.every((p) => p.pools.length <= 2));
    assert.equal(pages.at(-1).nextCursor, null);

    for (const bad of ["0", "1001", "-1", "2.0", "x"])
      await expectError(`${agg.url}/v1/pools?limit=${bad}`, 400, "REQUEST_INVALID", "limit");
    const epochsCursor = Buffer.from(JSON.stringify(["epochs", 3])).toString("base64url");
    const notAPool = Buffer.from(JSON.stringify(["pools", "0x12"])).toString("base64url");
    for (const bad of ["%21%21", "bm90IGpzb24", epochsCursor, notAPool])
      await expectError(`${agg.url}/v1/pools?cursor=${bad}`, 400, "CURSOR_INVALID", "cursor");
  });

  it("GET /v1/epochs: from the current epoch down to 0, each once, while new epochs begin; bad limit and cursor are 400", async () => {
    const pages = await walk(`${agg.url}/v1/epochs`, 2, async () => {
      // Let the clock run into a new epoch during the walk now and then.
      await new Promise((r) => setTimeout(r, 1_500));
    });
    const epochs = pages.flatMap((p) => p.epochs.map((e: { epoch: number }) => e.epoch));
    const first = pages[0].currentEpoch as number;
    assert.ok(first >= 4);
    assert.deepEqual(
      epochs,
      Array.from({ length: first + 1 }, (_, i) => first - i),
      "newest first, none twice, none missing",
    );
    assert.ok(pages.at(-1).currentEpoch >= first);

    for (const bad of ["0", "501", "abc"])
      await expectError(`${agg.url}/v1/epochs?limit=${bad}`, 400, "REQUEST_INVALID", "limit");
    const poolsCursor = Buffer.from(JSON.stringify(["pools", pools[0]])).toString("base64url");
    const negative = Buffer.from(JSON.stringify(["epochs", -2])).toString("base64url");
    for (const bad of ["@", poolsCursor, negative, "W10"])
      await expectError(`${agg.url}/v1/epochs?cursor=${bad}`, 400, "CURSOR_INVALID", "cursor");
  });

  it("GET /v1/epochs/:epoch/leaves: every leaf of the bundle once, in bundle order, as /bundle/leaves has them", async () => {
    // 12 relays earn in the first pool and 3 of them in the second: 15 leaves in one epoch.
    const s = viewerSession(signer, {
      poolId: pools[0]!,
      ticketSignerKey: tsKey,
      viewerLabel: "pagination-a",
      notBefore: BigInt(d.genesisTime) * 1000n,
      notAfter: BigInt(Date.now() + 600_000),
      maxBytes: 10n ** 12n,
    });
    const t = viewerSession(signer, {
      poolId: pools[1]!,
      ticketSignerKey: tsKey,
      viewerLabel: "pagination-b",
      notBefore: BigInt(d.genesisTime) * 1000n,
      notAfter: BigInt(Date.now() + 600_000),
      maxBytes: 10n ** 12n,
    });
    // Deliver early in an epoch so that every batch lands in the same one.
    for (;;) {
      const into = (Date.now() / 1000 - d.genesisTime) % EPOCH_SECONDS;
      if (into < 1.5) break;
      await new Promise((r) => setTimeout(r, (EPOCH_SECONDS - into) * 1000 + 20));
    }
    const epochs = new Set<number>();
    let segment = 0n;
    for (const [i, relay] of relays.entries()) {
      const receipts = [
        s.receipt({ relay, segment: segment++, chunk: 0, size: 1000 + i, deliveredAt: BigInt(Date.now()) }).json,
      ];
      const tickets = [s.signedTicket];
      if (i < 3) {
        receipts.push(
          t.receipt({ relay, segment: segment++, chunk: 0, size: 500, deliveredAt: BigInt(Date.now()) }).json,
        );
        tickets.push(t.signedTicket);
      }
      const res = await postBatch(agg.url, { relay, tickets, receipts }, `pagination-${i}`);
      assert.equal(res.body.accepted, receipts.length, JSON.stringify(res.body));
      for (const r of res.body.results) epochs.add(r.epoch);
    }
    assert.equal(epochs.size, 1, "one epoch");
    epoch = [...epochs][0]!;
    const posted = await waitFor(
      `epoch ${epoch} posted`,
      async () => {
        const e = (await (await fetch(`${agg.url}/v1/epochs/${epoch}`)).json()) as any;
        return e.post && ["mined", "claimable"].includes(e.post.state) ? e.post : null;
      },
      90_000,
      200,
    );
    assert.equal(posted.leafCount, 15);

    const pages = await walk(`${agg.url}/v1/epochs/${epoch}/leaves`, 4);
    assert.deepEqual(
      pages.map((p) => p.leaves.length),
      [4, 4, 4, 3],
    );
    for (const p of pages) {
      assert.equal(p.bundleHash, posted.bundleHash);
      assert.equal(p.root, posted.root);
      assert.equal(p.leafCount, 15);
    }
    const listed = pages.flatMap((p) => p.leaves);
    const section = new Uint8Array(await (await fetch(`${agg.url}/v1/epochs/${epoch}/bundle/leaves`)).arrayBuffer());
    const inBundle = bundleLines(section, { startAt: "leaf" })
      .filter((l) => l.type === "leaf")
      .map(({ type: _type, ...leaf }) => leaf);
    assert.equal(inBundle.length, 15);
    assert.deepEqual(
      listed.map(({ leafHash: _h, ...leaf }) => leaf),
      inBundle,
      "the same leaves in the same order: none twice, none missing",
    );
    assert.ok(listed.every((l) => /^0x[0-9a-f]{64}$/.test(l.leafHash)));
    // The single-leaf route agrees on the hash.
    const one = (await (
      await fetch(`${agg.url}/v1/epochs/${epoch}/leaves/${listed[5].poolId}/${listed[5].account}`)
    ).json()) as any;
    assert.equal(one.leafHash, listed[5].leafHash);

    const base = `${agg.url}/v1/epochs/${epoch}/leaves`;
    for (const bad of ["0", "10001", "z"]) await expectError(`${base}?limit=${bad}`, 400, "REQUEST_INVALID", "limit");
    const otherEpoch = pages[0].nextCursor as string;
    await expectError(`${agg.url}/v1/epochs/${epoch + 1}/leaves?cursor=${otherEpoch}`, 400, "CURSOR_INVALID", "cursor");
    await expectError(`${base}?cursor=${otherEpoch}&hash=0x${"ab".repeat(32)}`, 400, "CURSOR_INVALID", "cursor");
    await expectError(`${base}?cursor=not-a-cursor`, 400, "CURSOR_INVALID", "cursor");
    // The cursor with the hash it was made for is fine.
    const withHash = await fetch(`${base}?cursor=${otherEpoch}&hash=${posted.bundleHash}&limit=4`);
    assert.deepEqual(((await withHash.json()) as any).leaves, pages[1].leaves);
    const noBundle = await fetch(`${agg.url}/v1/epochs/${epoch + 50}/leaves`);
    assert.equal(noBundle.status, 404);
    assert.equal(((await noBundle.json()) as any).code, "BUNDLE_NOT_FOUND");
  });
});
