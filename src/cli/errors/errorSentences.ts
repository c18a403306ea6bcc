import { keccak256, stringToHex } from "viem";

/** How a sentence shows the values in a revert's arguments. */
export type SentenceFormat = {
  /** A token amount of the pool involved (base units in, "12.5 TUSD" out when the token is known). */
  amount(units: bigint): string;
  /** Native currency in wei ("0.1 ETH"). */
  wei(units: bigint): string;
  /** A unix time in seconds, as a date a person reads. */
  time(seconds: bigint): string;
};

type Sentence = (args: readonly unknown[], f: SentenceFormat) => string;

/** The distributor's AccessControl roles by their bytes32 id, so a sentence names the role instead of a hash. */
const ROLE_NAMES: Record<string, string> = Object.fromEntries([
  [`0x${"00".repeat(32)}`, "DEFAULT_ADMIN_ROLE"],
  ...["ARBITER_ROLE", "GUARDIAN_ROLE"].map((name) => [keccak256(stringToHex(name)), name]),
]);
const role = (v: unknown) => ROLE_NAMES[String(v).toLowerCase()] ?? `role ${String(v)}`;

const s = (v: unknown) => String(v);
const n = (v: unknown) => v as bigint;

/**
 * One plain sentence per custom error the RewardDistributor (core, extension, OpenZeppelin bases) and the ERC-20
 * token can revert with, keyed by error name. test/cli/errorSentences.test.ts checks every error of the ABI has one.
 */
