import type { Command } from "commander";
import type { CliDeps } from "../context/CliDeps.ts";
import { CliError } from "../errors/CliError.ts";
import { formatRelative, formatTimestamp } from "../format/formatTime.ts";
import { formatByteSize } from "../format/parseByteSize.ts";
import { renderFields, renderTable } from "../format/renderTable.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";
import { showAmount } from "./renderCommon.ts";

const claimRewards = lazy(() => import("../commands/relay/claimRewards.ts"), "claimRewards");
const claimViaVerifier = lazy(() => import("../commands/relay/claimViaVerifier.ts"), "claimViaVerifier");
const getRewards = lazy(() => import("../commands/relay/getRewards.ts"), "getRewards");
const revokeClaimAuthorizations = lazy(
  () => import("../commands/claim/revokeClaimAuthorizations.ts"),
  "revokeClaimAuthorizations",
);
const setClaimRelayer = lazy(() => import("../commands/claim/setClaimRelayer.ts"), "setClaimRelayer");
const listReceipts = lazy(() => import("../commands/relay/listReceipts.ts"), "listReceipts");

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerRelayCommands(program: Command, deps: CliDeps, state: RunState): void {
  withExamples(
    program
      .command("rewards")
      .description(
        "relay operators: per pool, what you earned, can claim now, have pending in the challenge window, and claimed",
      )
      .option("--account <address>", "relay account to look at (default: your key's address)")
      .option(
        "--aggregator <url>",
        "aggregator to read leaves and proofs from (default: MESHPAY_AGGREGATOR_URL, else the deployment file's " +
          "aggregatorUrl); the epoch bundles if it does not answer",
      )
      .option("--no-aggregator", "read the public epoch bundles, not the aggregator")
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) =>
            getRewards(
              { account: o.account as string | undefined, aggregator: o.aggregator as string | boolean | undefined },
              ctx,
            ),
          (r) => {
            if (r.latestPostedEpoch === null)
              return `No epoch has been posted yet: ${r.account} has no rewards to show.`;
            const head =
              `Rewards of ${r.account} (latest posted epoch ` +
              `${r.latestPostedEpoch}${r.latestClaimableEpoch === null ? ", none claimable yet" : `, latest claimable ${r.latestClaimableEpoch}`}; leaves from the ${r.source === "bundle" ? "epoch bundles" : "aggregator"})`;
            if (r.pools.length === 0) return `${head}\n\nNo rewards in any pool yet.`;
            return [
              head,
              "",
              renderTable(
                ["pool", "earned", "claimable now", "pending", "claimed"],
                r.pools.map((p) => [
                  p.poolId,
                  showAmount(p.earned),
                  showAmount(p.claimable),
                  showAmount(p.pending),
                  showAmount(p.claimed),
                ]),
                [false, true, true, true, true],
              ),
              ...(r.pendingUntil !== null && r.pools.some((p) => p.pending.units !== "0")
                ? [
                    "",
                    `Pending rewards become claimable ${formatRelative(r.pendingUntil, r.chainTime)} ` +
                      `(${formatTimestamp(r.pendingUntil)}) unless challenged.`,
                  ]
                : []),
            ].join("\n");
          },
        ),
      ),
    "meshpay rewards",
    "meshpay rewards --account 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --json",
    "meshpay rewards --aggregator https://aggregator.example.com",
    "meshpay rewards --no-aggregator",
  );

  const claim = program.command("claim");
  withExamples(
    claim
      .description(
        "relay operators: claim everything claimable now, all pools in one transaction (or through a verifier's " +
          "relayer with --via)",
      )
      .option(
        "--account <address>",
        "claim for this account (tokens always go to it; default: your key's address). Not with --via",
      )
      .option("--pool <pool>", "only this pool (repeatable)", collect)
      .option(
        "--via <verifier-url>",
        "sign a ClaimAuthorization and let the verifier's relayer send the claim for a fee",
      )
      .option("--max-fee <amount>", "with --via: most fee per pool in token units (default 1% of the amount)")
      .option("--recipient <address>", "with --via: who receives the tokens (default: your address)")
      .option("--valid-for <duration>", "with --via: how long the authorization is valid", "1h")
      .option("--timeout <duration>", "with --via: how long to wait for the payment", "10m")
      .option(
        "--aggregator <url>",
        "aggregator to read leaves and proofs from (default: MESHPAY_AGGREGATOR_URL, else the deployment file's " +
          "aggregatorUrl); the epoch bundles if it does not answer",
      )
      .option("--no-aggregator", "read the public epoch bundles, not the aggregator")
      .action(
        defineAction(
          deps,
          state,
          async (_p, o, ctx) => {
            const common = {
              pool: o.pool as string[] | undefined,
              aggregator: o.aggregator as string | boolean | undefined,
            };
            if (o.via) {
              if (o.account)
                throw new CliError(
                  "USAGE",
                  "--account cannot be used with --via: the authorization is signed by the account's own key.",
                );
              return await claimViaVerifier(
                {
                  ...common,
                  via: o.via as string,
                  maxFee: o.maxFee as string | undefined,
                  recipient: o.recipient as string | undefined,
                  validFor: o.validFor as string,
                  timeout: o.timeout as string,
                },
                ctx,
              );
            }
            return await claimRewards({ ...common, account: o.account as string | undefined }, ctx);
          },
          (r) => {
            if (!("claims" in r)) {
              const d = r;
              return [
                `Claimed for ${d.account} against epoch ${d.epoch} (${d.method}, one transaction ${d.transaction}):`,
                renderTable(
                  ["pool", "paid"],
                  d.paid.map((p) => [p.poolId, showAmount(p.amount)]),
                  [false, true],
                ),
                ...(d.stillPending.length > 0
                  ? [
                      "",
                      `Still pending in the challenge window: ` +
                        `${d.stillPending.map((p) => showAmount(p.amount)).join(", ")}.`,
                    ]
                  : []),
              ].join("\n");
            }
            const v = r;
            return [
              `Claimed for ${v.account} through ${v.verifier}, paid to ${v.recipient}:`,
              renderTable(
                ["pool", "amount", "fee", "status", "transaction"],
                v.claims.map((c) => [
                  c.poolId,
                  showAmount(c.amount),
                  c.fee ? showAmount(c.fee) : `≤ ${showAmount(c.maxFee)}`,
                  c.status,
                  c.transaction ?? "",
                ]),
                [false, true, true, false, false],
              ),
            ].join("\n");
          },
        ),
      ),
    "meshpay claim",
    "meshpay claim --via https://verifier.example.com --max-fee 0.5",
    "meshpay claim revoke-authorizations <pool>",
    "meshpay claim set-relayer 0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  );

  withExamples(
    claim
      .command("revoke-authorizations")
      .description(
        "retire every ClaimAuthorization you signed for the pool(s) so far (or those below --below): no relayer can " +
          "use them any more",
      )
      .argument("<pools...>", "pool id(s)")
      .option("--below <nonce>", "retire only the authorizations with a nonce below this one")
      .action(
        defineAction(
          deps,
          state,
          (pools, o, ctx) =>
            revokeClaimAuthorizations({ pools, ...(o.below ? { below: o.below as string } : {}) }, ctx),
          (r) =>
            [
              `Claim authorizations of ${r.account} retired:`,
              renderTable(
                ["pool", "retired below nonce", "was", "transaction"],
                r.pools.map((p) => [p.poolId, String(p.nonce), String(p.previousNonce), p.transaction]),
                [false, true, true, false],
              ),
              "",
              "Authorizations signed from now on must use a nonce at or above the new one.",
            ].join("\n"),
        ),
      ),
    "meshpay claim revoke-authorizations 0x5fbdb2315678afecb367f032d93f642f64180aa3000000000000000000000001",
  );

  withExamples(
    claim
      .command("set-relayer")
      .description(
        "bind your ClaimAuthorizations (all pools) to one relayer: only it may submit them (--any lifts the binding)",
      )
      .argument("[relayer]", "the relayer's account (the verifier's claims sender)")
      .option("--any", "let any relayer submit them again")
      .action(
        defineAction(
          deps,
          state,
          ([relayer], o, ctx) => setClaimRelayer({ ...(relayer ? { relayer } : {}), any: !!o.any }, ctx),
          (r) =>
            [
              r.relayer === "0x0000000000000000000000000000000000000000"
                ? `Claim authorizations of ${r.account} may be submitted by any relayer again ` +
                  `(was bound to ${r.previousRelayer}).`
                : `Claim authorizations of ${r.account} may now be submitted only by ${r.relayer}.`,
              `transaction: ${r.transaction}`,
            ].join("\n"),
        ),
      ),
    "meshpay claim set-relayer 0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "meshpay claim set-relayer --any",
  );

  withExamples(
    program
      .command("receipts")
      .description(
        "relay operators: what the local relay store holds — receipts stored, submitted and accepted per pool and " +
          "epoch, rejected and why",
      )
      .option("--store <file>", "the relay SDK's SQLite file (default: MESHPAY_RELAY_STORE or .meshpay/relay.sqlite)")
      .option("--list <status>", "also list receipts: pending, submitting, accepted, rejected, failed or all")
      .option("--limit <n>", "how many receipts --list shows", "20")
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) =>
            listReceipts(
              { store: o.store as string | undefined, list: o.list as string | undefined, limit: o.limit as string },
              ctx,
            ),
          (r) => {
            const t = r.totals;
            const row = (label: string, v: { receipts: number; bytes: number }) => [
              label,
              String(v.receipts),
              formatByteSize(BigInt(v.bytes)),
            ];
            const lines = [
              `Relay store ${r.store}`,
              renderFields([
                ["relay", r.relay],
                ["chain", `${r.chainId}, distributor ${r.distributor}`],
                ["batches", `${r.batches.done} answered, ${r.batches.open} open, ${r.batches.failed} failed`],
              ]),
              "",
              renderTable(
                ["receipts", "count", "bytes"],
                [
                  row("stored", t.stored),
                  row("not sent yet", t.pending),
                  row("submitted", t.submitted),
                  row("  awaiting answer", t.submitting),
                  row("  accepted", t.accepted),
                  row("  rejected", t.rejected),
                  row("  failed (resend)", t.failed),
                ],
                [false, true, true],
              ),
            ];
            if (r.byPool.length > 0)
              lines.push(
                "",
                renderTable(
                  ["pool", "epoch", "status", "receipts", "bytes"],
                  r.byPool.map((b) => [
                    b.poolId,
                    b.epoch === null ? "-" : String(b.epoch),
                    b.status,
                    String(b.receipts),
                    formatByteSize(BigInt(b.bytes)),
                  ]),
                  [false, true, false, true, true],
                ),
              );
            if (r.lastError)
              lines.push(
                "",
                `Last error: ${r.lastError.code}: ${r.lastError.message} (batch ${r.lastError.batch}, ` +
                  `${new Date(r.lastError.at).toISOString()})`,
              );
            if (r.receipts)
              lines.push(
                "",
                r.receipts.length === 0
                  ? "No receipts with that status."
                  : renderTable(
                      ["receipt", "status", "epoch", "size", "errors"],
                      r.receipts.map((x) => [
                        x.receiptId,
                        x.status,
                        x.epoch === null ? "-" : String(x.epoch),
                        String(x.size),
                        x.errors.map((e) => e.code).join(", "),
                      ]),
                      [false, false, true, true, false],
                    ),
              );
            return lines.join("\n");
          },
        ),
      ),
    "meshpay receipts --store /var/lib/relay/relay.sqlite",
    "meshpay receipts --store relay.sqlite --list rejected",
  );
}
