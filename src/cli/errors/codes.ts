import { type ExitCode, exitCodes } from "./exitCodes.ts";

/** Every CliError code and the exit code it ends the process with. Stable strings (printed with --json). */
export const cliErrorExitCodes = {
  USAGE: exitCodes.usage,
  PRIVATE_KEY_ARGUMENT: exitCodes.usage,
  KEY_MISSING: exitCodes.usage,
  KEY_INVALID: exitCodes.usage,
  DEPLOYMENT_MISSING: exitCodes.usage,
  DEPLOYMENT_INVALID: exitCodes.failure,
  DEPLOYMENT_EXISTS: exitCodes.failure,
  KEYSTORE_INVALID: exitCodes.failure,
  KEYSTORE_PASSWORD_WRONG: exitCodes.failure,
  KEYSTORE_PASSWORD_MISSING: exitCodes.usage,
  KEYSTORE_EXISTS: exitCodes.failure,
  RPC_UNREACHABLE: exitCodes.unreachable,
  RPC_LIMIT_EXCEEDED: exitCodes.failure,
  CHAIN_MISMATCH: exitCodes.failure,
  SERVICE_UNREACHABLE: exitCodes.unreachable,
  SERVICE_ERROR: exitCodes.failure,
  SERVICE_REFUSED: exitCodes.refused,
  CONTRACT_REVERTED: exitCodes.refused,
  TRANSACTION_FAILED: exitCodes.refused,
  INSUFFICIENT_TOKENS: exitCodes.refused,
  INSUFFICIENT_GAS_FUNDS: exitCodes.refused,
  WRONG_KEY: exitCodes.refused,
  NOTHING_TO_DO: exitCodes.nothingToDo,
  NOT_FOUND: exitCodes.failure,
  BUNDLE_UNAVAILABLE: exitCodes.unreachable,
  BUNDLE_MALFORMED: exitCodes.auditMismatch,
  BUNDLE_HASH_MISMATCH: exitCodes.auditMismatch,
  AUDIT_MISMATCH: exitCodes.auditMismatch,
  /** The aggregator served a leaf or proof that does not lead to the epoch's on-chain root: it is not trusted. */
  AGGREGATOR_PROOF_INVALID: exitCodes.auditMismatch,
  STORE_UNAVAILABLE: exitCodes.failure,
  TIMEOUT: exitCodes.failure,
  CHILD_PROCESS_FAILED: exitCodes.failure,
  /** A `dev` command (Hardhat) run from the installed package instead of a source checkout. */
  SOURCE_CHECKOUT_REQUIRED: exitCodes.usage,
  INTERNAL: exitCodes.failure,
} as const satisfies Record<string, ExitCode>;

export type CliErrorCode = keyof typeof cliErrorExitCodes;
