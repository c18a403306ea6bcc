import type { Address, Hex, RewardLeaf } from "../../protocol/types.ts";
import type { TokenInfo } from "../chain/ExplorerChain.ts";
import type { ProofCheck } from "../proof/ProofCheck.ts";

/** What one account has in one pool (base units of the pool's token), as `meshpay rewards` computes it. */
export type RelayPoolPosition = {
  poolId: Hex;
  token: TokenInfo;
  /** cumulativeAmount in the latest posted epoch. */
  earned: bigint;
  /** The latest claimable epoch's cumulativeAmount minus what was claimed. */
  claimable: bigint;
  /** Earned in epochs still in their challenge window (or blocked by a challenge). */
  pending: bigint;
  claimed: bigint;
  /** When the pending part becomes claimable (the latest posted epoch's claimableAt), unless challenged. */
  pendingUntil: bigint | null;
  pendingBlockedBy: bigint | null;
  /** epochBytes and epochAmount of the account's leaf in each of the latest posted epochs, oldest first. */
  perEpoch: { epoch: bigint; bytes: bigint; amount: bigint }[];
  /** The payout proof of the epoch a claim uses now (latest claimable, else latest posted), checked here. */
  proof: ProofCheck | null;
  leaf: RewardLeaf | null;
};

export type RelayPosition = {
  account: Address;
  latestPostedEpoch: bigint | null;
  latestClaimableEpoch: bigint | null;
  pools: RelayPoolPosition[];
  /** How many of the latest posted epochs were looked at for the chart. */
  epochsRead: number;
};
