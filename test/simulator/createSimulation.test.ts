import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import type { EpochParams } from "../../src/protocol/types.ts";
import { bytesToHex } from "../../src/protocol/utils/bytes.ts";
import { createSimulation } from "../../src/simulator/createSimulation.ts";
import type { Simulation, SimulationOptions, SimulationSummary } from "../../src/simulator/types.ts";
import {
  domain,
  fastEpochParams,
  fastGenesisMs,
  pool,
  poolId,
  tempDir,
  ticketSignerAddress,
  ticketSignerKey,
} from "./fixtures.ts";
import { type SwarmAggregator, startSwarmAggregator } from "./swarmAggregator.ts";

/** A fast-mode simulation against a fresh aggregator whose clock is the simulation's virtual clock. */
async function fastSwarm(
  overrides: Partial<SimulationOptions>,
  workDir: string,
): Promise<{ sim: Simulation; agg: SwarmAggregator }> {
  let sim: Simulation | undefined;
  const agg = await startSwarmAggregator({
    domain,
    pools: [pool],
    epochParams: fastEpochParams,
    now: () => sim!.now(),
  });
  sim = await createSimulation({
    aggregatorUrl: agg.url,
    domain,
    poolId,
    ticketSignerKey,
    epochParams: fastEpochParams,
    mode: "fast",
    startAt: fastGenesisMs + 2000,
    workDir,
    bitrateKbps: 256,
    chunkBytes: 8192,
    segmentSeconds: 2,
    ...overrides,
  });
  return { sim, agg };
}

function ledgerCodes(agg: SwarmAggregator, relay: string): Record<string, number> {
  return Object.fromEntries(agg.ledgers.get(relay)?.rejectedByCode ?? []);
}

