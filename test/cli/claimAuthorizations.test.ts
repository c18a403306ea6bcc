// A relay operator withdrawing and binding its ClaimAuthorizations through the real `meshpay` process against a real
// `hardhat node` deployed by `meshpay dev deploy`, with a claimable epoch: `claim revoke-authorizations` retires a
// signed authorization so no relayer can use it, `claim set-relayer` lets only one relayer submit them (`--any`
// lifts it); each checked by submitting real authorizations to the contract, and each refusal with its exit code.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, defineChain, http, parseEventLogs, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi, testTokenAbi } from "../../src/contracts/abis.ts";
import { getRevertName } from "../../src/contracts/getRevertName.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import { serializeSignature } from "../../src/protocol/signature/serializeSignature.ts";
import { buildRewardTree } from "../../src/protocol/tree/buildRewardTree.ts";
import type { Address, Hex, RewardLeaf } from "../../src/protocol/types.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";
import { createEpochPoster, type EpochPoster } from "./helpers/epochPoster.ts";

const BROADCASTER = DEV_KEYS[1];
const RELAYER = DEV_KEYS[2]; // the verifier's claims sender the operator trusts
const relayer = privateKeyToAccount(RELAYER).address;
const RELAY = DEV_KEYS[3];
const relay = privateKeyToAccount(RELAY).address;
const OTHER_RELAYER = DEV_KEYS[6];
const otherRelayer = privateKeyToAccount(OTHER_RELAYER).address;
const recipient = privateKeyToAccount(DEV_KEYS[4]).address;
const MB = 1_000_000;

