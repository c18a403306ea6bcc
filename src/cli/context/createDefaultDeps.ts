import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createPublicClient, createWalletClient, defineChain, http, type LocalAccount, type PublicClient } from "viem";
import { CliError } from "../errors/CliError.ts";
import type { CliDeps } from "./CliDeps.ts";

/** The real dependencies: process streams, global fetch, Date.now, viem HTTP clients. */
export function createDefaultDeps(): CliDeps {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      if (process.stdin.isTTY) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    prompt: (question, options) => promptTerminal(question, options.hidden),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    fetch: globalThis.fetch,
    createPublicClient: (rpcUrl) =>
      createPublicClient({
        transport: http(rpcUrl, { retryCount: 1, timeout: 20_000 }),
        pollingInterval: 250,
      }) as PublicClient,
    createWalletClient: (rpcUrl, account: LocalAccount, chainId) =>
      createWalletClient({
        account,
        chain: defineChain({
          id: chainId,
          name: `chain ${chainId}`,
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [rpcUrl] } },
        }),
        transport: http(rpcUrl, { retryCount: 1, timeout: 20_000 }),
      }),
    spawn: (command, args, options) => spawn(command, args, options),
    onSignal: (handler) => {
      process.on("SIGINT", handler);
      process.on("SIGTERM", handler);
      return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      };
    },
  };
}

function promptTerminal(question: string, hidden: boolean): Promise<string> {
  if (!process.stdin.isTTY || !process.stderr.isTTY)
    return Promise.reject(
      new CliError("KEYSTORE_PASSWORD_MISSING", "No terminal to ask on.", { hint: "Set MESHPAY_KEYSTORE_PASSWORD." }),
    );
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      // Echo nothing while the answer is typed.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(question)) process.stderr.write(question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write("\n");
      resolve(answer);
    });
  });
}
