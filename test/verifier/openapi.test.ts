import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { createWalletClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { signedChunkReceiptToJson } from "../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedClaimAuthorizationToJson } from "../../src/protocol/wire/signedClaimAuthorizationToJson.ts";
import { signedViewerTicketToJson } from "../../src/protocol/wire/signedViewerTicketToJson.ts";
import { apiErrorCodes } from "../../src/verifier/errors/codes.ts";
import { createVerifierApp } from "../../src/verifier/http/createVerifierApp.ts";
import { createVerifierMetrics } from "../../src/verifier/metrics/createVerifierMetrics.ts";
import {
  type ApiAnswer,
  createCheckedClient,
  findDocumentProblems,
  listAppRoutes,
  listDocumentRoutes,
  type OpenApiDocument,
  readAnswer,
} from "../service/helpers/openApi.ts";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import { startTestVerifier } from "./helpers/startTestVerifier.ts";
import { CHAIN_CONFIG, setupVerifierChain, type VerifierChain } from "./helpers/verifierChain.ts";

const documentPath = resolve(import.meta.dirname, "../../src/verifier/http/openapi.json");
const doc = JSON.parse(readFileSync(documentPath, "utf8")) as OpenApiDocument;
const TOKEN_PER_ETH = 3_000_000_000n;

/** Every `code` enum of the document's error responses. */
function documentedErrorCodes(d: OpenApiDocument): string[] {
  const codes = new Set<string>();
  JSON.stringify(d.paths, (key, value) => {
    if (key === "code" && Array.isArray(value?.enum)) for (const c of value.enum) codes.add(c);
    return value;
  });
  return [...codes].sort();
}

// docs/api.md, "Verifier": the verifier's OpenAPI 3.1 document, checked against the answers of a real verifier
// (in this process, real HTTP) on a real chain: an honest claimable epoch, a faulty challenged one, disputes and claims.
describe("verifier OpenAPI document: every documented answer of a real verifier fits it", () => {
  let chain: VerifierChain;
  let driver: Awaited<ReturnType<typeof createEpochDriver>>;
  let verifier: Awaited<ReturnType<typeof startTestVerifier>>;
  let noClaims: Awaited<ReturnType<typeof startTestVerifier>>;
  let api: ReturnType<typeof createCheckedClient>;
  let noClaimsApi: ReturnType<typeof createCheckedClient>;
  let viewer: ReturnType<VerifierChain["makeViewer"]>;
  let credited1: ReturnType<ReturnType<VerifierChain["makeViewer"]>["receipts"]>;
  let startedReady: ApiAnswer;

  before(async () => {
    // 1,000 tokens per GB, so that a few MB earn more than the gas of relaying a claim.
    chain = await setupVerifierChain({ price: 1_000_000_000n, funds: 10n ** 12n });
    driver = await createEpochDriver(chain);
    const claims = {
      batchWaitMs: 0,
      minDeadlineSeconds: 30,
      tokenPerEth: { [chain.token.address]: TOKEN_PER_ETH.toString() },
    };
    verifier = await startTestVerifier(chain, { claims });
    noClaims = await startTestVerifier(chain, {
      claims: { ...claims, enabled: false },
      audit: { bundleDeadlineSeconds: 5, bundleTimeoutMs: 2_000, challenge: false },
    });
    api = createCheckedClient(doc, verifier.url);
    noClaimsApi = createCheckedClient(doc, noClaims.url);
    // Before its first round the verifier is not ready.
    startedReady = await readAnswer(await fetch(`${verifier.url}/readyz`));
    viewer = chain.makeViewer();
    // Epoch 0: honest, claimable once its window has passed.
    await driver.post(0n, {
      tickets: [viewer.ticket],
      receipts: [
        ...viewer.receipts({ relay: chain.relays[0]!.address, epoch: 0n, count: 3 }),
        ...viewer.receipts({ relay: chain.relays[1]!.address, epoch: 0n, count: 2 }),
      ],
    });
    await verifier.tick();
    await chain.time.increase(CHAIN_CONFIG.challengeWindow);
    await verifier.tick();
    // Epoch 1: a forged receipt; the verifier finds it and challenges.
    credited1 = viewer.receipts({ relay: chain.relays[0]!.address, epoch: 1n, count: 2 });
    const forged = signChunkReceipt({ ...credited1[0]!.receipt, segment: 4_242n }, chain.domain, generatePrivateKey());
    await driver.post(1n, { tickets: [viewer.ticket], receipts: [...credited1, forged] });
    await verifier.tick();
    await verifier.tick();
  });
  after(async () => {
    await noClaims?.close();
    await verifier?.close();
    await driver?.close();
  });

  it("is a valid OpenAPI 3.1 document whose error codes are the verifier's own", () => {
    assert.deepEqual(findDocumentProblems(doc), []);
    const known = new Set<string>(apiErrorCodes);
    assert.deepEqual(
      documentedErrorCodes(doc).filter((c) => !known.has(c)),
      [],
    );
  });

  it("documents exactly the routes the express app registers", () => {
    const app = createVerifierApp({
      store: verifier.store,
      auditor: verifier.auditor,
      disputes: verifier.disputes,
      claims: verifier.claims,
      metrics: createVerifierMetrics(),
      health: async () => ({ ok: true }),
      bodyLimitBytes: 1024,
    });
    assert.deepEqual(listAppRoutes(app), listDocumentRoutes(doc));
  });

  it("serves the checked-in document at GET /openapi.json", async () => {
    assert.deepEqual((await api.request("GET", "/openapi.json")).body, doc);
  });

  it("probes and metrics fit the document, not ready before the first round and ready after", async () => {
    assert.equal(startedReady.status, 503);
    api.checkComponent("NotFound", await readAnswer(await fetch(`${verifier.url}/v1/nothing-here`)));
    assert.deepEqual((await api.request("GET", "/livez")).body, { ok: true });
    assert.equal((await api.request("GET", "/readyz")).body.ok, true);
    assert.equal((await api.request("GET", "/healthz")).body.ok, true);
    assert.equal((await noClaimsApi.request("GET", "/readyz")).status, 503);
    assert.equal((await noClaimsApi.request("GET", "/healthz")).status, 503);
    assert.match((await api.request("GET", "/metrics")).text, /meshpay_verifier_/);
  });

  it("epoch audits (ok and faulty), their list with its cursor and the evidence fit the document", async () => {
    const e0 = await api.request("GET", "/v1/epochs/{epoch}", { params: { epoch: 0 } });
    assert.equal(e0.body.audit.status, "ok");
    const e1 = await api.request("GET", "/v1/epochs/{epoch}", { params: { epoch: 1 } });
    assert.deepEqual([e1.body.audit.status, e1.body.audit.challenge.status], ["faulty", "opened"]);
    assert.equal((await api.request("GET", "/v1/epochs/{epoch}", { params: { epoch: 99 } })).body.code, "NOT_FOUND");
    assert.equal((await api.request("GET", "/v1/epochs/{epoch}", { params: { epoch: "x" } })).status, 400);
    const first = await api.request("GET", "/v1/epochs", { query: { limit: 1 } });
    const second = await api.request("GET", "/v1/epochs", { query: { limit: 1, cursor: first.body.nextCursor } });
    assert.deepEqual([first.body.posts[0].epoch, second.body.posts[0].epoch], ["1", "0"]);
    assert.equal((await api.request("GET", "/v1/epochs", { query: { limit: 501 } })).body.code, "REQUEST_INVALID");
    assert.equal((await api.request("GET", "/v1/epochs", { query: { cursor: "!" } })).body.code, "CURSOR_INVALID");

    const evidence = await api.request("GET", "/v1/evidence/{hash}", { params: { hash: e1.body.audit.evidenceHash } });
    assert.equal(evidence.body.fault, "RECEIPT_INVALID");
    const unknown = await api.request("GET", "/v1/evidence/{hash}", { params: { hash: `0x${"ee".repeat(32)}` } });
    assert.equal(unknown.body.code, "NOT_FOUND");
    assert.equal((await api.request("GET", "/v1/evidence/{hash}", { params: { hash: "0x12" } })).status, 400);
  });

  it("disputes (evaluated, covered by the open challenge, waiting) and their refusals fit the document", async () => {
    const submit = (body: unknown, headers: Record<string, string> = {}) =>
      api.request("POST", "/v1/disputes", { body, headers });
    const ticket = signedViewerTicketToJson(viewer.ticket);
    const credited = await submit({ tickets: [ticket], receipts: credited1.map(signedChunkReceiptToJson) });
    assert.deepEqual([credited.status, credited.body.status], [201, "rejected"]);
    const omitted = viewer.receipts({ relay: chain.relays[2]!.address, epoch: 1n, count: 1, offsetMs: 20_000n });
    const covered = await submit({
      relay: chain.relays[2]!.address,
      tickets: [ticket],
      receipts: omitted.map(signedChunkReceiptToJson),
    });
    assert.deepEqual([covered.status, covered.body.status], [201, "covered"]);
    assert.equal(covered.body.challenge.status, "opened");
    const later = viewer.receipts({ relay: chain.relays[2]!.address, epoch: 5n, count: 1 });
    const waiting = await submit({ epoch: "5", tickets: [ticket], receipts: later.map(signedChunkReceiptToJson) });
    assert.deepEqual([waiting.status, waiting.body.status], [202, "waiting"]);
    const got = await api.request("GET", "/v1/disputes/{id}", { params: { id: covered.body.id } });
    assert.equal(got.body.id, covered.body.id);
    assert.equal((await api.request("GET", "/v1/disputes/{id}", { params: { id: "dsp_nope" } })).status, 404);

    const code = (res: ApiAnswer) => [res.status, res.body.code];
    assert.deepEqual(code(await submit({ receipts: [] })), [400, "DISPUTE_EMPTY"]);
    assert.deepEqual(code(await submit({ epoch: "0", receipts: credited1.map(signedChunkReceiptToJson) })), [
      400,
      "DISPUTE_MIXED_EPOCHS",
    ]);
    assert.deepEqual(code(await submit({ receipts: [{ receipt: 1 }] })), [400, "REQUEST_INVALID"]);
    assert.deepEqual(code(await submit("{nope")), [400, "REQUEST_INVALID_JSON"]);
    assert.deepEqual(code(await submit("x", { "content-type": "text/plain" })), [
      415,
      "REQUEST_UNSUPPORTED_MEDIA_TYPE",
    ]);
    assert.deepEqual(code(await submit(`"${"x".repeat(5 * 1024 * 1024)}"`)), [413, "REQUEST_TOO_LARGE"]);
  });

  it("claims (queued, retried, paid) and their refusals fit the document", async () => {
    const chainTime = async () => (await chain.publicClient.getBlock()).timestamp;
    const authorize = async (
      relay: number,
      over: {
        nonce?: bigint;
        deadline?: bigint;
        maxFee?: bigint;
        signer?: Hex;
        recipient?: Address;
        poolId?: Hex;
      } = {},
    ) =>
      signedClaimAuthorizationToJson(
        signClaimAuthorization(
          {
            poolId: over.poolId ?? chain.poolId,
            account: chain.relays[relay]!.address,
            recipient: over.recipient ?? (privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Address),
            maxFee: over.maxFee ?? 2_000_000n,
            nonce: over.nonce ?? 0n,
            deadline: over.deadline ?? (await chainTime()) + 3_600n,
          },
          chain.domain,
          over.signer ?? chain.relays[relay]!.key,
        ),
      );
    const submit = (body: unknown, headers: Record<string, string> = {}) =>
      api.request("POST", "/v1/claims", { body, headers });
    const code = (res: ApiAnswer) => [res.status, res.body.code];

    const mine = await authorize(0);
    const queued = await submit(mine);
    assert.deepEqual([queued.status, queued.body.status], [202, "queued"]);
    const retried = await submit(mine);
    assert.deepEqual([retried.status, retried.body.id], [200, queued.body.id]);
    assert.deepEqual(code(await submit(await authorize(0))), [409, "AUTHORIZATION_DUPLICATE"]);
    await verifier.tick();
    await verifier.tick();
    const paid = await api.request("GET", "/v1/claims/{id}", { params: { id: queued.body.id } });
    assert.equal(paid.body.status, "paid");
    assert.equal((await api.request("GET", "/v1/claims/{id}", { params: { id: "clm_nope" } })).status, 404);
    assert.deepEqual(code(await submit(await authorize(0))), [409, "AUTHORIZATION_NONCE_USED"]);
    assert.deepEqual(code(await submit(await authorize(0, { nonce: 1n }))), [422, "NOTHING_DUE"]);

    const r1 = await authorize(1);
    assert.deepEqual(code(await submit({ ...r1, authorization: { ...r1.authorization, nonce: 1 } })), [
      400,
      "AUTHORIZATION_INVALID",
    ]);
    assert.deepEqual(code(await submit(await authorize(1, { recipient: `0x${"00".repeat(20)}` }))), [
      400,
      "RECIPIENT_ZERO",
    ]);
    assert.deepEqual(code(await submit({ ...r1, leaf: { account: 1 }, proof: [] })), [400, "REQUEST_INVALID"]);
    assert.deepEqual(code(await submit(await authorize(1, { signer: chain.relays[2]!.key }))), [
      403,
      "AUTHORIZATION_SIGNER_MISMATCH",
    ]);
    assert.deepEqual(code(await submit(await authorize(2))), [404, "LEAF_NOT_FOUND"]);
    // Relay 2 binds its authorizations to another relayer than this verifier.
    const funder = chain.wallets.funder;
    await funder.sendTransaction({
      to: chain.relays[2]!.address,
      value: 10n ** 17n,
      account: funder.account,
      chain: funder.chain,
    });
    const relay2 = createWalletClient({
      account: privateKeyToAccount(chain.relays[2]!.key),
      chain: funder.chain,
      transport: chain.transport,
    });
    await chain.write(relay2, chain.distributor.address, rewardDistributorAbi, "setClaimRelayer", [
      chain.relays[1]!.address,
    ]);
    assert.deepEqual(code(await submit(await authorize(2))), [403, "RELAYER_NOT_ALLOWED"]);
    const otherToken = `0x${"12".repeat(20)}${"00".repeat(11)}01` as Hex;
    assert.deepEqual(code(await submit(await authorize(1, { poolId: otherToken }))), [422, "TOKEN_NOT_SUPPORTED"]);
    assert.deepEqual(code(await submit(await authorize(1, { deadline: (await chainTime()) - 1n }))), [
      422,
      "AUTHORIZATION_EXPIRED",
    ]);
    assert.deepEqual(code(await submit(await authorize(1, { maxFee: 1n }))), [422, "MAX_FEE_TOO_LOW"]);
    const madeUp = {
      account: chain.relays[1]!.address,
      poolId: chain.poolId,
      cumulativeAmount: "2000000",
      epochBytes: "2000000",
      epochAmount: "2000000",
      receiptsRoot: `0x${"00".repeat(32)}`,
    };
    assert.deepEqual(code(await submit({ ...r1, leaf: madeUp, proof: [`0x${"11".repeat(32)}`] })), [
      422,
      "LEAF_PROOF_INVALID",
    ]);
    assert.deepEqual(code(await submit("{nope")), [400, "REQUEST_INVALID_JSON"]);
    assert.deepEqual(code(await submit("x", { "content-type": "text/plain" })), [
      415,
      "REQUEST_UNSUPPORTED_MEDIA_TYPE",
    ]);
    assert.deepEqual(code(await submit(`"${"x".repeat(5 * 1024 * 1024)}"`)), [413, "REQUEST_TOO_LARGE"]);

    const disabled = await noClaimsApi.request("POST", "/v1/claims", { body: r1 });
    assert.deepEqual(code(disabled), [503, "CLAIMS_DISABLED"]);
    const disabledGet = await noClaimsApi.request("GET", "/v1/claims/{id}", { params: { id: queued.body.id } });
    assert.deepEqual(code(disabledGet), [503, "CLAIMS_DISABLED"]);
  });

  it("every documented answer and error code was checked, but for those a healthy verifier cannot give (500, RPC down)", () => {
    const unchecked = api.unchecked().filter((u) => noClaimsApi.unchecked().includes(u));
    assert.deepEqual(
      unchecked.filter((u) => !u.endsWith(" 500")),
      ["POST /v1/disputes 503"],
    );
    const codes = api.uncheckedCodes().filter((u) => noClaimsApi.uncheckedCodes().includes(u));
    assert.deepEqual(
      codes.filter((u) => !u.endsWith(" 500 INTERNAL")),
      ["POST /v1/claims 503 SERVICE_UNAVAILABLE", "POST /v1/disputes 503 SERVICE_UNAVAILABLE"],
    );
  });
});
