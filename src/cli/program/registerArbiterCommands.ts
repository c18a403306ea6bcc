import type { Command } from "commander";
import type { ReviewChallengeResult } from "../commands/arbiter/reviewChallengeEvidence.ts";
import type { RevokeEpochResult } from "../commands/arbiter/revokeEpoch.ts";
import type { ChallengeDecisionResult } from "../commands/arbiter/sendChallengeDecision.ts";
import type { CliDeps } from "../context/CliDeps.ts";
import { formatUnitsPlain } from "../format/formatAmount.ts";
import { formatRelative, formatTimestamp } from "../format/formatTime.ts";
import { parseDuration } from "../format/parseDuration.ts";
import { renderFields, renderTable } from "../format/renderTable.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";
import { short } from "./renderCommon.ts";

const listChallenges = lazy(() => import("../commands/arbiter/listChallenges.ts"), "listChallenges");
const reviewChallengeEvidence = lazy(
  () => import("../commands/arbiter/reviewChallengeEvidence.ts"),
  "reviewChallengeEvidence",
);
const upholdChallenge = lazy(() => import("../commands/arbiter/upholdChallenge.ts"), "upholdChallenge");
const dismissChallenge = lazy(() => import("../commands/arbiter/dismissChallenge.ts"), "dismissChallenge");
const resolveExpiredChallenge = lazy(
  () => import("../commands/arbiter/resolveExpiredChallenge.ts"),
  "resolveExpiredChallenge",
);

const revokeEpoch = lazy(() => import("../commands/arbiter/revokeEpoch.ts"), "revokeEpoch");

const eth = (wei: bigint) => `${formatUnitsPlain(wei, 18)} ETH`;

export function registerArbiterCommands(program: Command, deps: CliDeps, state: RunState): void {
  const arbiter = program
    .command("arbiter")
    .description(
      "arbiters: review open challenges from public data, uphold or dismiss them (ARBITER_ROLE); resolve expired " +
        "ones (anyone)",
    );
  withExamples(arbiter, "meshpay arbiter list", "meshpay arbiter review 3", "meshpay arbiter uphold 3");

  withExamples(
    arbiter
      .command("list")
      .description(
        "the open challenges: id, epoch, challenger, when opened, the arbiter's deadline and the evidence URI (from " +
          "the chain)",
      )
      .option("--all", "also list challenges already upheld, dismissed, expired or voided")
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) => listChallenges({ all: !!o.all }, ctx),
          (r) => {
            if (r.challenges.length === 0) return r.all ? "No challenge has been opened." : "No open challenges.";
            const table = renderTable(
              ["id", "epoch", ...(r.all ? ["status"] : []), "challenger", "opened", "deadline", "evidence"],
              r.challenges.map((c) => [
                `#${c.challengeId}`,
                String(c.epoch),
                ...(r.all ? [c.status === "open" && c.void ? "open (void)" : c.status] : []),
                short(c.challenger),
                formatTimestamp(c.openedAt),
                c.status !== "open"
                  ? formatTimestamp(c.deadline)
                  : c.void
                    ? "void: its post was rejected"
                    : `${formatTimestamp(c.deadline)} ` +
                      `(${c.deadlinePassed ? "passed" : formatRelative(c.deadline, r.clock)})`,
                c.evidenceURI,
              ]),
              [false, true],
            );
            const expired = r.challenges.filter((c) => c.status === "open" && (c.deadlinePassed || c.void));
            return [
              table,
              ...(expired.length > 0
                ? [
                    "",
                    `Past the arbiter's deadline or void (anyone may close them, bonds refunded): ` +
                      `${expired.map((c) => `meshpay arbiter resolve-expired ${c.challengeId}`).join(", ")}`,
                  ]
                : []),
            ].join("\n");
          },
        ),
      ),
    "meshpay arbiter list",
    "meshpay arbiter list --all --json",
  );

  withExamples(
    arbiter
      .command("review")
      .description(
        "fetch a challenge's evidence, check it against the evidenceHash on chain (bound to the challenger), " +
          "recompute the epoch " +
          "independently from the chain and the bundles, and recommend a verdict (exit 0: the evidence holds; 6: it " +
          "does not)",
      )
      .argument("<challengeId>", "challenge id (meshpay arbiter list)")
      .option("--timeout <duration>", "per download of the evidence and each bundle", "30s")
      .action(
        defineAction(
          deps,
          state,
          ([id], o, ctx) =>
            reviewChallengeEvidence(
              { challengeId: id!, timeoutMs: Number(parseDuration(o.timeout as string, "timeout")) * 1000 },
              ctx,
            ),
          renderReview,
        ),
      ),
    "meshpay arbiter review 3",
    "meshpay arbiter review 3 --json > review-3.json",
  );

  withExamples(
    arbiter
      .command("uphold")
      .description(
        "uphold a challenge (ARBITER_ROLE): its epoch and every later posted one are rejected, the aggregator's bond " +
          "is slashed, the challenger paid",
      )
      .argument("<challengeId>", "challenge id")
      .action(defineAction(deps, state, ([id], _o, ctx) => upholdChallenge({ challengeId: id! }, ctx), renderDecision)),
    "meshpay arbiter uphold 3",
  );

  withExamples(
    arbiter
      .command("dismiss")
      .description(
        "dismiss a challenge (ARBITER_ROLE): the challenger's bond goes to the treasury; the epoch's challenge " +
          "window is not restarted",
      )
      .argument("<challengeId>", "challenge id")
      .action(
        defineAction(deps, state, ([id], _o, ctx) => dismissChallenge({ challengeId: id! }, ctx), renderDecision),
      ),
    "meshpay arbiter dismiss 3",
  );

  withExamples(
    arbiter
      .command("resolve-expired")
      .description(
        "anyone, once the arbiter's deadline has passed (or at once for a void challenge, whose post was rejected): " +
          "close the challenge and refund its bond; the epoch stands, nobody is slashed",
      )
      .argument("<challengeId>", "challenge id")
      .action(
        defineAction(
          deps,
          state,
          ([id], _o, ctx) => resolveExpiredChallenge({ challengeId: id! }, ctx),
          renderDecision,
        ),
      ),
    "meshpay arbiter resolve-expired 3",
  );

  withExamples(
    arbiter
      .command("revoke")
      .description(
        "revoke an epoch already claimable, within its recovery period (ARBITER_ROLE): it and every later epoch are " +
          "rejected, claims fall back to the previous epoch's root, its aggregator's bond goes to the treasury; what " +
          "was paid stays paid",
      )
      .argument("<epoch>", "the claimable epoch to revoke")
      .option(
        "--evidence <file>",
        "the evidence document: evidenceHash = keccak256(abi.encode(arbiter, keccak256(file)))",
      )
      .option("--evidence-hash <bytes32>", "the evidenceHash to record as given (instead of --evidence)")
      .action(
        defineAction(
          deps,
          state,
          ([epoch], o, ctx) =>
            revokeEpoch(
              {
                epoch: epoch!,
                ...(o.evidence ? { evidenceFile: o.evidence as string } : {}),
                ...(o.evidenceHash ? { evidenceHash: o.evidenceHash as string } : {}),
              },
              ctx,
            ),
          renderRevocation,
        ),
      ),
    "meshpay arbiter revoke 12 --evidence evidence-12.json",
  );
}

