import type { Address } from "../../protocol/types.ts";

/** What `meshpay dev deploy` writes and every other command reads (docs/cli.md, "Deployment file"). */
export type Deployment = {
  format: "meshpay-deployment";
  version: 1;
  chainId: number;
  rpcUrl: string;
  /** The RewardDistributor (core) address: talk to it with IRewardDistributor's ABI. */
  distributor: Address;
  /** The test ERC-20 of a local deployment; pools may use any token. */
  token?: Address;
  /** MeshpayHasher, the contract's own hashing, used by audits to cross-check leaf hashes. */
  hasher?: Address;
  /** First block to read the distributor's events from. */
  fromBlock: string;
  /** Most blocks one eth_getLogs query may span on this RPC (hosted endpoints cap it); default 1,000. */
  logBlockRange?: number;
  /** The aggregator's public API (http or https URL): `rewards` and `claim` read leaves and proofs from it. */
  aggregatorUrl?: string;
  deployer?: Address;
  deployedAt?: string;
};