describe("swarm simulation (fast mode, virtual clock shared with the aggregator)", () => {
  const dir = tempDir();
  let sim: Simulation;
  let agg: SwarmAggregator;
  let summary: SimulationSummary;

  before(async () => {
    ({ sim, agg } = await fastSwarm(
      {
        seed: "faults",
        viewers: 16,
        relays: 6,
        loss: 0.1,
        late: 0.1,
        cheat: { relays: 1, rate: 0.3 },
        churn: { viewersPerMinute: 6, relaysPerMinute: 4, relayOfflineSeconds: 3 },
        // A budget of about 12 chunks: viewers renew their ticket (new key, new ticket) every ~3 s.
        ticket: { maxBytes: 100_000 },
      },
      dir.dir,
    ));
    summary = await sim.run({ epochs: 3 });
  });
  after(async () => {
    await sim?.close();
    await agg?.close();
    dir.remove();
  });

  it("runs three epochs with churn of viewers and relays", () => {
    assert.deepEqual(summary.time.epochs, [0, 1, 2]);
    assert.equal(summary.time.endedAt, fastGenesisMs + 18_000);
    assert.ok(
      summary.totals.viewerSessions > 16 * 4,
      `sessions renewed and new viewers joined (${summary.totals.viewerSessions})`,
    );
    assert.equal(summary.totals.ticketsIssued, summary.totals.viewerSessions);
    assert.ok(
      summary.relays.some((r) => r.leaves > 0 && r.joins > 1),
      "some relay left and came back",
    );
    assert.ok(summary.totals.deliveries > 600, `${summary.totals.deliveries} deliveries`);
  });

  it("sends real receipts that verify: viewer signatures, the pool's tickets, the chunk bytes", async () => {
    const verifier = await createNodeReceiptVerifier({ domain });
    const keccak = await createFastKeccak256();
    assert.equal(agg.accepted.size, summary.totals.accepted);
    for (const { signed, relay } of agg.accepted.values()) {
      const r = signed.receipt;
      const ticket = agg.tickets.get(r.ticketHash)!;
      assert.equal(verifier.recoverSigner(verifier.receiptDigest(r), signed.signature), ticket.ticket.viewer);
      assert.equal(verifier.ticketSigner(ticket.ticket, ticket.signature), ticketSignerAddress);
      assert.equal(r.relay, relay);
      const bytes = sim.chunkBytes(Number(r.segment), r.chunk);
      assert.equal(r.size, bytes.length);
      assert.equal(r.chunkHash, bytesToHex(keccak(bytes)));
    }
    // One viewer session per ticket, one fresh key per session.
    const viewers = new Set([...agg.tickets.values()].map((t) => t.ticket.viewer));
    assert.equal(viewers.size, agg.tickets.size);
  });

  it("loses and delays deliveries at the configured rates", () => {
    const { deliveries, lost, received, late } = summary.totals;
    assert.equal(received + lost, deliveries);
    assert.ok(Math.abs(lost / deliveries - 0.1) < 0.035, `loss ${lost}/${deliveries}`);
    assert.ok(Math.abs(late / received - 0.1) < 0.035, `late ${late}/${received}`);
    assert.equal(summary.totals.acknowledged, received, "the relays stored every receipt viewers handed over");
  });

  it("late receipts are refused by the aggregator with EPOCH_CLOSED, and only they", () => {
    let epochClosed = 0;
    let rejected = 0;
    for (const r of summary.relays) {
      const codes = ledgerCodes(agg, r.address);
      if (!r.cheater)
        assert.deepEqual(
          Object.keys(codes).filter((c) => c !== "EPOCH_CLOSED"),
          [],
          `relay ${r.index}: ${JSON.stringify(codes)}`,
        );
      epochClosed += r.cheater ? (r.receipts.rejectedByCode.EPOCH_CLOSED ?? 0) : (codes.EPOCH_CLOSED ?? 0);
      rejected += r.receipts.rejected;
    }
    assert.ok(summary.totals.late > 0);
    assert.equal(epochClosed, summary.totals.late);
    assert.equal(rejected, summary.totals.late);
    assert.equal(summary.totals.rejectedByCode.EPOCH_CLOSED, summary.totals.late);
  });

  it("every claim of the cheating relay for chunks it never delivered is refused, each kind with its code", () => {
    const cheater = summary.relays.find((r) => r.cheater)!;
    const f = cheater.forged;
    assert.ok(f.submitted > 100, `${f.submitted} forged claims`);
    assert.equal(f.accepted, 0);
    assert.equal(f.rejected, f.submitted);
    const expectedCode = {
      "wrong-signer": "RECEIPT_SIGNER_NOT_VIEWER",
      "fake-ticket": "TICKET_BAD_SIGNER",
      replay: "RECEIPT_RELAY_MISMATCH",
      "replay-rewrite": "RECEIPT_SIGNER_NOT_VIEWER",
    } as const;
    for (const [mode, code] of Object.entries(expectedCode)) {
      const m = f.byMode[mode as keyof typeof expectedCode];
      assert.ok(m.submitted > 0, `${mode} used`);
      assert.equal(m.rejected, m.submitted, mode);
      assert.equal(m.rejectedByCode[code], m.submitted, `${mode}: ${JSON.stringify(m.rejectedByCode)}`);
    }
    // The server credited the cheater only for what it really delivered on time.
    assert.deepEqual(agg.bytesByEpoch(cheater.address), summary.expectedBytes[cheater.address]);
    assert.equal(agg.ledgers.get(cheater.address)!.rejected, f.submitted + cheater.late.receipts);
  });

  it("the expected bytes per relay per epoch equal the bytes the aggregator accepted", () => {
    let total = 0;
    for (const r of summary.relays) {
      assert.deepEqual(agg.bytesByEpoch(r.address), summary.expectedBytes[r.address], `relay ${r.index}`);
      assert.deepEqual(r.receipts.acceptedByEpoch, r.expected.byEpoch, `relay ${r.index}: its store agrees`);
      total += r.expected.bytes;
    }
    assert.ok(total > 0);
    assert.equal(total, summary.totals.acceptedBytes);
    assert.equal(
      summary.totals.expected.bytes,
      summary.totals.receivedBytes - summary.relays.reduce((n, r) => n + r.late.bytes, 0),
    );
    assert.deepEqual(summary.checks, {
      expectedMatchesAccepted: true,
      lateRefused: true,
      forgedRefused: true,
      settled: true,
      ok: true,
      problems: [],
    });
  });

  it("summary checks catch a relay whose accepted bytes differ from the expected ones", async () => {
    // Tamper with one relay's store after the fact: one accepted receipt now reads as rejected.
    const { default: Database } = await import("better-sqlite3");
    const relay = sim.relays.find((r) => !r.cheater && summary.relays[r.index]!.receipts.accepted > 0)!;
    await sim.close();
    const db = new Database(relay.dbPath);
    db.prepare(
      "UPDATE receipts SET status = 'rejected', errors = '[]' WHERE seq = (SELECT min(seq) FROM receipts WHERE " +
        "status = 'accepted')",
    ).run();
    db.close();
    const tampered = sim.summary();
    assert.equal(tampered.checks.ok, false);
    assert.equal(tampered.checks.expectedMatchesAccepted, false);
    assert.match(tampered.checks.problems.join("\n"), new RegExp(relay.address));
  });
});

