import { zeroAddress } from "viem";
import { MAX_PENDING_EPOCHS } from "../../protocol/constants.ts";
import { CliError } from "../errors/CliError.ts";
import { formatDuration } from "../format/formatTime.ts";
import type { DistributorParameters } from "./DistributorParameters.ts";

const UINT40_MAX = (1n << 40n) - 1n;
const UINT128_MAX = (1n << 128n) - 1n;

/**
 * Refuses, before anything is sent, every parameter the RewardDistributor's constructor would revert on
 * (ConfigInvalid, ZeroAddress, SystemRoleConflict), so a deployment never pays for a failed creation. All problems
 * are listed in one USAGE error, each with the option that fixes it.
 */
export function checkDistributorParameters(p: DistributorParameters): void {
  const c = p.config;
  const problems: string[] = [];
  const hints: string[] = [];
  if (c.epochSeconds === 0n) problems.push("The epoch length must be at least one second.");
  if (c.challengeWindow === 0n) problems.push("The challenge window must be at least one second.");
  if (c.arbiterTimeout === 0n) problems.push("The arbiter timeout must be at least one second.");
  // The contract refuses windows that span more epochs than may be pending at once (ConfigInvalid("epochSeconds")).
  if (
    c.epochSeconds > 0n &&
    (c.challengeWindow + c.arbiterTimeout) / c.epochSeconds + 8n > BigInt(MAX_PENDING_EPOCHS)
  ) {
    problems.push(
      `With ${formatDuration(c.epochSeconds)} epochs, the challenge window (${formatDuration(c.challengeWindow)}) plus ` +
        `the arbiter timeout (${formatDuration(c.arbiterTimeout)}) may span at most ${MAX_PENDING_EPOCHS - 8} epochs ` +
        `(${formatDuration(BigInt(MAX_PENDING_EPOCHS - 8) * c.epochSeconds)}): the contract keeps at most ` +
        `${MAX_PENDING_EPOCHS} epochs pending.`,
    );
    hints.push("Shorten them with --challenge-window and --arbiter-timeout, or lengthen --epoch-seconds.");
  }
  if (c.genesisTime > UINT40_MAX) problems.push(`The genesis time ${c.genesisTime} is past the year 36812 (uint40).`);
  if (c.aggregatorBond === 0n) problems.push("The aggregator bond must be more than zero.");
  if (c.challengerBond === 0n || c.challengerBond > UINT128_MAX)
    problems.push("The challenger bond must be more than zero and fit in 128 bits.");
  if (c.challengerShareBps > 10_000n)
    problems.push(`The challenger's share is ${c.challengerShareBps} basis points; at most 10000 (all of the bond).`);
  const zero = (a: string) => a.toLowerCase() === zeroAddress;
  if (zero(p.admin)) problems.push("The admin is the zero address.");
  if (zero(p.treasury)) problems.push("The treasury is the zero address.");
  for (const [role, account] of [
    ["guardian", p.guardian],
    ["arbiter", p.arbiter],
  ] as const)
    if (account.toLowerCase() === p.admin.toLowerCase()) {
      problems.push(
        `The admin ${p.admin} cannot also be the ${role}: the contract keeps the admin apart from every other role.`,
      );
      hints.push(`Give --admin an account of its own (a multisig), or another --${role}.`);
    }
  if (problems.length > 0)
    throw new CliError("USAGE", problems.join(" "), {
      ...(hints.length > 0 ? { hint: [...new Set(hints)].join(" ") } : {}),
      data: { problems },
    });
}
