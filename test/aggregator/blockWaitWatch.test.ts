import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { pino } from "pino";
import { createBlockWaitWatch } from "../../src/aggregator/posting/createBlockWaitWatch.ts";

function capture() {
  const lines: { level: number; msg: string; waitingFor?: string }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("block-wait log", () => {
  it("warns once when no block comes while a close waits for one, naming Hardhat's and Anvil's fixes, and says when blocks come again", async () => {
    const { logger, lines } = capture();
    let t = 0;
    const watch = createBlockWaitWatch({ logger, afterMs: 30_000, now: () => t });
    watch.observe(10n, null);
    t = 60_000;
    watch.observe(10n, null); // stalled, but nothing needs a block: silent
    watch.observe(11n, null);
    t += 29_000;
    watch.observe(11n, "a block at or after epoch 3's close (1000)"); // not long enough yet
    t += 2_000;
    watch.observe(11n, "a block at or after epoch 3's close (1000)");
    t += 60_000;
    watch.observe(11n, "a block at or after epoch 3's close (1000)"); // once per stall
    watch.observe(12n, null);
    await flush();
    const warns = lines.filter((l) => l.level === 40);
    assert.equal(warns.length, 1);
    assert.equal(warns[0]!.waitingFor, "a block at or after epoch 3's close (1000)");
    assert.match(warns[0]!.msg, /no new block for 31 s/);
    assert.match(warns[0]!.msg, /anvil --block-time 1/);
    assert.match(warns[0]!.msg, /Hardhat evm_setIntervalMining takes milliseconds/);
    assert.deepEqual(
      lines.filter((l) => l.level === 30).map((l) => l.msg),
      ["new blocks again: the chain head moves"],
    );
  });
});
