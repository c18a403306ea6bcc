import type { Command } from "commander";
import type { CliDeps } from "../context/CliDeps.ts";
import { renderFields } from "../format/renderTable.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";
import { showAmount } from "./renderCommon.ts";

const auditEpoch = lazy(() => import("../commands/audit/auditEpoch.ts"), "auditEpoch");
const auditProof = lazy(() => import("../commands/audit/auditProof.ts"), "auditProof");

const POOL = "0x5fbdb2315678afecb367f032d93f642f64180aa3000000000000000000000001";

export function registerAuditCommands(program: Command, deps: CliDeps, state: RunState): void {
  const audit = program
    .command("audit")
    .description("auditors: check payouts and epochs from public data (the chain and the published bundles)");
  withExamples(
    audit,
    `meshpay audit proof ${POOL} 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC`,
    "meshpay audit epoch 12",
  );

  withExamples(
    audit
      .command("proof")
      .description(
        "verify one account's payout in one pool: its leaf from the epoch's bundle, proven against the on-chain root " +
          "with meshpay's code and independently with @openzeppelin/merkle-tree",
      )
      .argument("<pool>", "pool id")
      .argument("<account>", "relay account")
      .option("--epoch <n>", "epoch to check (default: the latest claimable, else the latest posted)")
      .option(
        "--bundle <file-or-url>",
        "use this copy of the bundle instead of the posted URI (still checked against the posted hash)",
      )
      .option("--full", "always rebuild the whole tree with @openzeppelin/merkle-tree (slow for large epochs)")
      .action(
        defineAction(
          deps,
          state,
          ([poolId, account], o, ctx) =>
            auditProof(
              {
                poolId: poolId!,
                account: account!,
                epoch: o.epoch as string | undefined,
                bundle: o.bundle as string | undefined,
                full: !!o.full,
              },
              ctx,
            ),
          (r) =>
            [
              `Proof of ${r.account} in pool ${r.poolId}, epoch ${r.epoch} (${r.status})`,
              renderFields([
                ["earned up to epoch", showAmount(r.cumulativeAmount)],
                ["earned in epoch", `${showAmount(r.epochAmount)} for ${r.leaf.epochBytes} bytes`],
                ["claimed so far", showAmount(r.claimed)],
                ["receipts root", r.leaf.receiptsRoot],
                ["leaf hash", r.leafHash],
                ["root (on chain)", r.root],
                ["bundle", `${r.bundle.uri} (${r.bundle.leaves} leaves, keccak ${r.bundle.hash})`],
                ["proof", r.proof.length === 0 ? "(empty: the leaf is the root)" : r.proof.join(`\n${" ".repeat(20)}`)],
              ]),
              "",
              ...r.checks.map((c) => `${c.ok ? "ok  " : "FAIL"}  ${c.check}: ${c.detail}`),
              "",
              r.ok ? "The payout is proven by the on-chain root." : "The proof does NOT check out.",
            ].join("\n"),
        ),
      ),
    `meshpay audit proof ${POOL} 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --epoch 3`,
  );

  withExamples(
    audit
      .command("epoch")
      .description(
        "re-verify every receipt of an epoch's bundle and recompute its leaves, pool totals and root from public " +
          "data only",
      )
      .argument("<epoch>", "epoch number")
      .option("--bundle <file-or-url>", "use this copy of the bundle (still checked against the posted hash)")
      .option("--previous-bundle <file-or-url>", "use this copy of the previous epoch's bundle")
      .action(
        defineAction(
          deps,
          state,
          ([epoch], o, ctx) =>
            auditEpoch(
              {
                epoch: epoch!,
                bundle: o.bundle as string | undefined,
                previousBundle: o.previousBundle as string | undefined,
              },
              ctx,
            ),
          (r) => {
            const c = r.counts;
            const extra = Object.entries(r.findingCounts)
              .filter(([code, n]) => n > r.findings.filter((f) => f.code === code).length)
              .map(([code, n]) => `      … ${n} ${code} findings in all`);
            return [
              `Audit of epoch ${r.epoch} (${r.status})`,
              renderFields([
                ["bundle", `${r.bundle.uri} (${r.bundle.bytes} bytes, keccak ${r.bundle.hash})`],
                ["contents", `${c.pools} pools, ${c.tickets} tickets, ${c.receipts} receipts, ${c.leaves} leaves`],
                ["receipts", `${c.validReceipts} valid, ${c.invalidReceipts} invalid`],
                ["root on chain", r.root],
                ["recomputed root", r.recomputedRoot ?? "(none)"],
              ]),
              "",
              ...(r.ok
                ? [`ok: every receipt verifies and the recomputed root equals the posted root.`]
                : [
                    `MISMATCH: ${Object.values(r.findingCounts).reduce((a, b) => a + b, 0)} finding(s):`,
                    ...r.findings.map((f) => `  ${f.code}: ${f.message}`),
                    ...extra,
                  ]),
            ].join("\n");
          },
        ),
      ),
    "meshpay audit epoch 12",
    "meshpay audit epoch 12 --json > audit-12.json",
  );
}