function renderRevocation(r: RevokeEpochResult): string {
  return [
    `Epoch ${r.epoch} revoked by ${r.arbiter}: epochs ${r.rejectedEpochs.join(", ")} rejected; claims use epoch ` +
      `${r.epoch === 0n ? "(none)" : String(r.epoch - 1n)}'s root again.`,
    renderFields([
      ["claim root", r.claimRoot],
      [
        "aggregator slashed",
        r.slashed ? `${r.slashed.aggregator} lost its bond of ${eth(r.slashed.bond)} to the treasury` : "nothing",
      ],
      ["evidence hash", r.evidenceHash],
      ["transaction", r.transaction],
    ]),
    "",
    `Next: the aggregator posts epoch ${r.epoch} again with repostEpoch (a slashed aggregator must register anew).`,
  ].join("\n");
}

function renderReview(r: ReviewChallengeResult): string {
  const deadline =
    r.status === "open"
      ? `; the arbiter has until ${formatTimestamp(r.deadline)}, ` +
        `${r.deadline > r.clock ? formatRelative(r.deadline, r.clock) : "passed: anyone may resolve it as expired"}`
      : "";
  const evidenceCheck = r.evidence.problem
    ? `FAIL  ${r.evidence.problem}.`
    : `ok    bound to its challenger as committed on chain (keccak256(abi.encode(challenger, keccak256(evidence)))); ` +
      `it is about this deployment's epoch ${r.epoch}`;
  const claims = r.evidence.claims.map((c) => `  ${c.code} (${c.count}): ${c.message}`);
  const mark = (code: string) => (r.confirmed.includes(code) ? "confirmed     " : "not reproduced");
  return [
    `Review of challenge #${r.challengeId} on epoch ${r.epoch} (${r.status}${deadline})`,
    renderFields([
      ["challenger", `${r.challenger} (bond ${eth(r.bond)})`],
      ["opened", formatTimestamp(r.openedAt)],
      ["posted by", `${r.post.aggregator} at block ${r.post.blockNumber} (${formatTimestamp(r.post.postedAt)})`],
      ["posted root", r.post.root],
      ["bundle", `${r.post.bundleURI} (keccak ${r.post.bundleHash})`],
      ["evidence", r.evidence.uri],
      ["evidence hash", `${r.evidence.hash} (on chain)`],
    ]),
    "",
    `Evidence: ${evidenceCheck}`,
    ...(r.evidence.fault
      ? [`The evidence claims ${r.evidence.fault}${r.evidence.summary ? `: ${r.evidence.summary}` : ""}`, ...claims]
      : ["The evidence makes no readable claim."]),
    "",
    `Recomputation from public data (chain + bundles): root ` +
      `${r.recomputation.root ?? "(none: the bundle could not be read)"}${r.recomputation.incomplete ? " (incomplete: the previous bundle is unavailable)" : ""}`,
    ...(r.recomputation.findings.length === 0 ? ["  nothing wrong found"] : []),
    ...r.evidence.claims.map((c) => `  ${mark(c.code)}  ${c.code}`),
    ...r.recomputation.findings
      .filter((f) => r.alsoFound.includes(f.code))
      .map((f) => `  also found      ${f.code} (${f.count}): ${f.message}`),
    "",
    `Recommendation: ${r.recommendation.toUpperCase()}. ${r.reason}`,
    ...(r.status === "open" ? [`Then: meshpay arbiter ${r.recommendation} ${r.challengeId}`] : []),
  ].join("\n");
}

