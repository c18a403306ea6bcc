import type { Account, Chain, PublicClient, Transport, WalletClient } from "viem";

// The chain facts an audit reads and the posts it audits are protocol types (src/protocol/audit/types.ts); they are
// re-exported here for the verifier's modules that name them beside its viem client types.
export type {
  ChainFacts,
  DistributorConfig,
  PostedEpoch,
  PostedPoolTotal,
} from "../../protocol/audit/types.ts";

export type VerifierPublicClient = PublicClient<Transport, Chain | undefined>;
export type VerifierWalletClient = WalletClient<Transport, Chain | undefined, Account>;
