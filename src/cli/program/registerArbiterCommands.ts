import type { Command } from "commander";
import type { ReviewChallengeResult } from "../commands/arbiter/reviewChallengeEvidence.ts";
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
                ...(r.all ? [c.status] : []),
                short(c.challenger),
                formatTimestamp(c.openedAt),
                c.status !== "open"
                  ? formatTimestamp(c.deadline)
                  : `${formatTimestamp(c.deadline)} ` +
                    `(${c.deadlinePassed ? "passed" : formatRelative(c.deadline, r.chainTime)})`,
                c.evidenceURI,
              ]),
              [false, true],
            );
            const expired = r.challenges.filter((c) => c.status === "open" && c.deadlinePassed);
            return [
              table,
              ...(expired.length > 0
                ? [
                    "",
                    `Past the arbiter's deadline (anyone may resolve): ` +
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
        "fetch a challenge's evidence, check its keccak256 against the evidenceHash on chain, recompute the epoch " +
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
        "dismiss a challenge (ARBITER_ROLE): the challenger's bond goes to the treasury and the epoch's challenge " +
          "window starts again",
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
        "anyone, once the arbiter's deadline has passed: reject the challenged epoch and every later posted one " +
          "without slashing anyone; the challenger's bond comes back",
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
}

function renderReview(r: ReviewChallengeResult): string {
  const deadline =
    r.status === "open"
      ? `; the arbiter has until ${formatTimestamp(r.deadline)}, ` +
        `${r.deadline > r.chainTime ? formatRelative(r.deadline, r.chainTime) : "passed: anyone may resolve it as expired"}`
      : "";
  const evidenceCheck = r.evidence.problem
    ? `FAIL  ${r.evidence.problem}.`
    : `ok    its keccak256 is the evidenceHash committed on chain; it is about this deployment's epoch ${r.epoch}`;
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
          `${r.epoch} is pending again: its challenge window restarted and ends ` +
            `${r.windowEndsAt === null ? "later" : formatTimestamp(r.windowEndsAt)}`,
        ],
        ["transaction", r.transaction],
      ]),
    );
  } else {
    lines.push(
      `Challenge #${r.challengeId} resolved as expired (the arbiter did not decide in time): epoch ${r.epoch} ` +
        `rejected${later.length ? `, and with it the later epochs ${epochs(later)}` : ""}, nobody slashed.`,
    );
    lines.push(
      renderFields([
        ["rejected epochs", epochs(r.rejectedEpochs)],
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