function renderDecision(r: ChallengeDecisionResult): string {
  const epochs = (list: bigint[]) => (list.length === 0 ? "none" : list.join(", "));
  const later = r.rejectedEpochs.filter((e) => e !== r.epoch);
  const lines: string[] = [];
  if (r.decision === "uphold") {
    lines.push(
      `Challenge #${r.challengeId} upheld by ${r.arbiter ?? r.sender}: epoch ${r.epoch} ` +
        `rejected${later.length ? `, and with it the later epochs ${epochs(later)}` : ""}.`,
    );
    lines.push(
      renderFields([
        ["rejected epochs", epochs(r.rejectedEpochs)],
        [
          "aggregator slashed",
          r.slashed
            ? `${r.slashed.aggregator} lost its whole bond of ${eth(r.slashed.bond)}: ${eth(r.slashed.toChallenger)} ` +
              `to the challenger, ${eth(r.slashed.toTreasury)} to the treasury`
            : "nothing (no AggregatorSlashed event)",
        ],
        [
          "challenger",
          `${r.challenger} credited ${eth(r.challengerCredited)} (its ${eth(r.bond)} bond back plus its share), ` +
            `withdrawable with withdrawBalance()`,
        ],
        ...(r.voidedChallenges.length
          ? ([["voided challenges", `${r.voidedChallenges.map((c) => `#${c}`).join(", ")} (bonds credited back)`]] as [
              string,
              string,
            ][])
          : []),
        ["transaction", r.transaction],
      ]),
    );
    lines.push(
      "",
      `Next: the aggregator posts epoch ${r.epoch} again (a slashed aggregator must register anew first).`,
    );
  } else if (r.decision === "dismiss") {
    lines.push(
      `Challenge #${r.challengeId} dismissed by ${r.arbiter ?? r.sender}: the challenger's bond of ${eth(r.bond)} is ` +
        `forfeited to the treasury.`,
    );
    lines.push(
      renderFields([
        ["challenger", r.challenger],
        ["forfeited", `${eth(r.treasuryCredited || r.bond)} to the treasury ${r.treasury}`],
        [
          "epoch",
          `${r.epoch} stands; its challenge window was not restarted and ends ` +
            `${r.windowEndsAt === null ? "as before" : formatTimestamp(r.windowEndsAt)} (contract clock), when it is ` +
            `claimable unless another challenge on it or an earlier epoch is open`,
        ],
        ["transaction", r.transaction],
      ]),
    );
  } else {
    lines.push(
      r.resolution === "voided"
        ? `Challenge #${r.challengeId} closed as void: the post of epoch ${r.epoch} it disputed had been rejected ` +
            `by another decision. Its bond is refunded.`
        : `Challenge #${r.challengeId} resolved as expired (the arbiter did not decide in time): epoch ${r.epoch} ` +
            `stands, nobody is slashed, the challenger's bond is refunded.`,
    );
    lines.push(
      renderFields([
        [
          "challenger",
          `${r.challenger} credited ${eth(r.challengerCredited)} (its bond back), withdrawable with withdrawBalance()`,
        ],
        ...(r.voidedChallenges.length
          ? ([["voided challenges", `${r.voidedChallenges.map((c) => `#${c}`).join(", ")} (bonds credited back)`]] as [
              string,
              string,
            ][])
          : []),
        ["transaction", r.transaction],
      ]),
    );
  }
  return lines.join("\n");
}
