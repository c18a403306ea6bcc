// Two-step pool ownership through the real `meshpay` process against a real `hardhat node` deployed by `meshpay dev
// deploy`: the owner offers the pool (`pool transfer-ownership`), only the offered account can take it (`pool
// accept-ownership`, which also cancels the previous owner's withdrawal notice), the previous owner loses every
// owner right, and an offer can be withdrawn (`--cancel`); refusals come as sentences with their exit codes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, http, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";

const OWNER = DEV_KEYS[1];
const owner = privateKeyToAccount(OWNER).address;
const NEW_OWNER = DEV_KEYS[3];
const newOwner = privateKeyToAccount(NEW_OWNER).address;
const OUTSIDER = DEV_KEYS[4];
const outsider = privateKeyToAccount(OUTSIDER).address;

type PoolInfo = { owner: string; pendingOwner: string; withdrawalAmount: bigint; withdrawalAvailableAt: bigint };

describe("meshpay pool transfer-ownership / accept-ownership", () => {
  let chain: CliChain;
  let pool: Hex;
  let client: ReturnType<typeof createPublicClient>;
  const poolInfo = () =>
    client.readContract({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      functionName: "poolInfo",
      args: [pool],
    }) as Promise<PoolInfo>;

  before(async () => {
    chain = await deployWithCli("ownership");
    client = createPublicClient({ transport: http(chain.node.url) });
    pool = await createPoolWithCli(chain, OWNER, "1000");
    for (const args of [
      ["dev", "mint", "100"],
      ["pool", "fund", pool, "100"],
    ]) {
      const r = await chain.run(args, { key: OWNER });
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    await chain?.close();
  });

  it("refuses malformed requests as usage errors (exit 2) and an offer by someone other than the owner (exit 4)", async () => {
    const none = await chain.run(["pool", "transfer-ownership", pool], { key: OWNER });
    assert.equal(none.code, 2, none.stdout + none.stderr);
    assert.match(none.stderr, /Give the new owner's address, or --cancel to withdraw a pending offer\./);
    const both = await chain.run(["pool", "transfer-ownership", pool, newOwner, "--cancel"], { key: OWNER });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /Give either a new owner or --cancel, not both\./);
    const badAddress = await chain.run(["pool", "transfer-ownership", pool, "0x1234"], { key: OWNER });
    assert.equal(badAddress.code, 2, badAddress.stderr);

    const stranger = await chain.run(["pool", "transfer-ownership", pool, outsider], { key: OUTSIDER });
    assert.equal(stranger.code, 4, stranger.stdout + stranger.stderr);
    assert.match(
      stranger.stderr,
      new RegExp(`PoolUnauthorized: Only the owner of pool ${pool} may do this, and ${outsider} is not its owner\\.`),
    );
    const json = await chain.run(["--json", "pool", "transfer-ownership", pool, outsider], { key: OUTSIDER });
    assert.equal(json.code, 4);
    assert.equal(json.json().error.code, "CONTRACT_REVERTED");
    assert.equal(json.json().error.data.error, "PoolUnauthorized");
    assert.equal((await poolInfo()).pendingOwner, zeroAddress);
  });

  it("offers the pool: the owner keeps it until the offer is accepted, and the same offer again has nothing to do (exit 5)", async () => {
    const r = await chain.run(["pool", "transfer-ownership", pool, newOwner], { key: OWNER });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^Pool ${pool} offered to ${newOwner}; ${owner} stays its owner until the offer is accepted\\.\\n`,
        "i",
      ),
    );
    assert.match(r.stdout, /transaction: 0x[0-9a-f]{64}\n/);
    assert.match(r.stdout, new RegExp(`Then, signed by ${newOwner}: meshpay pool accept-ownership ${pool}`, "i"));
    const info = await poolInfo();
    assert.deepEqual([info.owner, info.pendingOwner], [owner, newOwner]);

    const again = await chain.run(["--json", "pool", "transfer-ownership", pool, newOwner.toLowerCase()], {
      key: OWNER,
    });
    assert.equal(again.code, 5, again.stdout + again.stderr);
    assert.equal(again.json().error.code, "NOTHING_TO_DO");
    assert.match(again.json().error.message, /is already the pending owner of pool .*meshpay pool accept-ownership/);
  });

  it("refuses acceptance by anyone but the offered account (exit 4)", async () => {
    const r = await chain.run(["pool", "accept-ownership", pool], { key: OUTSIDER });
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `PoolNotPendingOwner: ${outsider} is not the pending owner of pool ${pool}: only the account the owner offered it to`,
      ),
    );
    assert.equal((await poolInfo()).owner, owner);
  });

  it("hands the pool over on acceptance, cancelling the previous owner's withdrawal notice; the previous owner has no rights left", async () => {
    const requested = await chain.run(["--json", "pool", "withdraw", "request", pool, "40"], { key: OWNER });
    assert.equal(requested.code, 0, requested.stdout + requested.stderr);
    assert.notEqual((await poolInfo()).withdrawalAvailableAt, 0n);

    const r = await chain.run(["--json", "pool", "accept-ownership", pool], { key: NEW_OWNER });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.poolId, pool);
    assert.equal(out.previousOwner, owner);
    assert.equal(out.owner, newOwner);
    assert.equal(out.cancelledWithdrawal, true);
    assert.match(out.transaction, /^0x[0-9a-f]{64}$/);
    const info = await poolInfo();
    assert.deepEqual(
      [info.owner, info.pendingOwner, info.withdrawalAmount, info.withdrawalAvailableAt],
      [newOwner, zeroAddress, 0n, 0n],
    );

    // The previous owner can neither withdraw nor re-price any more; the new owner can.
    const withdraw = await chain.run(["pool", "withdraw", "request", pool, "40"], { key: OWNER });
    assert.equal(withdraw.code, 4, withdraw.stdout + withdraw.stderr);
    assert.match(withdraw.stderr, new RegExp(`PoolUnauthorized: .* and ${owner} is not its owner\\.`));
    const price = await chain.run(["pool", "set-price", pool, "2000"], { key: OWNER });
    assert.equal(price.code, 4, price.stdout + price.stderr);
    const byNewOwner = await chain.run(["pool", "set-price", pool, "2000"], { key: NEW_OWNER });
    assert.equal(byNewOwner.code, 0, byNewOwner.stdout + byNewOwner.stderr);

    // Accepting again: nobody is pending any more.
    const twice = await chain.run(["pool", "accept-ownership", pool], { key: NEW_OWNER });
    assert.equal(twice.code, 4);
    assert.match(twice.stderr, /PoolNotPendingOwner/);
  });

  it("withdraws an offer with --cancel, after which the offered account cannot accept; cancelling nothing has nothing to do (exit 5)", async () => {
    const offered = await chain.run(["pool", "transfer-ownership", pool, outsider], { key: NEW_OWNER });
    assert.equal(offered.code, 0, offered.stdout + offered.stderr);
    assert.equal((await poolInfo()).pendingOwner, outsider);
    const cancelled = await chain.run(["pool", "transfer-ownership", pool, "--cancel"], { key: NEW_OWNER });
    assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
    assert.match(
      cancelled.stdout,
      new RegExp(
        `^The ownership offer of pool ${pool} is cancelled; ${newOwner} keeps it\\.\\ntransaction: 0x[0-9a-f]{64}`,
      ),
    );
    assert.equal((await poolInfo()).pendingOwner, zeroAddress);
    const late = await chain.run(["pool", "accept-ownership", pool], { key: OUTSIDER });
    assert.equal(late.code, 4);
    assert.match(late.stderr, /PoolNotPendingOwner/);
    const nothing = await chain.run(["pool", "transfer-ownership", pool, "--cancel"], { key: NEW_OWNER });
    assert.equal(nothing.code, 5, nothing.stdout + nothing.stderr);
    assert.match(nothing.stderr, new RegExp(`Pool ${pool} has no pending ownership offer; nothing to cancel\\.`));
    assert.equal((await poolInfo()).owner, newOwner);
  });
});
