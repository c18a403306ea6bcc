import { ProtocolError } from "../errors/ProtocolError.ts";
import { getAccountAbsence } from "./getAccountAbsence.ts";
import { getClaimMembership } from "./getClaimMembership.ts";
import { getPoolLeaf } from "./getPoolLeaf.ts";
import { getSumPath } from "./getSumPath.ts";
import type { CumulativeProof, FraudEpoch } from "./types.ts";

/** Which cumulative fault to prove (IFraudProver CumulativeProof modes). */
export type CumulativeFault =
  /** prevCumulative of `claim` ≠ the cumulativeAmount of `previousClaim` (same account and pool) in e − 1. */
  | { readonly mode: 0; readonly claim: number; readonly previous: FraudEpoch; readonly previousClaim: number }
  /** cumulativeAmount ≠ prevCumulative + epochAmount + bonusAmount. */
  | { readonly mode: 1; readonly claim: number }
  /** `previousClaim` of e − 1 has no leaf in e's accounting trees (the account dropped out). */
  | { readonly mode: 2; readonly previous: FraudEpoch; readonly previousClaim: number }
  /** `claim` has prevCumulative ≠ 0 and no leaf in e − 1's accounting trees. */
  | { readonly mode: 3; readonly claim: number; readonly previous: FraudEpoch }
  /** `claim` is not in its pool's leavesRoot as it is in the claim tree: absent (the proof's mode 4), or other values
   * at its key (the contract's mode 5). */
  | { readonly mode: 4; readonly claim: number };

/**
 * cumulative (kind 5): the memberships, data and absence proofs of the chosen mode. Throws INVALID_ARGUMENT when
 * the absence the mode needs does not hold (the account has a leaf there).
 */
export function buildCumulativeProof(epoch: FraudEpoch, fault: CumulativeFault): CumulativeProof {
  switch (fault.mode) {
    case 0:
      return {
        mode: 0,
        current: getClaimMembership(epoch, fault.claim),
        previous: getClaimMembership(fault.previous, fault.previousClaim),
        previousData: fault.previous.data,
      };
    case 1:
      return { mode: 1, current: getClaimMembership(epoch, fault.claim) };
    case 2: {
      const { leaf } = fault.previous.claims[fault.previousClaim]!;
      return {
        mode: 2,
        previous: getClaimMembership(fault.previous, fault.previousClaim),
        previousData: fault.previous.data,
        data: epoch.data,
        absence: absent(getAccountAbsence(epoch, leaf.poolId, leaf.account)),
      };
    }
    case 3: {
      const { leaf } = epoch.claims[fault.claim]!;
      return {
        mode: 3,
        current: getClaimMembership(epoch, fault.claim),
        previousData: fault.previous.data,
        absence: absent(getAccountAbsence(fault.previous, leaf.poolId, leaf.account)),
      };
    }
    case 4: {
      const { leaf } = epoch.claims[fault.claim]!;
      const current = getClaimMembership(epoch, fault.claim);
      const absence = getAccountAbsence(epoch, leaf.poolId, leaf.account);
      if (absence) return { mode: 4, current, data: epoch.data, absence };
      const p = epoch.pools.findIndex((x) => x.poolId.toLowerCase() === leaf.poolId.toLowerCase());
      const a = epoch.pools[p]!.accounts.findIndex((x) => x.account.toLowerCase() === leaf.account.toLowerCase());
      const { value: _, ...poolAccount } = epoch.pools[p]!.accounts[a]!;
      return {
        mode: 5,
        current,
        data: epoch.data,
        pool: getPoolLeaf(epoch, p),
        poolPath: getSumPath(epoch.poolsTree, p),
        poolAccount,
        poolAccountPath: getSumPath(epoch.accountsTrees[p]!, a),
      };
    }
  }
}

function absent<T>(absence: T | undefined): T {
  if (absence === undefined)
    throw new ProtocolError("INVALID_ARGUMENT", "The account has a leaf in that epoch: its absence cannot be shown.", {
      field: "fault",
    });
  return absence;
}
