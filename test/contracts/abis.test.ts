import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { renderAbis, renderBytecodes } from "../../scripts/generate-abi.ts";

describe("src/contracts/abis.ts", () => {
  it("matches the compiled contracts (run `npm run generate:abi` after changing an interface)", () => {
    const committed = readFileSync(resolve(import.meta.dirname, "../../src/contracts/abis.ts"), "utf8");
    assert.equal(committed, renderAbis());
  });
});

describe("src/contracts/bytecodes.ts", () => {
  it("holds the creation code of the compiled contracts (run `npm run generate:abi` after changing a contract)", () => {
    const committed = readFileSync(resolve(import.meta.dirname, "../../src/contracts/bytecodes.ts"), "utf8");
    assert.equal(committed, renderBytecodes());
  });
});
