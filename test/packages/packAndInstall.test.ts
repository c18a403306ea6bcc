// Packs the publishable packages (npm run build:packages, npm pack), installs the tarballs in an empty folder the way
// a user would (test/packages/helpers/installPackages.ts, shared with installedDeployment.test.ts), and uses each
// from there: plain JavaScript on Node, TypeScript against the installed .d.ts, the browser entries through esbuild,
// and the `meshpay` command.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type BuildOptions, build } from "esbuild";
import { getReceiptId } from "../../src/protocol/eip712/getReceiptId.ts";
import { buildRewardTree } from "../../src/protocol/tree/buildRewardTree.ts";
import { hashRewardLeaf } from "../../src/protocol/tree/hashRewardLeaf.ts";
import type { ChunkReceipt, Hex, MeshpayDomain, RewardLeaf } from "../../src/protocol/types.ts";
import { getSessionKeyAddress } from "../../src/relay-sdk/receiver/getSessionKeyAddress.ts";
import { installedEnv as env, installPackages, repoRoot } from "./helpers/installPackages.ts";

const run = promisify(execFile);

const leaves: RewardLeaf[] = [1, 2, 3].map((i) => ({
  account: `0x${String(i).repeat(40)}` as Hex,
  poolId: `0x${"ab".repeat(32)}` as Hex,
  cumulativeAmount: 10n ** 18n * BigInt(i),
  epochBytes: 1_000_000n * BigInt(i),
  epochAmount: 10n ** 17n * BigInt(i),
  receiptsRoot: `0x${String(i + 4).repeat(64)}` as Hex,
}));
const domain: MeshpayDomain = { chainId: 31337, verifyingContract: `0x${"cd".repeat(20)}` };
const receipt: ChunkReceipt = {
  poolId: `0x${"ab".repeat(32)}`,
  ticketHash: `0x${"01".repeat(32)}`,
  relay: `0x${"02".repeat(20)}`,
  segment: 7n,
  chunk: 3,
  chunkHash: `0x${"03".repeat(32)}`,
  size: 65_536,
  deliveredAt: 1_700_000_000_000n,
};
const privateKey = `0x${"42".repeat(32)}` as Hex;

