import type { ChildProcess, SpawnOptions } from "node:child_process";
import type { LocalAccount, PublicClient, WalletClient } from "viem";

/** Where the command writes: text or JSON on stdout, messages and progress bars on stderr. */
export type OutputStream = { write(chunk: string): unknown; isTTY?: boolean; columns?: number };

/**
 * Everything a command touches outside its arguments. main.ts passes the real ones (createDefaultDeps); tests call
 * the command functions with their own (another cwd and env, a fixed clock, a fetch that records).
 */
export type CliDeps = {
  env: Record<string, string | undefined>;
  /** Directory relative paths are resolved against. */
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Reads all of stdin (for `key import` from a pipe); undefined when stdin is a terminal. */
  readStdin: () => Promise<string | undefined>;
  /** Asks a person on the terminal; `hidden` does not echo. Throws when there is no terminal. */
  prompt: (question: string, options: { hidden: boolean }) => Promise<string>;
  /** Wall-clock unix ms (chain time comes from blocks). */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  fetch: typeof globalThis.fetch;
  /** A viem public client for an RPC URL. */
  createPublicClient: (rpcUrl: string) => PublicClient;
  /** A viem wallet client for an RPC URL, signing locally with `account`. */
  createWalletClient: (rpcUrl: string, account: LocalAccount, chainId: number) => WalletClient;
  spawn: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
  /** Registers a handler for SIGINT/SIGTERM (dev node); returns a function that removes it. */
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
};

/** Options every command accepts (see createProgram). */
export type GlobalOptions = {
  json: boolean;
  /** Deployment file (default .meshpay/deployment.json, or MESHPAY_DEPLOYMENT). */
  deployment?: string;
  /** JSON-RPC URL overriding the deployment's (or MESHPAY_RPC_URL). */
  rpc?: string;
  /** Encrypted keystore file (default .meshpay/keystore.json, or MESHPAY_KEYSTORE). */
  keystore?: string;
};

/** What a command function receives besides its own arguments. */
export type CommandContext = {
  deps: CliDeps;
  globals: GlobalOptions;
  output: import("../output/createOutput.ts").Output;
};
