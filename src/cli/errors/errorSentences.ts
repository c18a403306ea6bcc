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
  ConfigInvalid: ([p]) => `The deployment configuration value ${s(p)} is out of range.`,
  SystemPaused: () => "The contract is paused by its guardian: posting, claims and withdrawals are stopped for now.",
  SystemNotPaused: () => "The contract is not paused.",
  ZeroAddress: () => "An address given is the zero address.",
  ZeroAmount: () => "The amount is zero.",
  // pools
  PoolPriceTooHigh: ([price]) => `The price ${s(price)} base units per GB is too high (it must fit in 224 bits).`,
  PoolNotFound: ([poolId]) => `There is no pool ${s(poolId)} on this contract.`,
  PoolUnauthorized: ([poolId, caller]) =>
    `Only the owner of pool ${s(poolId)} may do this, and ${s(caller)} is not its owner.`,
  PoolBalanceOverflow: ([poolId, amount], f) =>
    `Adding ${f.amount(n(amount))} would take pool ${s(poolId)} over the largest balance it can hold.`,
  PoolOverdrawn: ([poolId, requested, available], f) =>
    `The post allocates ${f.amount(n(requested))} from pool ${s(poolId)}, which has only ${f.amount(n(available))} ` +
    `unallocated.`,
  PoolAllocationExceeded: ([poolId, requested, owed], f) =>
    `The claim asks for ${f.amount(n(requested))} but pool ${s(poolId)} owes only ${f.amount(n(owed))} to posted ` +
    `epochs; the contract never pays more than a pool allocated.`,
  PoolNoWithdrawalRequested: ([poolId]) =>
    `No withdrawal was requested for pool ${s(poolId)}: request one first (meshpay pool withdraw request).`,
  PoolWithdrawalNotReady: ([poolId, availableAt], f) =>
    `The withdrawal notice of pool ${s(poolId)} runs until ${f.time(n(availableAt))}; execute it after that.`,
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
  EpochDataCount: ([count, expected]) =>
    `${s(count)} epoch data entries were given where ${s(expected)} epochs are being rejected.`,
  // challenges
  ChallengeBondInvalid: ([bond, required], f) =>
    `A challenge must bond exactly ${f.wei(n(required))}, not ${f.wei(n(bond))}.`,
  ChallengeAlreadyOpen: ([epoch, id]) => `Epoch ${s(epoch)} already has an open challenge (#${s(id)}).`,
  ChallengeNotOpen: ([id]) => `Challenge #${s(id)} is not open.`,
  ChallengeNotExpired: ([id, deadline], f) =>
    `The arbiter has until ${f.time(n(deadline))} to resolve challenge #${s(id)}.`,
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
    `The claim authorization uses nonce ${s(nonce)} but the account's next nonce is ${s(expected)}.`,
  ClaimAuthorizationSigner: ([signer, account]) =>
    `The claim authorization was signed by ${s(signer)}, not by the account ${s(account)}.`,
  ClaimFeeTooHigh: ([fee, maxFee, amount], f) =>
    `The relayer's fee ${f.amount(n(fee))} exceeds the signed maximum ${f.amount(n(maxFee))} or the ` +
    `${f.amount(n(amount))} being claimed.`,
  // OpenZeppelin bases of the contract
  AccessControlUnauthorizedAccount: ([account, r]) => `${s(account)} does not hold ${role(r)}, which this needs.`,
  AccessControlBadConfirmation: () => "An account can only renounce its own roles.",
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