describe("packages: pack, install in an empty folder, use", { timeout: 600_000 }, () => {
  let app: string;

  before(async () => {
    ({ app } = await installPackages());
  });

  it("plain JavaScript on Node: the protocol library hashes leaves, builds the tree and ids a receipt like the repo's source", async () => {
    const script = join(app, "protocol.mjs");
    writeFileSync(
      script,
      `import { buildRewardTree } from "@meshpay/protocol/tree/buildRewardTree";
import { hashRewardLeaf } from "@meshpay/protocol/tree/hashRewardLeaf";
import { getReceiptId } from "@meshpay/protocol/eip712/getReceiptId";
const revive = (_k, v) => (typeof v === "string" && /^\\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);
const { leaves, receipt, domain } = JSON.parse(process.argv[2], revive);
console.log(JSON.stringify({
  root: buildRewardTree(leaves).root,
  leaf: hashRewardLeaf(leaves[0]),
  receiptId: getReceiptId(receipt, domain),
}));`,
    );
    const input = JSON.stringify({ leaves, receipt, domain }, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
    const { stdout } = await run(process.execPath, [script, input], { cwd: app, env });
    assert.deepEqual(JSON.parse(stdout), {
      root: buildRewardTree(leaves).root,
      leaf: hashRewardLeaf(leaves[0]),
      receiptId: getReceiptId(receipt, domain),
    });
  });

  it("Node entries: native secp256k1 recovery loads from the package", async () => {
    const script = join(app, "node.mjs");
    writeFileSync(
      script,
      `import { createNodeReceiptVerifier } from "@meshpay/protocol/node/createNodeReceiptVerifier";
import { getSessionKeyAddress } from "@meshpay/relay-sdk/receiver/getSessionKeyAddress";
const verifier = await createNodeReceiptVerifier({ domain: { chainId: 1, verifyingContract: "0x${"11".repeat(20)}" } });
console.log(JSON.stringify({ backend: verifier.backendName, address: getSessionKeyAddress("${privateKey}") }));`,
    );
    const out = JSON.parse((await run(process.execPath, [script], { cwd: app, env })).stdout);
    assert.equal(out.backend, "libsecp256k1");
    assert.equal(out.address, getSessionKeyAddress(privateKey));
  });

  it("TypeScript: a file using the packages type-checks against the installed .d.ts, and a wrong argument does not", async () => {
    writeFileSync(
      join(app, "check.ts"),
      `import { buildRewardTree } from "@meshpay/protocol/tree/buildRewardTree";
import type { RewardLeaf } from "@meshpay/protocol/types";
import { createReceiver } from "@meshpay/relay-sdk/receiver/createReceiver";
import type { RelayStore } from "@meshpay/relay-sdk/relay/openRelayStore";
import { createSegmentManifest } from "@meshpay/player/manifest/createSegmentManifest";
const leaf: RewardLeaf = { account: "0x${"11".repeat(20)}", poolId: "0x${"22".repeat(32)}", cumulativeAmount: 1n, epochBytes: 1n, epochAmount: 1n, receiptsRoot: "0x${"33".repeat(32)}" };
const root: \`0x\${string}\` = buildRewardTree([leaf]).root;
// @ts-expect-error cumulativeAmount is a bigint
buildRewardTree([{ ...leaf, cumulativeAmount: "1" }]);
export const used = [root, createReceiver, createSegmentManifest, null as unknown as RelayStore["write"]];
`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2023",
          lib: ["es2023", "DOM"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ["check.ts"],
      }),
    );
    const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
    const result = await run(process.execPath, [tsc, "-p", app], { cwd: app, env }).catch((e) => e);
    assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`);
  });

  it("browser: esbuild (platform browser) bundles the browser entries without node: modules, and refuses the Node-only ones", async () => {
    writeFileSync(
      join(app, "browser.js"),
      `export { buildRewardTree } from "@meshpay/protocol/tree/buildRewardTree";
export { parseBundle } from "@meshpay/protocol/bundle/parseBundle";
export { createReceiptVerifier } from "@meshpay/protocol/createReceiptVerifier";
export { createReceiver } from "@meshpay/relay-sdk/receiver/createReceiver";
export { createMeshpayPlayer } from "@meshpay/player/createMeshpayPlayer";
`,
    );
    const options: BuildOptions = {
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      // p2p-media-loader's own pre-bundled core (with its browser shims), as its docs tell bundlers; see docs/player.md.
      conditions: ["p2pml:core-as-bundle"],
      metafile: true,
      logLevel: "silent",
    };
    // esbuild's failure carries its messages in `errors` (the test reporter cannot print it as it is).
    const result = await build({ ...options, entryPoints: [join(app, "browser.js")], absWorkingDir: app }).catch(
      (e: { errors?: { text: string; location?: { file: string } | null }[] }) => {
        throw new Error(
          `esbuild failed: ${(e.errors ?? []).map((m) => `${m.location?.file ?? ""}: ${m.text}`).join("; ")}`,
        );
      },
    );
    const inputs = Object.keys(result.metafile!.inputs);
    assert.ok(inputs.some((i) => i.includes("node_modules/@meshpay/player/")));
    assert.ok(inputs.some((i) => i.includes("node_modules/hls.js/")));
    for (const input of inputs) {
      assert.ok(!input.startsWith("node:"), input);
      assert.ok(!/node_modules\/(secp256k1|better-sqlite3)\//.test(input), input);
    }
    writeFileSync(join(app, "nodeOnly.js"), `export * from "@meshpay/protocol/node/createNodeReceiptVerifier";\n`);
    const nodeOnly = await build({ ...options, entryPoints: [join(app, "nodeOnly.js")], absWorkingDir: app }).then(
      () => undefined,
      (e: { errors?: { text: string }[] }) => e.errors ?? [],
    );
    assert.ok(nodeOnly && nodeOnly.length > 0, "esbuild bundled a Node-only entry for the browser");
  });

  it("the meshpay command: `npx meshpay --help` runs the built JavaScript; `dev deploy` says it needs a source checkout", async () => {
    const help = await run("npx", ["meshpay", "--help"], { cwd: app, env });
    assert.match(help.stdout, /^Usage: meshpay /);
    for (const command of ["pool", "ticket", "rewards", "claim", "audit"])
      assert.match(help.stdout, new RegExp(`\\n  ${command} `));
    const dev = await run("npx", ["meshpay", "--json", "dev", "deploy"], { cwd: app, env }).catch((e) => e);
    assert.equal(dev.code, 2);
    assert.equal(JSON.parse(dev.stdout).error.code, "SOURCE_CHECKOUT_REQUIRED");
  });
});