export const errorSentences: Record<string, Sentence> = {
  // system
  ConfigInvalid: ([p]) =>
    s(p) === "epochSeconds"
      ? "The deployment configuration's epochs are too short for its windows: the contract needs epochSeconds of at " +
        "least 1 and (challengeWindow + arbiterTimeout) / epochSeconds + 8 of at most 64 (its maxPending()); lengthen " +
        "the epochs or shorten the challenge window and arbiter timeout."
      : `The deployment configuration value ${s(p)} is out of range.`,
  SystemPaused: () => "The contract is paused by its guardian: posting, claims and withdrawals are stopped for now.",
  SystemNotPaused: () => "The contract is not paused.",
  ZeroAddress: () => "An address given is the zero address.",
  ZeroAmount: () => "The amount is zero.",
  SystemPauseCooldown: ([availableAt], f) =>
    `The contract was paused recently: pauses are a challenge window apart, so the next may start at ` +
    `${f.time(n(availableAt))}.`,
  SystemPauseNotOver: ([endsAt], f) =>
    `Only the guardian may unpause before ${f.time(n(endsAt))}; after that anyone may.`,
  SystemRoleConflict: ([r, account]) =>
    `${s(account)} cannot hold ${role(r)}: the admin may hold no other role, and no holder of another role may ` +
    `become admin.`,
  // pools
  PoolPriceTooHigh: ([price]) => `The price ${s(price)} base units per GB is too high (it must fit in 224 bits).`,
  PoolNotFound: ([poolId]) => `There is no pool ${s(poolId)} on this contract.`,
  PoolUnauthorized: ([poolId, caller]) =>
    `Only the owner of pool ${s(poolId)} may do this, and ${s(caller)} is not its owner.`,
  PoolBalanceOverflow: ([poolId, amount], f) =>
    `Adding ${f.amount(n(amount))} would take pool ${s(poolId)} over the largest balance it can hold.`,
  PoolAllocationExceeded: ([poolId, requested, owed], f) =>
    `The claim asks for ${f.amount(n(requested))} but pool ${s(poolId)} owes only ${f.amount(n(owed))} to posted ` +
    `epochs; the contract never pays more than a pool allocated.`,
  PoolNoWithdrawalRequested: ([poolId]) =>
    `No withdrawal was requested for pool ${s(poolId)}: request one first (meshpay pool withdraw request).`,
  PoolWithdrawalNotReady: ([poolId, availableAt], f) =>
    `The withdrawal notice of pool ${s(poolId)} runs until ${f.time(n(availableAt))} (contract clock); execute it ` +
    `after that.`,
  PoolWithdrawalExpired: ([poolId, expiredAt], f) =>
    `The withdrawal request of pool ${s(poolId)} expired at ${f.time(n(expiredAt))} (contract clock): a request ` +
    `stays executable only as long as its notice. Request again (meshpay pool withdraw request).`,
  PoolWithdrawalEpochsInFlight: ([poolId, epoch, waitUntil], f) =>
    `Epoch ${s(epoch)} has closed but is not posted yet, and what relays earned in it may need pool ${s(poolId)}'s ` +
    `funds: the withdrawal waits for that post, or until ${f.time(n(waitUntil))} if the aggregators stay late. Try ` +
    `again then.`,
  PoolNotPendingOwner: ([poolId, caller]) =>
    `${s(caller)} is not the pending owner of pool ${s(poolId)}: only the account the owner offered it to ` +
    `(meshpay pool transfer-ownership) may accept it.`,
  // aggregators
  AggregatorNotActive: ([account]) => `${s(account)} is not a registered aggregator that may post.`,
  AggregatorBondTooLow: ([bond, minimum], f) =>
    `The bond ${f.wei(n(bond))} is below the required ${f.wei(n(minimum))}.`,
  AggregatorExiting: ([aggregator]) => `Aggregator ${s(aggregator)} has already given notice of exit.`,
  AggregatorNotExiting: ([aggregator]) => `Aggregator ${s(aggregator)} has not given notice of exit.`,
  AggregatorExitNotReady: ([aggregator, availableAt, untilEpoch], f) =>
    `Aggregator ${s(aggregator)} can leave from ${f.time(n(availableAt))}, once every epoch below ${s(untilEpoch)} ` +
    `is settled.`,
  // epochs
  EpochOutOfOrder: ([epoch, expected]) =>
    `Epoch ${s(epoch)} cannot be posted: epochs are posted in order and ${s(expected)} is next.`,
  EpochNotClosed: ([epoch, closesAt], f) =>
    `Epoch ${s(epoch)} is still open; it can be posted from ${f.time(n(closesAt))}.`,
  EpochRootZero: ([epoch]) => `The root posted for epoch ${s(epoch)} is zero.`,
  EpochPoolTotalsNotSorted: ([index]) => `Pool totals must be strictly ascending by pool id; entry ${s(index)} is not.`,
  EpochNotPending: ([epoch]) => `Epoch ${s(epoch)} is not pending (not posted yet, already claimable, or rejected).`,
  EpochDataMismatch: ([epoch]) => `The epoch data given does not match what was posted for epoch ${s(epoch)}.`,
  EpochTooManyPending: ([pending, max]) =>
    `${s(pending)} epochs already await their challenge window (at most ${s(max)}); wait for some to become claimable.`,
  EpochTooManyPoolTotals: ([count, max]) =>
    `The post lists ${s(count)} pool totals; one post may list at most ${s(max)}.`,
  EpochRepostRequired: ([epoch]) =>
    `Epoch ${s(epoch)} was rejected: post it again with repostEpoch, giving the rejected post's epoch data.`,
  EpochNotRejected: ([epoch]) => `Epoch ${s(epoch)} is not awaiting a re-post; post it with postEpoch.`,
  EpochNotPoster: ([epoch, incumbent, takeoverAt], f) =>
    `Aggregator ${s(incumbent)} posts epoch ${s(epoch)} (it posted the previous one); another aggregator may take ` +
    `over from ${f.time(n(takeoverAt))} if it has not posted by then.`,
  EpochNotFinal: ([epoch]) =>
    `Epoch ${s(epoch)} is not claimable, so it cannot be revoked: while it is pending, challenge it instead.`,
  EpochRecoveryClosed: ([epoch, endedAt], f) =>
    `The recovery period of epoch ${s(epoch)} ended at ${f.time(n(endedAt))} (contract clock): it can no longer be ` +
    `revoked.`,
  // challenges
  ChallengeBondInvalid: ([bond, required], f) =>
    `A challenge must bond exactly ${f.wei(n(required))}, not ${f.wei(n(bond))}.`,
  ChallengeNotOpen: ([id]) => `Challenge #${s(id)} is not open.`,
  ChallengeNotExpired: ([id, deadline], f) =>
    `The arbiter has until ${f.time(n(deadline))} (contract clock) to resolve challenge #${s(id)}.`,
  ChallengeVoid: ([id]) =>
    `The post challenge #${s(id)} disputes was rejected by another decision: the challenge is void. Close it, and ` +
    `refund its bond, with meshpay arbiter resolve-expired ${s(id)}.`,
  // claims
  ClaimInvalidProof: ([poolId, account]) =>
    `The proof for ${s(account)} in pool ${s(poolId)} leads neither to the latest claimable root nor to the one it ` +
    `just replaced; fetch a fresh proof.`,
  ClaimNothingDue: ([poolId, account, cumulative, claimed], f) =>
    `Nothing is due to ${s(account)} from pool ${s(poolId)}: it earned ${f.amount(n(cumulative))} in total and has ` +
    `already claimed ${f.amount(n(claimed))}.`,
  ClaimAuthorizationExpired: ([deadline], f) =>
    `The claim authorization expired at ${f.time(n(deadline))}; sign a new one.`,
  ClaimAuthorizationNonce: ([nonce, expected]) =>
    `The claim authorization's nonce ${s(nonce)} is below the account's next nonce ${s(expected)}: it was used, or ` +
    `retired by a direct claim, a newer authorization or a revocation. Sign a new one.`,
  ClaimRelayerNotAllowed: ([caller, relayer]) =>
    `The account binds its claim authorizations to relayer ${s(relayer)}; ${s(caller)} may not submit them.`,
  ClaimAuthorizationSigner: ([signer, account]) =>
    `The claim authorization was signed by ${s(signer)}, not by the account ${s(account)}.`,
  ClaimFeeTooHigh: ([fee, maxFee, amount], f) =>
    `The relayer's fee ${f.amount(n(fee))} exceeds the signed maximum ${f.amount(n(maxFee))} or the ` +
    `${f.amount(n(amount))} being claimed.`,
  // OpenZeppelin bases of the contract
  AccessControlUnauthorizedAccount: ([account, r]) => `${s(account)} does not hold ${role(r)}, which this needs.`,
  AccessControlBadConfirmation: () => "An account can only renounce its own roles.",
  AccessControlEnforcedDefaultAdminDelay: ([schedule], f) =>
    `The admin transfer can be accepted only from ${f.time(n(schedule))}.`,
  AccessControlEnforcedDefaultAdminRules: () =>
    "The admin role changes hands only by the two-step transfer (beginDefaultAdminTransfer, then accept).",
  AccessControlInvalidDefaultAdmin: ([account]) => `${s(account)} cannot become the admin.`,
  CheckpointUnorderedInsertion: () => "A history entry would be recorded out of order.",
  SafeCastOverflowedUintDowncast: ([bits, value]) => `The value ${s(value)} does not fit in ${s(bits)} bits.`,
  ExtensionDirectCall: () => "The extension contract cannot be called directly; call the RewardDistributor's address.",
  InvalidShortString: () => "A short string is invalid.",
  StringTooLong: ([str]) => `The string ${JSON.stringify(s(str))} is too long.`,
  ReentrancyGuardReentrantCall: () => "The call re-entered the contract, which is not allowed.",
  SafeERC20FailedOperation: ([token]) => `The token ${s(token)} refused the transfer.`,
  // ERC-20 (OpenZeppelin)
  ERC20InsufficientBalance: ([sender, balance, needed], f) =>
    `${s(sender)} holds ${f.amount(n(balance))} of the token but ${f.amount(n(needed))} is needed.`,
  ERC20InsufficientAllowance: ([spender, allowance, needed], f) =>
    `${s(spender)} may spend only ${f.amount(n(allowance))} of the token but ${f.amount(n(needed))} is needed; ` +
    `approve more first.`,
  ERC20InvalidApprover: ([approver]) => `${s(approver)} cannot approve token spending.`,
  ERC20InvalidReceiver: ([receiver]) => `${s(receiver)} cannot receive the token.`,
  ERC20InvalidSender: ([sender]) => `${s(sender)} cannot send the token.`,
  ERC20InvalidSpender: ([spender]) => `${s(spender)} cannot be approved to spend the token.`,
};
