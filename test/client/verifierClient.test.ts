// The typed client (src/client) against the real verifier service on a real chain (Hardhat's network, the verifier
// configured through its own loader): every verifier function, the error mapping and the audit page iterator.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createVerifierClient } from "../../src/client/createVerifierClient.ts";
import { getAudit } from "../../src/client/getAudit.ts";
import { getClaim } from "../../src/client/getClaim.ts";
import { getDispute } from "../../src/client/getDispute.ts";
import { getEvidence } from "../../src/client/getEvidence.ts";
import { iterateAudits } from "../../src/client/iterateAudits.ts";
import { listAudits } from "../../src/client/listAudits.ts";
import { MeshpayApiError } from "../../src/client/MeshpayApiError.ts";
import type { VerifierClient } from "../../src/client/ServiceClient.ts";
import { submitClaim } from "../../src/client/submitClaim.ts";
import { submitDispute } from "../../src/client/submitDispute.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { signedChunkReceiptToJson } from "../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedClaimAuthorizationToJson } from "../../src/protocol/wire/signedClaimAuthorizationToJson.ts";
import { signedViewerTicketToJson } from "../../src/protocol/wire/signedViewerTicketToJson.ts";
import { createEpochDriver } from "../verifier/helpers/epochDriver.ts";
import { startTestVerifier } from "../verifier/helpers/startTestVerifier.ts";
import { CHAIN_CONFIG, setupVerifierChain, type VerifierChain } from "../verifier/helpers/verifierChain.ts";

async function apiError(promise: Promise<unknown>): Promise<MeshpayApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof MeshpayApiError, String(err));
    return err;
  }
  assert.fail("expected a MeshpayApiError");
}

