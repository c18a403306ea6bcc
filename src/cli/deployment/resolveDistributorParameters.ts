import { parseEther } from "viem";
import type { Address } from "../../protocol/types.ts";
import { parseAddress, parseInteger } from "../chain/parseArguments.ts";
import { CliError } from "../errors/CliError.ts";
import { parseDuration } from "../format/parseDuration.ts";
import { checkDistributorParameters } from "./checkDistributorParameters.ts";
import type { DistributorParameterArgs, DistributorParameters } from "./DistributorParameters.ts";

/** Defaults shared by every deployment path: one-minute epochs and a five-minute challenge window (docs/cli.md). */
const DEFAULTS = {
  epochSeconds: 60n,
  graceSeconds: 10n,
  challengeWindow: 300n,
  arbiterTimeout: 600n,
  aggregatorBond: 10n ** 18n,
  challengerBond: 10n ** 17n,
  challengerShareBps: 5_000n,
} as const;

export type ParameterDefaults = {
  /** Role holders when neither an option nor the parameters file names one (the admin has no default on real networks). */
  admin?: Address;
  guardian: Address;
  arbiter: Address;
  treasury: Address;
  /** The chain's latest block time (unix seconds): genesis defaults to it, rounded down to a whole epoch. */
  chainTime: bigint;
};

/**
 * The deployment's constructor arguments from, in order of precedence, the command's options, the `MeshPay` section
 * of an Ignition parameters file (the same file `hardhat ignition deploy --parameters` takes; bigints as numbers,
 * decimal strings or "123n") and the defaults; then checked against the contract's rules (checkDistributorParameters),
 * so both `meshpay deploy` and `meshpay dev deploy` refuse the same things before sending anything.
 */
export function resolveDistributorParameters(
  args: DistributorParameterArgs,
  fromFile: Record<string, unknown>,
  defaults: ParameterDefaults,
): DistributorParameters {
  const fileValue = (key: string): bigint | undefined => {
    const v = fromFile[key];
    if (v === undefined) return undefined;
    if (typeof v === "bigint") return v;
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === "string" && /^\d+n?$/.test(v)) return BigInt(v.replace(/n$/, ""));
    throw new CliError(
      "USAGE",
      `The parameters file's MeshPay.${key} must be a whole number, not ${JSON.stringify(v)}.`,
    );
  };
  const fileAddress = (key: string): Address | undefined => {
    const v = fromFile[key];
    return v === undefined ? undefined : parseAddress(String(v), `MeshPay.${key}`);
  };
  const duration = (text: string | undefined, key: keyof typeof DEFAULTS, what: string) =>
    text !== undefined ? parseDuration(text, what) : (fileValue(key) ?? DEFAULTS[key]);
  const ether = (text: string | undefined, key: keyof typeof DEFAULTS, what: string) => {
    if (text === undefined) return fileValue(key) ?? DEFAULTS[key];
    if (!/^\d+(\.\d{1,18})?$/.test(text.trim()))
      throw new CliError("USAGE", `The ${what} ${JSON.stringify(text)} is not an amount of ETH (like 1 or 0.1).`);
    return parseEther(text.trim());
  };
  const epochSeconds = duration(args.epochSeconds, "epochSeconds", "epoch length");
  const genesisTime =
    args.genesisTime !== undefined
      ? parseInteger(args.genesisTime, "genesis time")
      : (fileValue("genesisTime") ??
        (epochSeconds > 0n ? defaults.chainTime - (defaults.chainTime % epochSeconds) : defaults.chainTime));
  const role = (text: string | undefined, key: "admin" | "guardian" | "arbiter" | "treasury") =>
    text !== undefined ? parseAddress(text, key) : (fileAddress(key) ?? defaults[key]);
  const admin = role(args.admin, "admin");
  if (!admin)
    throw new CliError(
      "USAGE",
      "A deployment needs an admin (--admin): the account that may change roles and parameters.",
      {
        hint:
          "Give it an account of its own, ideally a multisig: the contract refuses an admin that is also the guardian " +
          "or the arbiter (both default to the deployer).",
      },
    );
  const parameters: DistributorParameters = {
    admin,
    guardian: role(args.guardian, "guardian")!,
    arbiter: role(args.arbiter, "arbiter")!,
    treasury: role(args.treasury, "treasury")!,
    config: {
      genesisTime,
      epochSeconds,
      graceSeconds: duration(args.graceSeconds, "graceSeconds", "grace period"),
      challengeWindow: duration(args.challengeWindow, "challengeWindow", "challenge window"),
      arbiterTimeout: duration(args.arbiterTimeout, "arbiterTimeout", "arbiter timeout"),
      aggregatorBond: ether(args.aggregatorBond, "aggregatorBond", "aggregator bond"),
      challengerBond: ether(args.challengerBond, "challengerBond", "challenger bond"),
      challengerShareBps:
        args.challengerShareBps !== undefined
          ? parseInteger(args.challengerShareBps, "challenger share")
          : (fileValue("challengerShareBps") ?? DEFAULTS.challengerShareBps),
    },
  };
  checkDistributorParameters(parameters);
  return parameters;
}
