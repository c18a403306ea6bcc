import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BaseError, ContractFunctionRevertedError, encodeErrorResult, HttpRequestError } from "viem";
import { cliErrorExitCodes } from "../../src/cli/errors/codes.ts";
import { errorSentences } from "../../src/cli/errors/errorSentences.ts";
import { exitCodes } from "../../src/cli/errors/exitCodes.ts";
import { toCliError } from "../../src/cli/errors/toCliError.ts";
import { rewardDistributorAbi, testTokenAbi } from "../../src/contracts/abis.ts";

describe("contract errors in plain sentences", () => {
  it("has a sentence for every custom error the distributor (core, extension, bases) and the token can revert with", () => {
    const names = [...rewardDistributorAbi, ...testTokenAbi]
      .filter((i) => i.type === "error")
      .map((i) => (i as { name: string }).name);
    assert.ok(names.length >= 49, `${names.length} errors`);
    assert.deepEqual(
      names.filter((n) => !errorSentences[n]),
      [],
    );
    assert.deepEqual(
      Object.keys(errorSentences).filter((n) => !names.includes(n)),
      [],
    );
  });

  it("decodes a revert into the error's name, a sentence with token amounts, and exit code 4", () => {
    const poolId = `0x${"ab".repeat(32)}` as const;
    const account = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as const;
    const data = encodeErrorResult({
      abi: rewardDistributorAbi,
      errorName: "ClaimNothingDue",
      args: [poolId, account, 25_000_000n, 25_000_000n],
    });
    const err = new BaseError("call failed", {
      cause: new ContractFunctionRevertedError({ abi: rewardDistributorAbi, data, functionName: "claim" }),
    });
    const e = toCliError(err, { amount: (u) => `${Number(u) / 1e6} TUSD`, wei: String, time: String }, "Claiming");
    assert.equal(e.code, "CONTRACT_REVERTED");
    assert.equal(e.exitCode, 4);
    assert.equal(
      e.shortMessage,
      `Claiming was refused: ClaimNothingDue: Nothing is due to ${account} from pool ${poolId}: it earned 25 TUSD in ` +
        `total and has already claimed 25 TUSD.`,
    );
    assert.deepEqual(e.data, { error: "ClaimNothingDue", args: [poolId, account, "25000000", "25000000"] });
  });

  it("maps an RPC that does not answer to exit code 3", () => {
    const e = toCliError(
      new BaseError("request failed", {
        cause: new HttpRequestError({ url: "http://127.0.0.1:1", details: "fetch failed" }),
      }),
    );
    assert.equal(e.code, "RPC_UNREACHABLE");
    assert.equal(e.exitCode, exitCodes.unreachable);
  });

  it("documents an exit code for every error code", () => {
    for (const [code, exit] of Object.entries(cliErrorExitCodes))
      assert.ok(Object.values(exitCodes).includes(exit), code);
  });
});
