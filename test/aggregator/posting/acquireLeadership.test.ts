import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import pg from "pg";
import { acquireLeadership } from "../../../src/aggregator/posting/acquireLeadership.ts";
import { testPostgresUrl } from "../helpers/withPostgresSchema.ts";

const root = resolve(import.meta.dirname, "../../..");
const nodeBin = resolve(root, "node_modules/.bin/node");
const role = () => `test.closer.${randomBytes(6).toString("hex")}`;

describe("closer/poster election through a PostgreSQL advisory lock", () => {
  it("lets one contender lead at a time and hands over on release", async () => {
    const name = role();
    const first = await acquireLeadership({ url: testPostgresUrl, role: name, retryMs: 50 });
    let secondLed = false;
    const second = acquireLeadership({ url: testPostgresUrl, role: name, retryMs: 50 }).then((l) => {
      secondLed = true;
      return l;
    });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(secondLed, false, "second waits while the first leads");
    await first.release();
    const started = Date.now();
    const leader = await second;
    assert.ok(Date.now() - started < 1000, "takes over within a few retries");
    await leader.release();
  });

  it("hands leadership to a follower within a bounded time when the leader's process is SIGKILLed", async () => {
    const name = role();
    const child = spawn(
      nodeBin,
      [
        "--input-type=module",
        "-e",
        `import { acquireLeadership } from ${JSON.stringify(resolve(root, "src/aggregator/posting/acquireLeadership.ts"))};
         await acquireLeadership({ url: ${JSON.stringify(testPostgresUrl)}, role: ${JSON.stringify(name)} });
         console.log("leader");
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolveLed, reject) => {
        child.stdout!.on("data", (d: Buffer) => d.toString().includes("leader") && resolveLed());
        child.on("exit", (code) => reject(new Error(`leader exited early (${code})`)));
      });
      const controller = new AbortController();
      const waiting = acquireLeadership({ url: testPostgresUrl, role: name, retryMs: 100, signal: controller.signal });
      await new Promise((r) => setTimeout(r, 300));
      child.kill("SIGKILL");
      const killedAt = Date.now();
      const timeout = setTimeout(() => controller.abort(), 5000);
      const leader = await waiting;
      clearTimeout(timeout);
      const takeoverMs = Date.now() - killedAt;
      assert.ok(takeoverMs < 2000, `took over in ${takeoverMs} ms`);
      await leader.release();
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("tells a leader whose session was cut that it lost the lock, and frees it for another", async () => {
    const name = role();
    const leader = await acquireLeadership({ url: testPostgresUrl, role: name, heartbeatMs: 200 });
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    try {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
        `meshpay ${name}`,
      ]);
      const reason = await Promise.race([
        leader.lost,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("not told within 2 s")), 2000)),
      ]);
      assert.ok(reason instanceof Error);
      const next = await acquireLeadership({ url: testPostgresUrl, role: name, retryMs: 50 });
      await next.release();
    } finally {
      await admin.end();
      await leader.release();
    }
  });

  it("stops waiting with code ABORTED when the follower is told to", async () => {
    const name = role();
    const leader = await acquireLeadership({ url: testPostgresUrl, role: name });
    try {
      const controller = new AbortController();
      const waiting = acquireLeadership({ url: testPostgresUrl, role: name, retryMs: 50, signal: controller.signal });
      setTimeout(() => controller.abort(), 150);
      await assert.rejects(waiting, (e: Error & { code?: string }) => e.code === "ABORTED");
    } finally {
      await leader.release();
    }
  });
});
