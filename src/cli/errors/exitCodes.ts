/**
 * meshpay's exit codes (docs/cli.md). Stable: scripts depend on them.
 * - 0 ok: the command did what was asked.
 * - 1 failure: anything else that went wrong (a bad file, a wrong password, an unexpected answer, a bug).
 * - 2 usage: the command line or configuration is wrong (unknown option, bad amount, missing key or deployment,
 *   a private key given as an argument).
 * - 3 unreachable: the chain's RPC endpoint (or a service: aggregator, verifier, bundle host) did not answer.
 * - 4 refused: the chain reverted or would revert (decoded custom error), a transaction failed, the account lacks
 *   tokens or gas, the key is not the one the contract expects, or a service refused the request.
 * - 5 nothing to do: e.g. a claim with nothing due, a withdrawal with nothing requested.
 * - 6 audit mismatch: an audit found that public data does not match (wrong root, bad proof, tampered bundle).
 */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
  refused: 4,
  nothingToDo: 5,
  auditMismatch: 6,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
