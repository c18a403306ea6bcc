import type { Address } from "../../protocol/types.ts";

/** The RewardDistributor's constructor arguments: seconds, wei and basis points as the contract takes them. */
export type DistributorParameters = {
  admin: Address;
  guardian: Address;
  arbiter: Address;
  treasury: Address;
  config: {
    /** Unix seconds: the start of epoch 0. */
    genesisTime: bigint;
    epochSeconds: bigint;
    graceSeconds: bigint;
    challengeWindow: bigint;
    arbiterTimeout: bigint;
    /** Wei an aggregator bonds to post. */
    aggregatorBond: bigint;
    /** Wei a challenger bonds. */
    challengerBond: bigint;
    /** Share of a slashed aggregator bond paid to the challenger, in basis points (10,000 = all). */
    challengerShareBps: bigint;
  };
};

/**
 * The options both `meshpay deploy` and `meshpay dev deploy` take for the deployment's parameters (text as typed:
 * durations like 90s or 15m, bonds in ETH).
 */
export type DistributorParameterArgs = {
  epochSeconds?: string;
  graceSeconds?: string;
  challengeWindow?: string;
  arbiterTimeout?: string;
  /** Unix seconds; default: the chain's current time rounded down to a whole epoch, so epoch 0 is now. */
  genesisTime?: string;
  aggregatorBond?: string;
  challengerBond?: string;
  challengerShareBps?: string;
  admin?: string;
  guardian?: string;
  arbiter?: string;
  treasury?: string;
};
