import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import express, { type NextFunction, type Request, type Response } from "express";
import { pino } from "pino";
import { createAccessLog } from "../../../src/service/http/createAccessLog.ts";
import { loadVerifierConfig } from "../../../src/verifier/config/loadVerifierConfig.ts";
import { startVerifier } from "../../../src/verifier/startVerifier.ts";
import { makeDataDir, writeVerifierConfig } from "../../verifier/helpers/startTestVerifier.ts";
import { setupVerifierChain } from "../../verifier/helpers/verifierChain.ts";

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: "debug" }, stream) };
}

async function waitForLine(lines: Record<string, unknown>[], match: (l: Record<string, unknown>) => boolean) {
  for (let i = 0; i < 100; i++) {
    const found = lines.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`no such log line among ${JSON.stringify(lines)}`);
}

describe("access logs with request ids", () => {
  const captured = capturingLogger();
  let verifier: Awaited<ReturnType<typeof startVerifier>>;
  before(async () => {
    const chain = await setupVerifierChain();
    const file = writeVerifierConfig(makeDataDir(), chain, { audit: { challenge: false }, claims: { enabled: false } });
    const config = loadVerifierConfig({ file, env: {} });
    verifier = await startVerifier({ config, transport: chain.transport, logger: captured.logger, loop: false });
  });
  after(async () => {
    await verifier?.close();
  });

  it("logs method, url, status, response time and the caller's request id, and echoes the id", async () => {
    const res = await fetch(`${verifier.url}/v1/epochs?x=1`, { headers: { "x-request-id": "trace-42.a:b_c" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-request-id"), "trace-42.a:b_c");
    const line = await waitForLine(captured.lines, (l) => l.reqId === "trace-42.a:b_c");
    assert.equal(line.msg, "request completed");
    assert.equal(line.level, 30, "a 2xx is logged at info");
    assert.deepEqual(line.req, { id: "trace-42.a:b_c", method: "GET", url: "/v1/epochs?x=1" });
    assert.deepEqual(line.res, { statusCode: 200 });
    assert.equal(typeof line.responseTime, "number");
    assert.equal(line.part, "http", "the service's own logger bindings stay");
    const metrics = await (await fetch(`${verifier.url}/metrics`)).text();
    assert.match(metrics, /^process_resident_memory_bytes \d+/m, "the served /metrics has the default metrics");
  });

  it("generates an id when none or an unsafe one is given, and logs a 4xx at warn", async () => {
    for (const given of [undefined, "a".repeat(129), "semi;colon", ""]) {
      const res = await fetch(`${verifier.url}/v1/epochs/7`, {
        headers: given === undefined ? {} : { "x-request-id": given },
      });
      assert.equal(res.status, 404);
      const id = res.headers.get("x-request-id")!;
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const line = await waitForLine(captured.lines, (l) => l.reqId === id);
      assert.equal(line.level, 40);
      assert.deepEqual(line.res, { statusCode: 404 });
    }
  });

  it("puts the request id on the error handler's lines too", async () => {
    const { lines, logger } = capturingLogger();
    const app = express();
    app.use(createAccessLog(logger));
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
      req.log.error({ err }, "request failed");
      res.status(500).json({ code: "INTERNAL" });
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/boom`, { headers: { "x-request-id": "r-1" } });
      assert.equal(res.status, 500);
      assert.equal(res.headers.get("x-request-id"), "r-1");
      const failed = await waitForLine(lines, (l) => l.msg === "request failed");
      assert.equal(failed.reqId, "r-1");
      const access = await waitForLine(lines, (l) => l.msg === "request errored");
      assert.equal(access.reqId, "r-1");
      assert.equal(access.level, 50);
    } finally {
      server.close();
    }
  });
});
