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
/** --bad in styles.css: what a failed check is drawn in. */
const RED = "rgb(185, 28, 28)";

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
  const proofSteps = (page: Page, scope = "") =>
    page.$$eval(`${scope} [data-field="proof"] [data-step]`, (els) =>
      els.map((e) => [e.getAttribute("data-step"), e.getAttribute("data-ok")]),
    );
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
    const compared = new Set<number>();
    for (const e of cli.epochs as { epoch: string; root: string; status: string }[]) {
      const row = byEpoch.get(e.epoch);
      if (!row) continue;
      compared.add(Number(e.epoch));
      assert.equal(row.root, e.root, `epoch ${e.epoch} root`);
      assert.equal(row.phase === "claimable" ? "claimable" : "pending", e.status, `epoch ${e.epoch} state`);
      assert.equal(row.check, "ok", `epoch ${e.epoch} bundle`);
    }
    // Every epoch of the scenario, from the first posted to the late one, whatever else was posted after it by now.
    const missing = Array.from({ length: Number(late) - Number(first) + 1 }, (_, i) => Number(first) + i).filter(
      (e) => !compared.has(e),
    );
    assert.deepEqual(missing, [], `epochs ${first}..${late} not compared (compared: ${[...compared].join(", ")})`);
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
      // The aggregator's own proof, checked here step by step against the on-chain root.
      assert.equal(await proof!.getAttribute("data-source"), "aggregator");
      assert.deepEqual(await proofSteps(page, scope), [
        ["source", "true"],
        ["leaf", "true"],
        ["path", "true"],
        ["root", "true"],
      ]);
      // Then, apart, the bundle of the proof's epoch hashed in the background against the posted bundle hash.
      await page.waitForSelector(`${scope} [data-field="proofBundle"] [data-field="bundleCheck"][data-check="ok"]`);
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

  it("shows a tampered bundle failing its hash, on the epochs page and apart from the proof on the relay page, in red", async () => {
    const { late } = stack.epochs;
    const bundlePath = `/v1/epochs/${late}/bundle?`;
    let tamperedBundle: Buffer | undefined;
    stack.aggregatorProxy.rewrite = (path, body) => {
      if (!path.startsWith(bundlePath)) return undefined;
      // A receipt's size 1,000,000 (varint c0 84 3d, docs/bundle.md) made 1,000,001: the bundle still parses.
      const at = body.indexOf(Buffer.from([0xc0, 0x84, 0x3d]), 8);
      assert.ok(at > 0, "a receipt of 1,000,000 bytes");
      tamperedBundle = Buffer.from(body);
      tamperedBundle[at] = 0xc1;
      return tamperedBundle;
    };
    try {
      const epochs = await open("#/epochs", `[data-epoch="${late}"] [data-check="mismatch"]`);
      const computed = await epochs.$eval(`[data-epoch="${late}"] [data-field="bundleCheck"]`, (e) =>
        e.getAttribute("data-hash"),
      );
      // The CLI's audit of the same bytes finds the same keccak and refuses them.
      const file = join(stack.chain.dir, "tampered.bundle");
      writeFileSync(file, tamperedBundle!);
      const audit = await stack.chain.run(["--json", "audit", "epoch", String(late), "--bundle", file]);
      assert.equal(audit.code, 6);
      assert.equal(audit.json().bundle.hash, computed);
      assert.ok(audit.json().findings.some((f: { code: string }) => f.code === "BUNDLE_HASH_MISMATCH"));
      const color = await epochs.$eval(
        `[data-epoch="${late}"] [data-check="mismatch"]`,
        (e) => getComputedStyle(e).color,
      );
      assert.equal(color, RED);
      await epochs.locator(`[data-epoch="${late}"]`).scrollIntoViewIfNeeded();
      await epochs.screenshot({ path: join(SHOTS, "epochs-tampered.png") });
      await epochs.close();
    } finally {
      stack.aggregatorProxy.rewrite = () => undefined;
    }

    // On the relay page every bundle is served one byte longer: the payout proof still checks out (the on-chain
    // root decides it), the bundle check beside it is red.
    stack.aggregatorProxy.rewrite = (path, body) =>
      /^\/v1\/epochs\/\d+\/bundle\?/.test(path) ? Buffer.concat([body, Buffer.from("\n")]) : undefined;
    try {
      const scope = `[data-pool-id="${stack.pool}"]`;
      const relay = await open(
        `#/relay/${stack.relayA}`,
        `${scope} [data-field="proofBundle"] [data-check="mismatch"]`,
      );
      assert.equal(await relay.$eval(`${scope} [data-field="proof"]`, (e) => e.getAttribute("data-ok")), "true");
      const color = await relay.$eval(`${scope} [data-field="proofBundle"] [data-check="mismatch"]`, (e) => {
        return getComputedStyle(e).color;
      });
      assert.equal(color, RED);
      await relay.close();
    } finally {
      stack.aggregatorProxy.rewrite = () => undefined;
    }
  });

  it("shows a lying aggregator's leaf and proof failing against the on-chain root, in red and not as verified", async () => {
    const scope = `[data-pool-id="${stack.pool}"]`;
    const leafPath = (account: string) =>
      new RegExp(`^/v1/epochs/\\d+/leaves/${stack.pool}/${account.toLowerCase()}\\?`);
    let lied = 0;
    // Relay A's leaf claims 1,000 units more (its announced leaf hash and proof unchanged).
    stack.aggregatorProxy.rewrite = (path, body) => {
      if (!leafPath(stack.relayA).test(path)) return undefined;
      const answer = JSON.parse(body.toString("utf8"));
      answer.leaf.cumulativeAmount = String(BigInt(answer.leaf.cumulativeAmount) + 1_000n);
      lied++;
      return Buffer.from(JSON.stringify(answer));
    };
    try {
      const relay = await open(`#/relay/${stack.relayA}`, `${scope} [data-field="proof"][data-ok="false"]`);
      assert.ok(lied > 0, "the relay page read the aggregator's leaf endpoint");
      assert.deepEqual(await proofSteps(relay, scope), [
        ["source", "true"],
        ["leaf", "false"],
        ["path", "true"],
        ["root", "false"],
      ]);
      const proof = relay.locator(`${scope} [data-field="proof"]`);
      assert.doesNotMatch((await proof.textContent()) ?? "", /Payout proven/);
      assert.match((await proof.textContent()) ?? "", /does NOT check out/);
      assert.ok(await relay.$(`${scope} [data-field="unproven"]`), "the amounts are flagged as unproven");
      assert.equal(await proof.evaluate((e) => getComputedStyle(e.querySelector("h4")!).color), RED);
      await proof.scrollIntoViewIfNeeded();
      await relay.screenshot({ path: join(SHOTS, "relay-tampered.png") });
      await relay.close();
    } finally {
      stack.aggregatorProxy.rewrite = () => undefined;
    }

    // Relay B's leaf as it is, its proof with a forged first sibling: the path leads elsewhere than the root.
    lied = 0;
    stack.aggregatorProxy.rewrite = (path, body) => {
      if (!leafPath(stack.relayB).test(path)) return undefined;
      const answer = JSON.parse(body.toString("utf8"));
      answer.proof = [`0x${"ab".repeat(32)}`, ...answer.proof.slice(1)];
      lied++;
      return Buffer.from(JSON.stringify(answer));
    };
    try {
      const relay = await open(`#/relay/${stack.relayB}`, `${scope} [data-field="proof"][data-ok="false"]`);
      assert.ok(lied > 0, "the relay page read the aggregator's leaf endpoint");
      assert.deepEqual(await proofSteps(relay, scope), [
        ["source", "true"],
        ["leaf", "true"],
        ["path", "true"],
        ["root", "false"],
      ]);
      const root = relay.locator(`${scope} [data-step="root"]`);
      assert.match((await root.textContent()) ?? "", /does NOT reach the root/i);
      assert.equal(await root.evaluate((e) => getComputedStyle(e).color), RED);
      await relay.close();
    } finally {
      stack.aggregatorProxy.rewrite = () => undefined;
    }
  });

  it("proves the payout from the streamed bundle when the aggregator's leaf endpoint does not answer", async () => {
    const scope = `[data-pool-id="${stack.pool}"]`;
    let leafSections = 0;
    stack.aggregatorProxy.cut = (path) => /^\/v1\/epochs\/\d+\/leaves\//.test(path);
    stack.aggregatorProxy.rewrite = (path) => {
      if (/^\/v1\/epochs\/\d+\/bundle\/leaves\?/.test(path)) leafSections++;
      return undefined;
    };
    try {
      const relay = await open(`#/relay/${stack.relayA}`, `${scope} [data-field="proof"]`);
      const proof = await relay.$(`${scope} [data-field="proof"]`);
      assert.equal(await proof!.getAttribute("data-source"), "bundle");
      assert.equal(await proof!.getAttribute("data-ok"), "true");
      assert.deepEqual(await proofSteps(relay, scope), [
        ["source", "true"],
        ["leaf", "true"],
        ["path", "true"],
        ["root", "true"],
      ]);
      assert.ok(leafSections > 0, "the relay page streamed the bundle's leaf section");
      // The bundle hash the aggregator announced for the leaf section (X-Meshpay-Bundle-Hash, through the proxies)
      // is the one posted on chain.
      const source = (await relay.$eval(`${scope} [data-step="source"]`, (e) => e.textContent)) ?? "";
      const posted = /posted bundleHash (0x[0-9a-f]{64})/.exec(source)?.[1];
      assert.ok(posted, source);
      assert.match(source, new RegExp(`served as bundle ${posted}`));
      const cli = (
        await stack.cliJson(["rewards", "--account", stack.relayA, "--aggregator", stack.aggregator.url])
      ).pools.find((p: { poolId: string }) => p.poolId === stack.pool);
      for (const field of ["earned", "claimed", "claimable"] as const)
        assert.equal(await units(relay, scope, field), cli[field].units, `relay A ${field}`);
      await relay.close();
    } finally {
      stack.aggregatorProxy.cut = () => false;
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
