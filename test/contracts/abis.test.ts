import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { renderAbis } from "../../scripts/generate-abi.ts";

describe("src/contracts/abis.ts", () => {
  it("matches the compiled contracts (run `npm run generate:abi` after changing an interface)", () => {
    const committed = readFileSync(resolve(import.meta.dirname, "../../src/contracts/abis.ts"), "utf8");
    assert.equal(committed, renderAbis());
  });
});