describe("meshpay claim revoke-authorizations / set-relayer", () => {
  let chain: CliChain;
  let poster: EpochPoster;
  let pool: Hex;
  let otherPool: Hex;
  let leaf: RewardLeaf;
  let proof: Hex[];
  let client: ReturnType<typeof createPublicClient>;
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    client.readContract({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const nextNonce = async () => (await read<[bigint, bigint]>("claimed", [pool, relay]))[1];

  /** Submits the relay's authorization with `nonce` from `senderKey`: the receipt, or the revert's error name. */
  const submit = async (senderKey: Hex, nonce: bigint) => {
    const deadline = (await client.getBlock()).timestamp + 3_600n;
    const fee = 1_000_000n;
    const signed = signClaimAuthorization(
      { poolId: pool, account: relay.toLowerCase() as Address, recipient, maxFee: fee, nonce, deadline },
      { chainId: 31337, verifyingContract: chain.deployment.distributor },
      RELAY,
    );
    const sig = serializeSignature(signed.signature, "64");
    const wallet = createWalletClient({
      account: privateKeyToAccount(senderKey),
      chain: defineChain({
        id: 31337,
        name: "hardhat",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [chain.node.url] } },
      }),
      transport: http(chain.node.url),
    });
    try {
      const hash = await wallet.writeContract({
        address: chain.deployment.distributor,
        abi: rewardDistributorAbi,
        functionName: "claimWithAuthorization",
        args: [
          {
            leaf,
            proof,
            recipient,
            maxFee: fee,
            nonce,
            deadline,
            fee,
            r: `0x${sig.slice(2, 66)}`,
            vs: `0x${sig.slice(66, 130)}`,
          },
        ],
      });
      return { receipt: await client.waitForTransactionReceipt({ hash }) };
    } catch (err) {
      return { error: getRevertName(err) ?? (err as Error).message };
    }
  };

  before(async () => {
    chain = await deployWithCli("claim-auth");
    client = createPublicClient({ transport: http(chain.node.url), pollingInterval: 100 });
    pool = await createPoolWithCli(chain, BROADCASTER, "1000");
    otherPool = await createPoolWithCli(chain, BROADCASTER, "500");
    for (const args of [
      ["dev", "mint", "1000"],
      ["pool", "fund", pool, "1000"],
    ]) {
      const r = await chain.run(args, { key: BROADCASTER });
      assert.equal(r.code, 0, r.stderr);
    }
    poster = await createEpochPoster({
      rpcUrl: chain.node.url,
      distributor: chain.deployment.distributor,
      aggregatorKey: DEV_KEYS[5],
    });
    const posted = await poster.post(0n, [
      { relay, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 10, chunkSize: MB },
    ]);
    await poster.finalize();
    const index = posted.leaves.findIndex((l) => l.account === relay.toLowerCase() && l.poolId === pool);
    leaf = posted.leaves[index]!;
    proof = buildRewardTree(posted.leaves).getProof(index);
    assert.equal(await read<boolean>("isClaimable", [0n]), true);
  });
  after(async () => {
    await poster?.close();
    await chain?.close();
  });

  it("revoke-authorizations retires every authorization signed so far: a relayer's submission of one then reverts", async () => {
    assert.equal(await nextNonce(), 0n);
    const r = await chain.run(["claim", "revoke-authorizations", pool], { key: RELAY });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^Claim authorizations of ${relay} retired:\\n`));
    assert.match(r.stdout, new RegExp(`${pool}\\s+1\\s+0\\s+0x[0-9a-f]{64}`));
    assert.match(r.stdout, /Authorizations signed from now on must use a nonce at or above the new one\./);
    assert.equal(await nextNonce(), 1n);

    const used = await submit(OTHER_RELAYER, 0n);
    assert.equal(used.error, "ClaimAuthorizationNonce");
    const [claimed] = await read<[bigint, bigint]>("claimed", [pool, relay]);
    assert.equal(claimed, 0n, "nothing paid");
  });

  it("retires those below --below in one go for several pools, and refuses a --below that moves nothing (exit 5) or is malformed (exit 2)", async () => {
    const r = await chain.run(["--json", "claim", "revoke-authorizations", pool, otherPool, "--below", "5"], {
      key: RELAY,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.account, relay);
    assert.deepEqual(
      out.pools.map((p: { poolId: string; previousNonce: string; nonce: string }) => [
        p.poolId,
        p.previousNonce,
        p.nonce,
      ]),
      [
        [pool, "1", "5"],
        [otherPool, "0", "5"],
      ],
    );
    assert.equal(await nextNonce(), 5n);
    assert.equal((await read<[bigint, bigint]>("claimed", [otherPool, relay]))[1], 5n);
    assert.equal((await submit(OTHER_RELAYER, 4n)).error, "ClaimAuthorizationNonce");

    const stale = await chain.run(["--json", "claim", "revoke-authorizations", pool, "--below", "3"], { key: RELAY });
    assert.equal(stale.code, 5, stale.stdout + stale.stderr);
    assert.equal(stale.json().error.code, "NOTHING_TO_DO");
    assert.match(stale.json().error.message, /below nonce 3 is already retired \(the next nonce is 5\)/);

    const notNumber = await chain.run(["claim", "revoke-authorizations", pool, "--below", "soon"], { key: RELAY });
    assert.equal(notNumber.code, 2);
    assert.match(notNumber.stderr, /The nonce "soon" is not a whole number\./);
    const tooLarge = await chain.run(["claim", "revoke-authorizations", pool, "--below", String(2n ** 64n)], {
      key: RELAY,
    });
    assert.equal(tooLarge.code, 2, tooLarge.stdout + tooLarge.stderr);
    assert.match(tooLarge.stderr, /at most 9223372036854775807/);
    const badPool = await chain.run(["claim", "revoke-authorizations", "0x1234"], { key: RELAY });
    assert.equal(badPool.code, 2);
    const noPool = await chain.run(["claim", "revoke-authorizations"], { key: RELAY });
    assert.equal(noPool.code, 2);
    assert.equal(await nextNonce(), 5n);
  });

  it("set-relayer binds the authorizations to one relayer: another relayer's submission reverts, the bound one's pays", async () => {
    const none = await chain.run(["claim", "set-relayer"], { key: RELAY });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Give the relayer's address .*, or --any to unbind\./);
    const both = await chain.run(["claim", "set-relayer", relayer, "--any"], { key: RELAY });
    assert.equal(both.code, 2);
    const unbound = await chain.run(["--json", "claim", "set-relayer", "--any"], { key: RELAY });
    assert.equal(unbound.code, 5, unbound.stdout + unbound.stderr);
    assert.match(unbound.json().error.message, /are not bound to a relayer; nothing to change/);

    const r = await chain.run(["claim", "set-relayer", relayer], { key: RELAY });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^Claim authorizations of ${relay} may now be submitted only by ${relayer}\\.\\ntransaction: 0x`),
    );
    assert.equal(await read<Address>("claimRelayerOf", [relay]), relayer);
    const again = await chain.run(["claim", "set-relayer", relayer.toLowerCase()], { key: RELAY });
    assert.equal(again.code, 5);
    assert.match(again.stderr, new RegExp(`already bound to ${relayer}`, "i"));

    const refused = await submit(OTHER_RELAYER, 5n);
    assert.equal(refused.error, "ClaimRelayerNotAllowed");
    const balance = () =>
      client.readContract({
        address: chain.deployment.token,
        abi: testTokenAbi,
        functionName: "balanceOf",
        args: [recipient],
      });
    const before = await balance();
    const paid = await submit(RELAYER, 5n);
    assert.equal(paid.receipt?.status, "success", paid.error);
    const [event] = parseEventLogs({
      abi: rewardDistributorAbi,
      eventName: "ClaimedWithAuthorization",
      logs: paid.receipt!.logs,
    });
    assert.equal(event?.args.relayer, relayer);
    assert.equal((await balance()) - before, leaf.cumulativeAmount - 1_000_000n);
    assert.equal(await nextNonce(), 6n);
  });

  it("set-relayer --any lifts the binding", async () => {
    const r = await chain.run(["--json", "claim", "set-relayer", "--any"], { key: RELAY });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.deepEqual([out.account, out.previousRelayer, out.relayer], [relay, relayer, zeroAddress]);
    assert.equal(await read<Address>("claimRelayerOf", [relay]), zeroAddress);
    const text = await chain.run(["claim", "set-relayer", otherRelayer], { key: RELAY });
    assert.equal(text.code, 0, text.stderr);
    const back = await chain.run(["claim", "set-relayer", "--any"], { key: RELAY });
    assert.equal(back.code, 0, back.stderr);
    assert.match(
      back.stdout,
      new RegExp(`may be submitted by any relayer again \\(was bound to ${otherRelayer}\\)\\.`),
    );
  });
});
