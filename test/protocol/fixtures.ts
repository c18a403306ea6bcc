// Shared fixtures for the protocol tests (no tests here).
import { privateKeyToAccount } from "viem/accounts";
import { xorshift } from "../../scripts/bench/xorshift.ts";
import { hashViewerTicket } from "../../src/protocol/eip712/hashViewerTicket.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import type {
  ChunkReceipt,
  EpochParams,
  Hex,
  MeshpayDomain,
  PoolInfo,
  ViewerTicket,
} from "../../src/protocol/types.ts";

export const keys = {
  ticketSigner: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  viewer: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  relay: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  other: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
} as const satisfies Record<string, Hex>;
export const addresses = {
  ticketSigner: privateKeyToAccount(keys.ticketSigner).address,
  viewer: privateKeyToAccount(keys.viewer).address,
  relay: privateKeyToAccount(keys.relay).address,
  other: privateKeyToAccount(keys.other).address,
};

export const domain: MeshpayDomain = {
  chainId: 31337,
  verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
};
export const viemDomain = {
  name: "meshpay",
  version: "1",
  chainId: 31337,
  verifyingContract: domain.verifyingContract,
} as const;

export const poolId: Hex = `0x${"a1".repeat(32)}`;
export const epochParams: EpochParams = { genesisTime: 1_767_225_600n, epochSeconds: 3600n, graceSeconds: 900n };
export const genesisMs = epochParams.genesisTime * 1000n;

export function makeTicket(overrides: Partial<ViewerTicket> = {}): ViewerTicket {
  return {
    poolId,
    streamId: `0x${"b2".repeat(32)}`,
    viewer: addresses.viewer,
    notBefore: genesisMs,
    notAfter: genesisMs + 7_200_000n,
    maxBytes: 10_000_000n,
    ...overrides,
  };
}

export function makeReceipt(ticket: ViewerTicket, overrides: Partial<ChunkReceipt> = {}): ChunkReceipt {
  return {
    poolId: ticket.poolId,
    ticketHash: hashViewerTicket(ticket),
    relay: addresses.relay,
    segment: 3n,
    chunk: 1,
    chunkHash: `0x${"c3".repeat(32)}`,
    size: 1_000_000,
    deliveredAt: genesisMs + 60_000n,
    ...overrides,
  };
}

export const pool: PoolInfo = { poolId, ticketSigner: addresses.ticketSigner, active: true };

/** A valid signed ticket and receipt pair. */
export function makeSignedPair(
  ticketOverrides: Partial<ViewerTicket> = {},
  receiptOverrides: Partial<ChunkReceipt> = {},
) {
  const ticket = makeTicket(ticketOverrides);
  const signedTicket = signViewerTicket(ticket, domain, keys.ticketSigner);
  const signedReceipt = signChunkReceipt(makeReceipt(ticket, receiptOverrides), domain, keys.viewer);
  return { ticket: signedTicket, receipt: signedReceipt };
}

/** Deterministic pseudo-random bytes (xorshift) for property-style tests. */
export const rng = xorshift;

export const toHexStr = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}`;
export const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(toHexStr(b)));