describe("swarm simulation determinism", () => {
  it("the same seed gives the same swarm (same receipts, same summary); another seed a different one", async () => {
    const runOnce = async (seed: string) => {
      const dir = tempDir();
      const { sim, agg } = await fastSwarm(
        {
          seed,
          viewers: 6,
          relays: 3,
          loss: 0.2,
          late: 0.1,
          cheat: { relays: 1, rate: 0.2 },
          churn: { viewersPerMinute: 10, relaysPerMinute: 5 },
        },
        dir.dir,
      );
      try {
        const s = await sim.run({ seconds: 8 });
        return {
          ids: [...agg.accepted.keys()].sort(),
          summary: { ...s, workDir: "", time: { ...s.time, wallMs: 0 } },
        };
      } finally {
        await sim.close();
        await agg.close();
        dir.remove();
      }
    };
    const a = await runOnce("det");
    const b = await runOnce("det");
    const c = await runOnce("other");
    assert.ok(a.ids.length > 50);
    assert.deepEqual(b.ids, a.ids);
    assert.deepEqual(b.summary, a.summary);
    assert.notDeepEqual(c.ids, a.ids);
    assert.notDeepEqual(c.summary.expectedBytes, a.summary.expectedBytes);
  });

  it("relays posting directly (no SQLite store) produce the same swarm and the same summary as relay SDK instances", async () => {
    const runOnce = async (transport: "relay-sdk" | "direct") => {
      const dir = tempDir();
      const { sim, agg } = await fastSwarm(
        {
          seed: "transport",
          transport,
          signer: "native",
          viewers: 6,
          relays: 3,
          loss: 0.1,
          late: 0.1,
          cheat: { relays: 1, rate: 0.2 },
          churn: { relaysPerMinute: 5 },
        },
        dir.dir,
      );
      try {
        const s = await sim.run({ seconds: 8 });
        return {
          ids: [...agg.accepted.keys()].sort(),
          summary: { ...s, transport: "", workDir: "", time: { ...s.time, wallMs: 0 } },
        };
      } finally {
        await sim.close();
        await agg.close();
        dir.remove();
      }
    };
    const sdk = await runOnce("relay-sdk");
    const direct = await runOnce("direct");
    assert.ok(sdk.ids.length > 50);
    assert.deepEqual(direct.ids, sdk.ids);
    assert.deepEqual(direct.summary, sdk.summary);
    assert.equal(direct.summary.checks.ok, true);
  });

  it("refuses invalid options with INVALID_OPTION", async () => {
    const base = { aggregatorUrl: "http://127.0.0.1:1", domain, poolId, ticketSignerKey, epochParams: fastEpochParams };
    await assert.rejects(createSimulation({ ...base, loss: 1.5 }), { code: "INVALID_OPTION" });
    await assert.rejects(createSimulation({ ...base, relays: 2, cheat: { relays: 3 } }), { code: "INVALID_OPTION" });
    await assert.rejects(createSimulation({ ...base, poolId: "0x12" }), { code: "INVALID_OPTION" });
    await assert.rejects(createSimulation({ ...base, cheat: { modes: ["bribe" as never] } }), {
      code: "INVALID_OPTION",
    });
  });
});

describe("swarm simulation (realtime mode, wall clock)", () => {
  it("delivers chunks at their wall-clock time over short epochs; late receipts wait for their epoch to close and are refused", async () => {
    const dir = tempDir();
    const genesisTime = BigInt(Math.floor(Date.now() / 1000) - 1);
    const epochParams: EpochParams = { genesisTime, epochSeconds: 2n, graceSeconds: 1n };
    const received: { deliveredAt: number; at: number }[] = [];
    const agg = await startSwarmAggregator({ domain, pools: [pool], epochParams, now: () => Date.now() });
    const sim = await createSimulation({
      aggregatorUrl: agg.url,
      domain,
      poolId,
      ticketSignerKey,
      epochParams,
      seed: "realtime",
      viewers: 6,
      relays: 3,
      bitrateKbps: 128,
      chunkBytes: 4096,
      segmentSeconds: 1,
      loss: 0.1,
      late: 0.2,
      lateMarginMs: 300,
      cheat: { relays: 1, rate: 0.2 },
      workDir: dir.dir,
      relayOptions: { intervalMs: 250 },
      fetch: async (input, init) => {
        const at = Date.now();
        for (const item of JSON.parse(String(init?.body)).receipts)
          received.push({ deliveredAt: Number(item.receipt.deliveredAt), at });
        return fetch(input, init);
      },
    });
    try {
      const startedAt = Date.now();
      const summary = await sim.run({ epochs: 2 });
      const elapsed = Date.now() - startedAt;
      assert.equal((summary.time.endedAt - Number(genesisTime) * 1000) % 2000, 0, "ran to an epoch boundary");
      assert.ok(summary.time.endedAt - summary.time.startedAt > 2000);
      assert.ok(elapsed >= summary.time.endedAt - startedAt - 20, `ran in real time (${elapsed} ms)`);
      assert.ok(Date.now() >= summary.time.drainedAt, "drained after the late receipts' epochs closed");
      assert.ok(received.length > 20, `${received.length} receipts sent`);
      assert.ok(
        received.every((r) => r.deliveredAt <= r.at),
        "no receipt was sent before its chunk was delivered",
      );
      assert.ok(summary.totals.late > 0);
      assert.equal(summary.totals.rejectedByCode.EPOCH_CLOSED, summary.totals.late);
      for (const r of summary.relays)
        assert.deepEqual(agg.bytesByEpoch(r.address), summary.expectedBytes[r.address], `relay ${r.index}`);
      assert.deepEqual(summary.checks.problems, []);
      assert.equal(summary.checks.ok, true);
    } finally {
      await sim.close();
      await agg.close();
      dir.remove();
    }
  });
});
