import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { createPeerCard } from "../../src/player/peers/createPeerCard.ts";
import { createPeerDirectory } from "../../src/player/peers/createPeerDirectory.ts";
import { verifyPeerCard } from "../../src/player/peers/verifyPeerCard.ts";
import type { Address } from "../../src/protocol/types.ts";
import { createViewerSessionKey } from "../../src/relay-sdk/receiver/createViewerSessionKey.ts";

const swarmId = "meshpay-test-swarm";
const honestPayout: Address = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const liarPayout: Address = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";

describe("peer cards: which account a peer is paid to", () => {
  it("a card verifies for its own 20-character peer id and yields its payout account", () => {
    const key = createViewerSessionKey();
    const card = createPeerCard({ swarmId, payout: honestPayout, sessionKey: key.privateKey });
    assert.match(card.peerId, /^MP[A-Za-z0-9]{18}$/);
    assert.equal(card.card.signer, key.address);
    assert.equal(verifyPeerCard(JSON.parse(JSON.stringify(card)), { peerId: card.peerId, swarmId }), honestPayout);
  });

  it("a liar cannot attach its payout to another peer's id, nor change a payout in transit", () => {
    const honest = createPeerCard({ swarmId, payout: honestPayout, sessionKey: createViewerSessionKey().privateKey });
    const liarKey = createViewerSessionKey().privateKey;
    const liar = createPeerCard({ swarmId, payout: liarPayout, sessionKey: liarKey });
    // The liar's own card shown for the honest peer's id.
    assert.throws(() => verifyPeerCard({ ...liar, peerId: honest.peerId }, { peerId: honest.peerId, swarmId }), {
      code: "PEER_CARD_INVALID",
    });
    // The honest card with the payout swapped (its signature and id no longer match).
    const swapped = { ...honest, card: { ...honest.card, payout: liarPayout } };
    assert.throws(() => verifyPeerCard(swapped, { peerId: honest.peerId, swarmId }), { code: "PEER_CARD_INVALID" });
    // The swapped card re-signed by the liar as if it were the signer: the id still commits to the original card.
    const resigned = createPeerCard({ swarmId, payout: liarPayout, sessionKey: liarKey });
    assert.throws(() => verifyPeerCard({ ...resigned, peerId: honest.peerId }, { peerId: honest.peerId, swarmId }), {
      code: "PEER_CARD_INVALID",
    });
    // A peer announcing an id its card does not hash to.
    const lyingId = `MP${liar.peerId.slice(3)}X`;
    assert.throws(() => verifyPeerCard({ ...liar, peerId: lyingId }, { peerId: lyingId, swarmId }), {
      code: "PEER_CARD_INVALID",
    });
  });

  it("a card signed by someone other than its signer, or for another swarm, is refused", () => {
    const a = createPeerCard({ swarmId, payout: honestPayout, sessionKey: createViewerSessionKey().privateKey });
    const b = createPeerCard({ swarmId, payout: honestPayout, sessionKey: createViewerSessionKey().privateKey });
    assert.throws(() => verifyPeerCard({ ...a, signature: b.signature }, { peerId: a.peerId, swarmId }), {
      code: "PEER_CARD_INVALID",
    });
    assert.throws(() => verifyPeerCard(a, { peerId: a.peerId, swarmId: "another-stream" }), {
      code: "PEER_CARD_INVALID",
    });
    assert.throws(() => verifyPeerCard({ card: a.card, peerId: a.peerId }, { peerId: a.peerId, swarmId }), {
      code: "PEER_CARD_INVALID",
    });
  });

  it("the directory client resolves verified cards and records the lies a directory serves", async (t) => {
    const honest = createPeerCard({ swarmId, payout: honestPayout, sessionKey: createViewerSessionKey().privateKey });
    const liar = createPeerCard({ swarmId, payout: liarPayout, sessionKey: createViewerSessionKey().privateKey });
    const stored = new Map<string, string>();
    // An untrusted directory that serves whatever was put, including a liar's card under the honest peer's id.
    const server = createServer(async (req, res) => {
      const id = decodeURIComponent(req.url!.split("/").pop()!);
      if (req.method === "PUT") {
        let body = "";
        for await (const c of req) body += c;
        stored.set(id, body);
        res.statusCode = 204;
        return res.end();
      }
      const card = stored.get(id);
      res.statusCode = card ? 200 : 404;
      res.end(card ?? "{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/peers`;
    const directory = createPeerDirectory({ url, swarmId });
    await directory.publish(honest);
    assert.equal(await directory.resolve(honest.peerId), honestPayout);
    stored.set("MPsomeoneElse0000000", JSON.stringify({ ...liar, peerId: "MPsomeoneElse0000000" }));
    assert.equal(await directory.resolve("MPsomeoneElse0000000"), undefined);
    assert.match(directory.refused.get("MPsomeoneElse0000000")!, /does not hash/);
    assert.equal(await directory.resolve("MPnobody000000000000"), undefined);
  });
});
