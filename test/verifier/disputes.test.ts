import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { generatePrivateKey } from "viem/accounts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signedChunkReceiptToJson } from "../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../../src/protocol/wire/signedViewerTicketToJson.ts";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import { startTestVerifier } from "./helpers/startTestVerifier.ts";
import { CHAIN_CONFIG, setupVerifierChain, type VerifierChain } from "./helpers/verifierChain.ts";

// Disputes that must not lead to a challenge, and how each is answered.
describe("disputes", () => {
  let chain: VerifierChain;
  let driver: Awaited<ReturnType<typeof createEpochDriver>>;
  let verifier: Awaited<ReturnType<typeof startTestVerifier>>;
  let viewer: ReturnType<VerifierChain["makeViewer"]>;
  let credited: ReturnType<ReturnType<VerifierChain["makeViewer"]>["receipts"]>;

  before(async () => {
    chain = await setupVerifierChain();
    driver = await createEpochDriver(chain);
    verifier = await startTestVerifier(chain);
    viewer = chain.makeViewer();
    credited = viewer.receipts({ relay: chain.relays[0]!.address, epoch: 0n, count: 3 });
    await driver.post(0n, { tickets: [viewer.ticket], receipts: credited });
    await verifier.tick();
  });
  after(async () => {
    await verifier.close();
    await driver.close();
  });

  const submit = async (body: unknown) => {
    const res = await fetch(`${verifier.url}/v1/disputes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };

  it("rejects a dispute whose receipts the bundle already credits, without challenging", async () => {
    const res = await submit({
      tickets: [signedViewerTicketToJson(viewer.ticket)],
      receipts: credited.map(signedChunkReceiptToJson),
    });
    assert.equal(res.status, 201);
    assert.equal(res.json.status, "rejected");
    assert.equal(res.json.reason.code, "DISPUTE_NOTHING_OMITTED");
    assert.deepEqual(
      res.json.receipts.map((r: { status: string }) => r.status),
      ["included", "included", "included"],
    );
    const got = await (await fetch(`${verifier.url}/v1/disputes/${res.json.id}`)).json();
    assert.equal(got.status, "rejected");
  });

  it("rejects forged receipts and chunks someone was already credited for, with each receipt's reasons", async () => {
    const forged = signChunkReceipt({ ...credited[0]!.receipt, segment: 77n }, chain.domain, generatePrivateKey());
    const stolen = signChunkReceipt(
      { ...credited[1]!.receipt, relay: chain.relays[1]!.address },
      chain.domain,
      viewer.key,
    );
    const res = await submit({
      tickets: [signedViewerTicketToJson(viewer.ticket)],
      receipts: [forged, stolen].map(signedChunkReceiptToJson),
    });
    assert.equal(res.json.status, "rejected");
    const [a, b] = res.json.receipts;
    assert.equal(a.status, "invalid");
    assert.deepEqual(
      a.errors.map((e: { code: string }) => e.code),
      ["RECEIPT_SIGNER_NOT_VIEWER"],
    );
    assert.equal(b.status, "duplicate");
    assert.equal((await (await fetch(`${verifier.url}/v1/epochs/0`)).json()).audit.challenge.status, "not_needed");
  });

  it("refuses malformed disputes and receipts of several epochs with clear codes", async () => {
    const empty = await submit({ receipts: [] });
    assert.deepEqual([empty.status, empty.json.code], [400, "DISPUTE_EMPTY"]);
    const bad = await submit({
      receipts: [
        { receipt: { ...signedChunkReceiptToJson(credited[0]!).receipt, size: -1 }, signature: credited[0]!.signature },
      ],
    });
    assert.deepEqual([bad.status, bad.json.code], [400, "REQUEST_INVALID"]);
    assert.equal(bad.json.details.path, "receipts[0].receipt.size");
    const mixed = await submit({
      receipts: [credited[0]!, ...viewer.receipts({ relay: chain.relays[0]!.address, epoch: 1n, count: 1 })].map(
        signedChunkReceiptToJson,
      ),
    });
    assert.deepEqual([mixed.status, mixed.json.code], [400, "DISPUTE_MIXED_EPOCHS"]);
    const wrongType = await fetch(`${verifier.url}/v1/disputes`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    assert.deepEqual([wrongType.status, (await wrongType.json()).code], [415, "REQUEST_UNSUPPORTED_MEDIA_TYPE"]);
    assert.equal((await fetch(`${verifier.url}/v1/disputes/nope`)).status, 404);
  });

  it("waits for an epoch that is not posted yet, then evaluates the dispute once it is", async () => {
    const mine = viewer.receipts({ relay: chain.relays[2]!.address, epoch: 1n, count: 2 });
    const early = await submit({
      relay: chain.relays[2]!.address,
      tickets: [signedViewerTicketToJson(viewer.ticket)],
      receipts: mine.map(signedChunkReceiptToJson),
    });
    assert.equal(early.status, 202);
    assert.equal(early.json.status, "waiting");
    await driver.post(1n, { tickets: [viewer.ticket], receipts: mine });
    await verifier.tick();
    const later = await (await fetch(`${verifier.url}/v1/disputes/${early.json.id}`)).json();
    assert.equal(later.status, "rejected");
    assert.equal(later.reason.code, "DISPUTE_NOTHING_OMITTED");
  });

  it("refuses to dispute an epoch whose challenge window has closed", async () => {
    await chain.time.increase(CHAIN_CONFIG.challengeWindow + 1n);
    const late = viewer.receipts({ relay: chain.relays[1]!.address, epoch: 0n, count: 1, offsetMs: 30_000n });
    const res = await submit({
      tickets: [signedViewerTicketToJson(viewer.ticket)],
      receipts: late.map(signedChunkReceiptToJson),
    });
    assert.equal(res.json.status, "rejected");
    assert.equal(res.json.reason.code, "DISPUTE_WINDOW_CLOSED");
  });
});