describe("typed verifier client against the real verifier", () => {
  let chain: VerifierChain;
  let driver: Awaited<ReturnType<typeof createEpochDriver>>;
  let verifier: Awaited<ReturnType<typeof startTestVerifier>>;
  let client: VerifierClient;
  let viewer: ReturnType<VerifierChain["makeViewer"]>;
  let credited: ReturnType<ReturnType<VerifierChain["makeViewer"]>["receipts"]>;

  before(async () => {
    // 1,000 tokens per GB so that a few MB earn more than the gas of relaying a claim.
    chain = await setupVerifierChain({ price: 1_000_000_000n, funds: 10n ** 12n });
    driver = await createEpochDriver(chain);
    verifier = await startTestVerifier(chain);
    client = createVerifierClient({ url: verifier.url });
    viewer = chain.makeViewer();
    credited = viewer.receipts({ relay: chain.relays[0]!.address, epoch: 0n, count: 3 });
    await driver.post(0n, { tickets: [viewer.ticket], receipts: credited });
    for (let e = 1n; e < 5n; e++) await driver.post(e, { tickets: [], receipts: [] });
    await verifier.tick();
  });
  after(async () => {
    await verifier?.close();
    await driver?.close();
  });

  it("listAudits pages and iterateAudits walks them all, newest first; getAudit reads one (404 NOT_FOUND throws)", async () => {
    const all = await listAudits(client);
    assert.equal(all.nextCursor, null);
    assert.deepEqual(
      all.posts.map((p) => p.epoch),
      ["4", "3", "2", "1", "0"],
    );
    const first = await listAudits(client, { limit: 2 });
    assert.equal(first.posts.length, 2);
    assert.ok(first.nextCursor);
    let requests = 0;
    const counting = createVerifierClient({
      url: verifier.url,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    const walked = [];
    for await (const a of iterateAudits(counting, { limit: 2 })) walked.push(a);
    assert.deepEqual(walked, all.posts);
    assert.equal(requests, 3, "5 audits, 2 a page");

    const zero = await getAudit(client, { epoch: 0n });
    assert.equal(zero.epoch, "0");
    assert.equal(zero.audit?.status, "ok");
    const missing = await apiError(getAudit(client, { epoch: 99 }));
    assert.deepEqual([missing.status, missing.code, missing.retryable], [404, "NOT_FOUND", false]);
    assert.equal(missing.service, "verifier");
    const bad = await apiError(listAudits(client, { limit: 501 }));
    assert.deepEqual([bad.status, bad.code, bad.retryable], [400, "REQUEST_INVALID", false]);
  });

  it("submitDispute and getDispute: a dispute of receipts the bundle credits is rejected, and reads back", async () => {
    const dispute = await submitDispute(client, {
      body: { tickets: [signedViewerTicketToJson(viewer.ticket)], receipts: credited.map(signedChunkReceiptToJson) },
      epoch: 0,
    });
    assert.equal(dispute.status, "rejected");
    assert.equal((dispute.reason as { code: string }).code, "DISPUTE_NOTHING_OMITTED");
    const read = await getDispute(client, { id: dispute.id });
    assert.equal(read.id, dispute.id);
    assert.equal(read.status, "rejected");
    const none = await apiError(getDispute(client, { id: "nope" }));
    assert.deepEqual([none.status, none.code], [404, "NOT_FOUND"]);
  });

  it("submitClaim and getClaim: a claim is queued and paid; its replay is 409 AUTHORIZATION_NONCE_USED (not retryable)", async () => {
    await chain.time.increase(CHAIN_CONFIG.challengeWindow);
    await verifier.tick();
    const relay = chain.relays[0]!;
    const recipient = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Address;
    const body = signedClaimAuthorizationToJson(
      signClaimAuthorization(
        {
          poolId: chain.poolId,
          account: relay.address,
          recipient,
          maxFee: 2_000_000n,
          nonce: 0n,
          deadline: (await chain.publicClient.getBlock()).timestamp + 3_600n,
        },
        chain.domain,
        relay.key,
      ),
    );
    const queued = await submitClaim(client, { body });
    assert.equal(queued.status, "queued");
    assert.equal(queued.amount, "3000000");
    // The same claim again while it is queued answers the same claim (a retry is safe).
    assert.equal((await submitClaim(client, { body })).id, queued.id);
    await verifier.tick();
    await verifier.tick();
    const paid = await getClaim(client, { id: queued.id });
    assert.equal(paid.status, "paid");
    assert.match(String(paid.txHash), /^0x[0-9a-f]{64}$/);
    const replay = await apiError(submitClaim(client, { body }));
    assert.deepEqual([replay.status, replay.code, replay.retryable], [409, "AUTHORIZATION_NONCE_USED", false]);
    assert.equal((replay.body as { code: string }).code, "AUTHORIZATION_NONCE_USED");
    const none = await apiError(getClaim(client, { id: "999999" }));
    assert.deepEqual([none.status, none.code], [404, "NOT_FOUND"]);
  });

  it("getEvidence returns the exact evidence document of a faulty epoch (its keccak-256 is its hash)", async () => {
    await driver.post(5n, {
      tickets: [],
      receipts: [],
      cheat: { leaves: (leaves) => leaves.map((l) => ({ ...l, cumulativeAmount: l.cumulativeAmount + 1n })) },
    });
    await verifier.tick();
    await verifier.tick();
    const audit = await getAudit(client, { epoch: 5 });
    assert.equal(audit.audit?.status, "faulty");
    const hash = audit.audit!.evidenceHash!;
    const evidence = await getEvidence(client, { documentHash: hash });
    assert.equal(`0x${Buffer.from(keccak_256(evidence.bytes)).toString("hex")}`, hash);
    assert.equal(JSON.parse(new TextDecoder().decode(evidence.bytes)).findings[0].code, audit.audit!.fault);
    const none = await apiError(getEvidence(client, { documentHash: `0x${"00".repeat(32)}` as Hex }));
    assert.deepEqual([none.status, none.code], [404, "NOT_FOUND"]);
  });

  it("503 CLAIMS_DISABLED from a verifier that does not relay claims", async () => {
    const plain = await startTestVerifier(chain, { claims: { enabled: false } });
    try {
      const off = await apiError(getClaim(createVerifierClient({ url: plain.url }), { id: "1" }));
      assert.deepEqual([off.status, off.code], [503, "CLAIMS_DISABLED"]);
    } finally {
      await plain.close();
    }
  });
});
