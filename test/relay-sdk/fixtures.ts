// Shared fixtures for the relay SDK tests (no tests here): a pool, a ticket signer, a relay, viewer sessions
// that sign real receipts through the receiver.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import type {
  Address,
  EpochParams,
  Hex,
  MeshpayDomain,
  PoolInfo,
  SignedViewerTicket,
  ViewerTicket,
} from "../../src/protocol/types.ts";
import type { ChunkReceiptResult } from "../../src/relay-sdk/receiver/createChunkReceipt.ts";
import { createReceiver, type Receiver } from "../../src/relay-sdk/receiver/createReceiver.ts";
import { createViewerSessionKey, type ViewerSessionKey } from "../../src/relay-sdk/receiver/createViewerSessionKey.ts";

/** Hardhat development account #0 (ticket signer); addresses below are Hardhat accounts #2 and #3. */
export const ticketSignerKey: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const ticketSignerAddress: Address = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
export const relayAddress: Address = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
export const otherRelayAddress: Address = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";

export const domain: MeshpayDomain = {
  chainId: 31337,
  verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
};
export const poolId: Hex = `0x${"a1".repeat(32)}`;
export const pool: PoolInfo = { poolId, ticketSigner: ticketSignerAddress, active: true };
export const epochParams: EpochParams = { genesisTime: 1_767_225_600n, epochSeconds: 3600n, graceSeconds: 900n };
export const genesisMs = Number(epochParams.genesisTime) * 1000;
/** The aggregator's "now" in these tests: two minutes into epoch 0 (open). */
export const serverNowMs = BigInt(genesisMs + 120_000);

export type ViewerSession = {
  key: ViewerSessionKey;
  ticket: SignedViewerTicket;
  receiver: Receiver;
  /**
   * Signs the receipt for chunk `chunk` of `segment` (bytes derived from both), delivered at genesis + 60 s + chunk ms.
   */
  sign(segment: number, chunk: number, relay?: Address): ChunkReceiptResult;
};

/** A viewer session: fresh key, a ticket for it signed by the pool's ticketSigner, a receiver. */
export function makeSession(overrides: Partial<ViewerTicket> = {}, seed = 1): ViewerSession {
  const key = createViewerSessionKey();
  const ticket = signViewerTicket(
    {
      poolId,
      streamId: `0x${seed.toString(16).padStart(64, "0")}`,
      viewer: key.address,
      notBefore: BigInt(genesisMs),
      notAfter: BigInt(genesisMs + 3_600_000),
      maxBytes: 1_000_000_000n,
      ...overrides,
    },
    domain,
    ticketSignerKey,
  );
  let clock = genesisMs + 60_000;
  const receiver = createReceiver({ domain, ticket, sessionKey: key, now: () => clock });
  return {
    key,
    ticket,
    receiver,
    sign(segment, chunk, relay = relayAddress) {
      clock = genesisMs + 60_000 + segment * 1000 + chunk;
      return receiver.signChunk({ bytes: chunkBytes(segment, chunk), relay, segment, chunk });
    },
  };
}

/** Deterministic chunk contents (1–4 KiB). */
export function chunkBytes(segment: number, chunk: number): Uint8Array {
  const out = new Uint8Array(1024 + ((segment * 7 + chunk * 13) % 3072));
  let x = (segment * 7919 + chunk * 104729 + 1) >>> 0;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A fresh directory for SQLite files; remove() deletes it. */
export function tempDir(prefix = "meshpay-relay-"): { dir: string; file(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
