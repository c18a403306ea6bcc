import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getIdleBlocksHint } from "../../src/cli/commands/dev/getIdleBlocksHint.ts";

describe("meshpay dev: how to get blocks while idle", () => {
  it("tells Anvil users `anvil --block-time 1` and seconds, Hardhat users milliseconds, and nothing for other nodes", () => {
    const anvil = getIdleBlocksHint("anvil/v1.4.3");
    assert.match(anvil ?? "", /anvil --block-time 1/);
    assert.match(anvil ?? "", /takes seconds/);
    const hardhat = getIdleBlocksHint("HardhatNetwork/3.0.0/@nomicfoundation/edr/0.12.0");
    assert.match(hardhat ?? "", /takes milliseconds/);
    assert.equal(getIdleBlocksHint("Geth/v1.14.0-stable/linux-amd64/go1.22"), undefined);
  });
});
