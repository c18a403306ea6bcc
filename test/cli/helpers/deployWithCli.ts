// Test helper: a fresh chain with meshpay deployed by the CLI itself (`meshpay dev deploy`), in a fresh working
// directory, plus a broadcaster that created and funded pools through the CLI.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { cli, DEV_KEYS } from "./runCli.ts";
import { type HardhatNode, startHardhatNode } from "./startHardhatNode.ts";

export type CliChain = {
  node: HardhatNode;
  dir: string;
  deployment: {
    chainId: number;
    rpcUrl: string;
    distributor: Address;
    token: Address;
    hasher: Address;
    fromBlock: string;
  };
  /** Runs meshpay in `dir`, signing with `key` (MESHPAY_PRIVATE_KEY) when given. */
  run: (
    args: string[],
    opts?: { key?: Hex; env?: Record<string, string | undefined>; stdin?: string },
  ) => ReturnType<ReturnType<typeof cli>>;
  close(): Promise<void>;
};

export async function deployWithCli(
  prefix: string,
  deployArgs: string[] = [],
  startNode: () => Promise<HardhatNode> = startHardhatNode,
): Promise<CliChain> {
  const node = await startNode();
  const dir = mkdtempSync(join(tmpdir(), `meshpay-cli-${prefix}-`));
  const base = cli({ cwd: dir });
  const run: CliChain["run"] = (args, opts = {}) =>
    base(args, {
      env: { ...(opts.key ? { MESHPAY_PRIVATE_KEY: opts.key } : {}), ...opts.env },
      ...(opts.stdin === undefined ? {} : { stdin: opts.stdin }),
    });
  const deployed = await run(["dev", "deploy", "--rpc", node.url, ...deployArgs]);
  if (deployed.code !== 0) {
    // Nothing else owns the node yet: stop it, or it keeps the test process alive.
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(deployed.code, 0, deployed.stderr);
  const deployment = JSON.parse(readFileSync(join(dir, ".meshpay/deployment.json"), "utf8"));
  return {
    node,
    dir,
    deployment,
    run,
    async close() {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a pool with the CLI as `key`, returning its id. */
export async function createPoolWithCli(chain: CliChain, key: Hex, price: string): Promise<Hex> {
  const r = await chain.run(["--json", "pool", "create", "--price", price], { key });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.json().poolId;
}

export { DEV_KEYS };
