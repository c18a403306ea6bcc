// The explorer in headless Chromium against a real local chain, the real aggregator and verifier processes and
// `meshpay explorer`: every page shows what the chain and the bundles say (compared with the CLI's --json), a
// tampered bundle fails its hash and a tampered leaf its proof, in red; the aggregator down and the RPC down show
// their error states. Writes a screenshot of each page to docs/explorer/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { repoRoot } from "../cli/helpers/startHardhatNode.ts";
import { waitFor } from "../verifier/helpers/processes.ts";
import { type ExplorerStack, startExplorerStack } from "./helpers/startExplorerStack.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join(repoRoot, "docs/explorer");
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 390, height: 844 };

describe("meshpay explorer in the browser", { skip: !existsSync(CHROMIUM) && `${CHROMIUM} is not installed` }, () => {
  let stack: ExplorerStack;
  let browser: Browser;
  let dist: string;

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), "meshpay-explorer-dist-"));
    const { build } = await import("vite");
    const [started] = await Promise.all([
      startExplorerStack(dist),
      build({
        configFile: join(repoRoot, "src/explorer/vite.config.ts"),
        logLevel: "silent",
        build: { outDir: dist, emptyOutDir: true },
      }),
    ]);
    stack = started;
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  /** A fresh page (nothing cached from another test) at `hash`, once `ready` is on it. */
  async function open(hash: string, ready: string, viewport = DESKTOP): Promise<Page> {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${stack.explorerUrl}${hash}`);
    await page.waitForSelector(ready, { timeout: 30_000 });
    assert.deepEqual(errors, []);
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const units = (page: Page, scope: string, field: string) =>
    page.$eval(`${scope} [data-field="${field}"]`, (el) => el.getAttribute("data-units"));

  it("shows each pool as `meshpay pool status --json` does, with its spending and cost per GB", async () => {
    const page = await open(
      "#/pools",
      `[data-pool-id="${stack.pool}"] [data-field="costPerGB"][data-units]:not([data-units=""])`,
    );
    const cli = (await stack.cliJson(["pool", "status", stack.pool])).pools[0];
    const scope = `[data-pool-id="${stack.pool}"]`;
    for (const field of ["unallocated", "owed", "funded", "paid", "withdrawn", "pricePerGB"] as const)
      assert.equal(await units(page, scope, field), cli[field].units, field);
    assert.equal(await units(page, scope, "balance"), String(BigInt(cli.unallocated.units) + BigInt(cli.owed.units)));
    // Relay A claimed once: one relay paid. The blended cost is what was spent per GB delivered: the price here.
    assert.equal(await page.$eval(`${scope} [data-field="relaysPaid"]`, (e) => e.getAttribute("data-count")), "1");
    assert.equal(await units(page, scope, "costPerGB"), cli.pricePerGB.units);
    assert.match(await page.$eval(`${scope} [data-field="costPerGB"]`, (e) => e.textContent ?? ""), /40% less/);
    assert.match(await page.$eval(`${scope} [data-field="unallocated"]`, (e) => e.textContent ?? ""), /TUSD$/);
    assert.ok(await page.$(`${scope} [data-testid="spent-chart"] canvas`));
    await shot(page, "pools");
    await page.close();
  });

  it("shows each posted epoch's state and root as the chain says, its bundle hash checked in the browser", async () => {
    const { first, second, late, challenged } = stack.epochs;
    const page = await open("#/epochs", `[data-epoch="${late}"] [data-check="ok"]`);
    await waitFor(
      "every bundle on the page to be checked",
      async () => (await page.$$('[data-check="loading"]')).length === 0,
      30_000,
    );
    await shot(page, "epochs");
    while (!(await page.$(`[data-epoch="${first}"] [data-check]:not([data-check="loading"])`))) {
      await page.click('[data-action="older"]');
      await page.waitForSelector(`[data-epoch="${first}"]`, { timeout: 30_000 }).catch(() => undefined);
    }
    await waitFor(
      "every bundle on the page to be checked",
      async () => (await page.$$('[data-check="loading"]')).length === 0,
      30_000,
    );
    const cli = await stack.cliJson(["dev", "status", "--epochs", "60"]);
    const rows = await page.$$eval("[data-epoch]", (els) =>
      els.map((el) => ({
        epoch: el.getAttribute("data-epoch"),
        phase: el.getAttribute("data-phase"),
        root: el.querySelector('[data-field="root"] [data-value]')?.getAttribute("data-value") ?? null,
        check: el.querySelector('[data-field="bundleCheck"]')?.getAttribute("data-check") ?? null,
        receipts: el.querySelector('[data-field="receipts"]')?.textContent ?? null,
      })),
    );
    const byEpoch = new Map(rows.map((r) => [r.epoch, r]));
    let compared = 0;
    for (const e of cli.epochs as { epoch: string; root: string; status: string }[]) {
      const row = byEpoch.get(e.epoch);
      if (!row) continue;
      compared++;
      assert.equal(row.root, e.root, `epoch ${e.epoch} root`);
      assert.equal(row.phase === "claimable" ? "claimable" : "pending", e.status, `epoch ${e.epoch} state`);
      assert.equal(row.check, "ok", `epoch ${e.epoch} bundle`);
    }
    assert.ok(compared >= 8, `only ${compared} epochs compared`);
    assert.equal(byEpoch.get(String(first))?.phase, "claimable");
    assert.equal(byEpoch.get(String(second))?.phase, "claimable", "claimable again once its challenge was dismissed");
    assert.equal(byEpoch.get(String(challenged))?.phase, "challenged");
    assert.ok(rows.some((r) => r.phase === "open"));
    // The bundle's own counts and hash, as `meshpay audit epoch` finds them (on an epoch the contract still holds
    // the root of: the pending one where relay B earned last).
    const audit = await stack.cliJson(["audit", "epoch", String(late)]);
    assert.equal(audit.ok, true);
    const check = await page.$(`[data-epoch="${late}"] [data-field="bundleCheck"]`);
    assert.equal(await check!.getAttribute("data-hash"), audit.bundle.hash);
    assert.equal(await check!.getAttribute("data-receipts"), String(audit.counts.receipts));
    assert.equal(byEpoch.get(String(late))?.receipts, String(audit.counts.validReceipts));
    await page.close();
  });

  for (const who of ["relayA", "relayB"] as const)
    it(`shows ${who === "relayA" ? "relay A (claimed once)" : "relay B (pending behind a challenge)"} as \`meshpay rewards --json\` does, its proof checked step by step`, async () => {
      const account = stack[who];
      const page = await open(`#/relay/${account}`, `[data-pool-id="${stack.pool}"] [data-field="proof"]`);
      const cli = (
        await stack.cliJson(["rewards", "--account", account, "--aggregator", stack.aggregator.url])
      ).pools.find((p: { poolId: string }) => p.poolId === stack.pool);
      const scope = `[data-pool-id="${stack.pool}"]`;
      for (const field of ["earned", "claimed", "claimable", "pending"] as const)
        assert.equal(await units(page, scope, field), cli[field].units, `${who} ${field}`);
      const proof = await page.$(`${scope} [data-field="proof"]`);
      assert.equal(await proof!.getAttribute("data-ok"), "true");
      const steps = await page.$$eval(`${scope} [data-step]`, (els) =>
        els.map((e) => [e.getAttribute("data-step"), e.getAttribute("data-ok")]),
      );
      assert.deepEqual(steps, [
        ["bundle", "true"],
        ["leaf", "true"],
        ["path", "true"],
        ["root", "true"],
      ]);
      if (who === "relayB") {
        assert.ok(BigInt(cli.pending.units) > 0n);
        assert.match(
          await page.$eval(`${scope} [data-field="pendingUntil"]`, (e) => e.textContent ?? ""),
          /challenge #2/,
        );
      } else assert.ok(BigInt(cli.claimed.units) > 0n);
      assert.ok(await page.$(`${scope} [data-testid="bytes-chart"] canvas`));
      await shot(page, who === "relayA" ? "relay" : "relay-pending");
      await page.close();
    });

  it("lists the open and the decided challenges as `meshpay arbiter list --all --json` does", async () => {
    const page = await open(
      "#/challenges",
      '[data-page="challenges"] [data-challenge-id] [data-field="evidenceCheck"]:not([data-check="loading"])',
    );
    const cli = await stack.cliJson(["arbiter", "list", "--all"]);
    const shown = await page.$$eval("[data-challenge-id]", (els) =>
      els.map((e) => ({ id: e.getAttribute("data-challenge-id"), status: e.getAttribute("data-status") })),
    );
    assert.deepEqual(
      shown.sort((a, b) => Number(a.id) - Number(b.id)),
      (cli.challenges as { challengeId: string; status: string }[]).map((c) => ({
        id: c.challengeId,
        status: c.status,
      })),
    );
    assert.deepEqual(shown.map((s) => s.status).sort(), ["dismissed", "open"]);
    await page.waitForSelector('[data-audit="ok"]');
    await shot(page, "challenges");
    await page.close();
  });

  it("fits a phone-sized screen", async () => {
    for (const [hash, ready, name] of [
      ["#/pools", '[data-field="costPerGB"][data-units]:not([data-units=""])', "pools-phone"],
      [`#/relay/${stack.relayB}`, '[data-field="proof"]', "relay-phone"],
    ] as const) {
      const page = await open(hash, ready, PHONE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${hash} is ${overflow}px wider than the screen`);
      await shot(page, name);
      await page.close();
    }
  });

  it("shows a tampered bundle failing its hash and a tampered leaf failing its proof, in red", async () => {
    const { late } = stack.epochs;
    const bundlePath = `/v1/epochs/${late}/bundle`;
    let tamperedBundle: Buffer | undefined;
    let tamperedLeaves = 0;
    stack.aggregatorProxy.rewrite = (path, body) => {
      if (/^\/v1\/epochs\/\d+\/bundle\/leaves/.test(path)) {
        // The leaf section the relay page proves from (any epoch): relay A's leaf claims 1,000 units more.
        const text = body.toString("utf8");
        const out = text.replace(
          new RegExp(`("account":"${stack.relayA.toLowerCase()}","poolId":"${stack.pool}","cumulativeAmount":")(\\d+)`),
          (_m, head: string, amount: string) => `${head}${BigInt(amount) + 1_000n}`,
        );
        if (out !== text) tamperedLeaves++;
        return Buffer.from(out);
      }
      if (path.startsWith(bundlePath)) {
        const text = body.toString("utf8");
        tamperedBundle = Buffer.from(text.replace('"size":1000000', '"size":1000001'));
        assert.notEqual(tamperedBundle.toString("utf8"), text);
        return tamperedBundle;
      }
      return undefined;
    };
    try {
      const epochs = await open("#/epochs", `[data-epoch="${late}"] [data-check="mismatch"]`);
      const computed = await epochs.$eval(`[data-epoch="${late}"] [data-field="bundleCheck"]`, (e) =>
        e.getAttribute("data-hash"),
      );
      // The CLI's audit of the same bytes finds the same keccak and refuses them.
      const file = join(stack.chain.dir, "tampered.ndjson");
      writeFileSync(file, tamperedBundle!);
      const audit = await stack.chain.run(["--json", "audit", "epoch", String(late), "--bundle", file]);
      assert.equal(audit.code, 6);
      assert.equal(audit.json().bundle.hash, computed);
      assert.ok(audit.json().findings.some((f: { code: string }) => f.code === "BUNDLE_HASH_MISMATCH"));
      const color = await epochs.$eval(
        `[data-epoch="${late}"] [data-check="mismatch"]`,
        (e) => getComputedStyle(e).color,
      );
      assert.equal(color, "rgb(185, 28, 28)");
      await epochs.locator(`[data-epoch="${late}"]`).scrollIntoViewIfNeeded();
      await epochs.screenshot({ path: join(SHOTS, "epochs-tampered.png") });
      await epochs.close();

      const relay = await open(`#/relay/${stack.relayA}`, '[data-field="proof"][data-ok="false"]');
      const steps = await relay.$$eval("[data-step]", (els) =>
        els.map((e) => [e.getAttribute("data-step"), e.getAttribute("data-ok")]),
      );
      assert.deepEqual(steps, [
        ["bundle", "true"],
        ["leaf", "false"],
        ["path", "true"],
        ["root", "false"],
      ]);
      assert.ok(tamperedLeaves > 0, "the relay page read the leaf section");
      await relay.locator('[data-field="proof"]').scrollIntoViewIfNeeded();
      await relay.screenshot({ path: join(SHOTS, "relay-tampered.png") });
      await relay.close();
    } finally {
      stack.aggregatorProxy.rewrite = () => undefined;
    }
  });

  it("keeps the chain's data when the aggregator is down and says so", async () => {
    stack.aggregatorProxy.down = true;
    try {
      const page = await open("#/epochs", '[data-state="error"][data-code="AGGREGATOR_UNREACHABLE"]');
      assert.ok((await page.$$('[data-epoch] [data-field="root"]')).length > 0, "the chain's epochs are still listed");
      await shot(page, "aggregator-down");
      await page.close();
    } finally {
      stack.aggregatorProxy.down = false;
    }
  });

  it("shows the error state when the chain's RPC is down, and recovers on retry", async () => {
    stack.rpcProxy.down = true;
    let page: Page | undefined;
    try {
      page = await open("#/pools", '[data-state="error"][data-code="RPC_UNREACHABLE"]');
      assert.match(await page.$eval('[data-state="error"]', (e) => e.textContent ?? ""), /chain is unreachable/);
      await shot(page, "rpc-down");
    } finally {
      stack.rpcProxy.down = false;
    }
    await page.click('[data-state="error"] button');
    await page.waitForSelector(`[data-pool-id="${stack.pool}"]`);
    await page.close();
  });
});
