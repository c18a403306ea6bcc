import { getAddress, isAddress, keccak256, stringToHex } from "viem";
import type { Address, Hex } from "../../protocol/types.ts";
import { CliError } from "../errors/CliError.ts";

/** A pool id as typed: 0x followed by 64 hex digits (lowercased). */
export function parsePoolId(text: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text))
    throw new CliError(
      "USAGE",
      `${JSON.stringify(text)} is not a pool id (0x followed by 64 hex digits, as \`meshpay pool create\` prints).`,
    );
  return text.toLowerCase() as Hex;
}

/** An address as typed (checksummed on the way out). */
export function parseAddress(text: string, what = "address"): Address {
  if (!isAddress(text, { strict: false }))
    throw new CliError(
      "USAGE",
      `The ${what} ${JSON.stringify(text)} is not an address (0x followed by 40 hex digits).`,
    );
  return getAddress(text);
}

/** A non-negative integer as typed ("12"). */
export function parseInteger(text: string, what: string): bigint {
  if (!/^\d+$/.test(text.trim()))
    throw new CliError("USAGE", `The ${what} ${JSON.stringify(text)} is not a whole number.`);
  return BigInt(text.trim());
}

/** A bytes32 given as 0x-hex, or any other text hashed with keccak256 (so streams can be named "launch-party"). */
export function parseBytes32OrName(text: string): { value: Hex; fromName: boolean } {
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return { value: text.toLowerCase() as Hex, fromName: false };
  if (text.length === 0) throw new CliError("USAGE", "The stream id is empty.");
  return { value: keccak256(stringToHex(text)), fromName: true };
}

/** The token address embedded in a pool id (its high 160 bits). */
export function tokenOfPool(poolId: Hex): Address {
  return getAddress(`0x${poolId.slice(2, 42)}`);
}

/** A challenge id as typed: a whole number from 1 (ids start at 1). */
export function parseChallengeId(text: string): bigint {
  const id = parseInteger(text.replace(/^#/, ""), "challenge id");
  if (id === 0n) throw new CliError("USAGE", "Challenge ids start at 1 (meshpay arbiter list shows them).");
  return id;
}
