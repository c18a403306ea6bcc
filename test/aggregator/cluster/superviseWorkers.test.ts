import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { type SupervisedWorker, superviseWorkers } from "../../../src/aggregator/cluster/superviseWorkers.ts";

/** A worker that exits when told (`die`), or on kill() with the code `onKill` gives (undefined: it ignores it). */
type FakeWorker = SupervisedWorker & {
  slot: number;
  signals: NodeJS.Signals[];
  die(code: number | null, signal?: NodeJS.Signals): void;
};

function fakeCluster(onKill: (signal: NodeJS.Signals) => number | null | undefined = () => 0) {
  const forked: FakeWorker[] = [];
  let nextPid = 100;
  const fork = (slot: number): SupervisedWorker => {
    const events = new EventEmitter();
    let alive = true;
    const worker: FakeWorker = {
      slot,
      pid: nextPid++,
      signals: [],
      kill(signal) {
        worker.signals.push(signal);
        const code = signal === "SIGKILL" ? null : onKill(signal);
        if (code !== undefined) setImmediate(() => worker.die(code, signal));
      },
      onExit: (listener) => events.once("exit", listener),
      die(code, signal) {
        if (!alive) return;
        alive = false;
        events.emit("exit", code, code === null ? (signal ?? "SIGKILL") : null);
      },
    };
    forked.push(worker);
    return worker;
  };
  return { forked, fork };
}

const quiet = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("superviseWorkers", () => {
  it("starts one worker per slot and restarts a dead one in its slot, waiting longer while it keeps dying", async () => {
    const c = fakeCluster();
    const s = superviseWorkers({ count: 2, fork: c.fork, logger: quiet, backoff: { initialMs: 40, maxMs: 1000 } });
    assert.deepEqual(s.pids(), [100, 101]);
    c.forked[0]!.die(null);
    assert.deepEqual(s.pids(), [101]);
    await sleep(20);
    assert.equal(c.forked.length, 2, "not restarted before the backoff");
    await sleep(40);
    assert.equal(c.forked.length, 3);
    assert.equal(c.forked[2]!.slot, 0);
    // Dying again at once: the next restart waits twice as long.
    c.forked[2]!.die(1);
    await sleep(60);
    assert.equal(c.forked.length, 3, "second restart waits 80 ms");
    await sleep(50);
    assert.equal(c.forked.length, 4);
    assert.equal(c.forked[3]!.slot, 0);
    assert.equal(await s.stop("SIGTERM"), 0);
  });

  it("forwards the stop signal to every worker, restarts none, and exits 0 when all stopped cleanly", async () => {
    const c = fakeCluster();
    const s = superviseWorkers({ count: 3, fork: c.fork, logger: quiet, backoff: { initialMs: 10 } });
    const code = await s.stop("SIGINT");
    assert.equal(code, 0);
    assert.deepEqual(
      c.forked.map((w) => w.signals),
      [["SIGINT"], ["SIGINT"], ["SIGINT"]],
    );
    await sleep(30);
    assert.equal(c.forked.length, 3);
    assert.deepEqual(s.pids(), []);
  });

  it("counts a worker that died of the forwarded signal (still starting, no handler yet) as stopped cleanly", async () => {
    // Exit code null: the forwarded SIGTERM itself ended the worker.
    const starting = fakeCluster(() => null);
    const s = superviseWorkers({ count: 1, fork: starting.fork, logger: quiet });
    assert.equal(await s.stop("SIGTERM"), 0);
  });

  it("cancels a pending restart on stop", async () => {
    const c = fakeCluster();
    const s = superviseWorkers({ count: 1, fork: c.fork, logger: quiet, backoff: { initialMs: 50 } });
    c.forked[0]!.die(1);
    assert.equal(await s.stop("SIGTERM"), 0);
    await sleep(80);
    assert.equal(c.forked.length, 1);
  });

  it("exits 1 when a worker did not stop cleanly, killing it with SIGKILL after the stop timeout", async () => {
    const hung = fakeCluster(() => undefined);
    const s = superviseWorkers({ count: 1, fork: hung.fork, logger: quiet, stopTimeoutMs: 50 });
    const started = Date.now();
    const code = await s.stop("SIGTERM");
    assert.equal(code, 1);
    assert.ok(Date.now() - started >= 45);
    assert.deepEqual(hung.forked[0]!.signals, ["SIGTERM", "SIGKILL"]);
  });

  it("stops everything with exit code 2 when a worker refuses its configuration (restarting cannot help)", async () => {
    const c = fakeCluster();
    const s = superviseWorkers({ count: 2, fork: c.fork, logger: quiet, backoff: { initialMs: 10 } });
    c.forked[1]!.die(2);
    assert.equal(await s.exited, 2);
    assert.deepEqual(c.forked[0]!.signals, ["SIGTERM"]);
    assert.equal(c.forked.length, 2);
  });
});
