import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { createReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { getReceiptId } from "../../src/protocol/eip712/getReceiptId.ts";
import { recoverChunkReceiptSigner } from "../../src/protocol/messages/recoverChunkReceiptSigner.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import type { Address } from "../../src/protocol/types.ts";
import { validateReceipt } from "../../src/protocol/validation/validateReceipt.ts";
import { signedChunkReceiptFromJson } from "../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { signedViewerTicketToJson } from "../../src/protocol/wire/signedViewerTicketToJson.ts";
import {
  domain,
  epochParams,
  genesisMs,
  pool,
  poolId,
  relayAddress,
  serverNowMs,
  ticketSignerKey,
} from "./fixtures.ts";

const CHROMIUM = "/usr/bin/chromium";
const receiverDir = join(import.meta.dirname, "../../src/relay-sdk/receiver");
const pageEntry = join(import.meta.dirname, "browser/receiverPage.ts");
const builtins = new Set(builtinModules);

/** Fails the build on any import of a Node built-in (node:* or bare), better-sqlite3 or native secp256k1. */
const refuseNodeOnly: Plugin = {
  name: "refuse-node-only",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.split("/")[0]!;
      if (args.path.startsWith("node:") || builtins.has(args.path) || bare === "better-sqlite3" || bare === "secp256k1")
        return { errors: [{ text: `Node-only import "${args.path}" from ${args.importer}` }] };
      return undefined;
    });
  },
};
const browserBuild: BuildOptions = {
  bundle: true,
  write: false,
  platform: "browser",
  format: "esm",
  logLevel: "silent",
  plugins: [refuseNodeOnly],
};

describe("receiver in the browser", () => {
  it("every receiver module bundles for the browser with no Node-only import (and the check does catch one)", async () => {
    const entries = readdirSync(receiverDir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => join(receiverDir, f));
    assert.ok(entries.length >= 4);
    const result = await build({
      ...browserBuild,
      entryPoints: entries,
      outdir: "/tmp/meshpay-receiver-check",
      metafile: true,
    });
    const inputs = Object.keys(result.metafile!.inputs);
    assert.ok(inputs.some((i) => i.includes("@noble/curves")));
    for (const input of inputs)
      assert.ok(!input.startsWith("node:") && !/node_modules\/(secp256k1|better-sqlite3)\//.test(input), input);
    // The same configuration refuses a Node-only import, so a regression fails the build above.
    await assert.rejects(
      build({
        ...browserBuild,
        stdin: {
          contents: 'import { randomBytes } from "node:crypto"; console.log(randomBytes(1));',
          resolveDir: receiverDir,
        },
      }),
      /Node-only import "node:crypto"/,
    );
  });

  it("headless Chromium signs a receipt in the page that Node verifies with the protocol library", {
    timeout: 60_000,
  }, async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is not installed (apt-get install -y chromium): browser signing not exercised`);
      return;
    }
    const bundle = await build({
      ...browserBuild,
      entryPoints: [pageEntry],
      format: "iife",
      globalName: "meshpayPage",
      target: "es2022",
    });
    const script = bundle.outputFiles![0]!.text;
    const { chromium } = await import("playwright-core");
    const userDataDir = mkdtempSync(join(tmpdir(), "meshpay-chromium-"));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      await page.setContent("<!doctype html><title>meshpay receiver</title>");
      await page.addScriptTag({ content: script });

      const { address } = await page.evaluate(() => (globalThis as any).meshpayPage.startSession());
      const ticket = signViewerTicket(
        {
          poolId,
          streamId: `0x${"5e".repeat(32)}`,
          viewer: address as Address,
          notBefore: BigInt(genesisMs),
          notAfter: BigInt(genesisMs + 3_600_000),
          maxBytes: 10n ** 9n,
        },
        domain,
        ticketSignerKey,
      );
      const args = {
        domain: { chainId: Number(domain.chainId), verifyingContract: domain.verifyingContract },
        ticket: signedViewerTicketToJson(ticket),
        relay: relayAddress,
        segment: 7,
        chunk: 3,
        size: 65_536,
        nowMs: genesisMs + 90_000,
      };
      const out = await page.evaluate((a) => (globalThis as any).meshpayPage.signRandomChunk(a), args);
      assert.deepEqual(pageErrors, []);
      assert.match(out.userAgent, /HeadlessChrome/);

      const signed = signedChunkReceiptFromJson(out.receipt);
      assert.equal(recoverChunkReceiptSigner(signed, domain), address);
      assert.equal(getReceiptId(signed.receipt, domain), out.receiptId);
      const bytes = Buffer.from(out.bytes.slice(2), "hex");
      assert.equal(bytes.length, 65_536);
      assert.equal(signed.receipt.chunkHash, `0x${Buffer.from(keccak_256(bytes)).toString("hex")}`);
      assert.equal(signed.receipt.size, 65_536);
      assert.equal(signed.receipt.deliveredAt, BigInt(genesisMs + 90_000));
      const v = validateReceipt({
        receipt: signed,
        ticket,
        pool,
        epochParams,
        nowMs: serverNowMs,
        context: { seen: new Set(), bytesAccepted: 0n },
        verifier: createReceiptVerifier({ domain }),
      });
      assert.deepEqual(v.errors, []);
      assert.equal(out.mismatchCode, "CHUNK_HASH_MISMATCH");
    } finally {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
