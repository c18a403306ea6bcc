// Shared fixtures for the simulator tests (no tests here): chain domain, pool, ticket signer, a temp dir.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address, EpochParams, Hex, MeshpayDomain, PoolInfo } from "../../src/protocol/types.ts";

/** Hardhat development account #0 is the pool's ticket signer. */
export const ticketSignerKey: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const ticketSignerAddress: Address = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
export const domain: MeshpayDomain = {
  chainId: 31337,
  verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
};
export const poolId: Hex = `0x${"a1".repeat(32)}`;
export const pool: PoolInfo = { poolId, ticketSigner: ticketSignerAddress, active: true };

/** Short epochs for virtual-time runs: 6 s epochs, 2 s grace, genesis 2026-01-01T00:00:00Z. */
export const fastEpochParams: EpochParams = { genesisTime: 1_767_225_600n, epochSeconds: 6n, graceSeconds: 2n };
export const fastGenesisMs = Number(fastEpochParams.genesisTime) * 1000;

/** A fresh directory; remove() deletes it. */
export function tempDir(prefix = "meshpay-sim-test-"): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
