import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BaseError, ContractFunctionRevertedError, encodeErrorResult, HttpRequestError } from "viem";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import { findContractRevert } from "../../src/contracts/findContractRevert.ts";
import { getRevertName } from "../../src/contracts/getRevertName.ts";

const poolNotFound = () =>
  new BaseError("call failed", {
    cause: new ContractFunctionRevertedError({
      abi: rewardDistributorAbi,
      data: encodeErrorResult({ abi: rewardDistributorAbi, errorName: "PoolNotFound", args: [`0x${"ab".repeat(32)}`] }),
      functionName: "getPool",
    }),
  });

describe("getRevertName", () => {
  it("names the custom error a contract call reverted with, however deep viem wrapped it", () => {
    assert.equal(getRevertName(poolNotFound()), "PoolNotFound");
    assert.equal(getRevertName(new BaseError("estimate failed", { cause: poolNotFound() })), "PoolNotFound");
  });

  it("says 'reverted' for a revert without a custom error or a reason", () => {
    const bare = new ContractFunctionRevertedError({ abi: rewardDistributorAbi, functionName: "getPool" });
    assert.equal(getRevertName(new BaseError("call failed", { cause: bare })), "reverted");
  });

  it("answers undefined for a transport failure or anything that is not a viem error", () => {
    const unreachable = new HttpRequestError({ url: "http://127.0.0.1:1", details: "fetch failed" });
    assert.equal(getRevertName(unreachable), undefined);
    assert.equal(findContractRevert(unreachable), undefined);
    assert.equal(getRevertName(new Error("PoolNotFound")), undefined);
    assert.equal(getRevertName("PoolNotFound"), undefined);
  });
});
