import type { AggregatorEpoch } from "../../client/types.ts";
import type { ChainView } from "../chain/ExplorerChain.ts";
import type { EpochRow } from "./EpochRow.ts";

/**
 * The epochs timeline, newest first: every posted epoch with its state from the chain (claimable, pending with the
 * end of its window, challenged, proven wrong or rejected), and the epochs not posted yet (open, closed) from the
 * clock the contract uses. The aggregator's list adds receipts and bytes; without it the chain alone is shown.
 */
export function deriveEpochRows(view: ChainView, aggregatorEpochs: AggregatorEpoch[] | null, limit = 40): EpochRow[] {
  const { genesisTime, epochSeconds, graceSeconds } = view.params;
  const now = view.chainTime;
  const current = now < genesisTime ? -1n : (now - genesisTime) / epochSeconds;
  const counts = new Map((aggregatorEpochs ?? []).map((e) => [BigInt(e.epoch), e]));
  const postsByEpoch = new Map<bigint, ChainView["posts"]>();
  for (const p of view.posts) postsByEpoch.set(p.epoch, [...(postsByEpoch.get(p.epoch) ?? []), p]);

  const rows: EpochRow[] = [];
  const newest = current >= view.nextEpoch ? current : view.nextEpoch;
  for (let e = newest; e >= 0n && rows.length < limit; e--) {
    const posts = postsByEpoch.get(e) ?? [];
    const post = posts.at(-1) ?? null;
    const agg = counts.get(e);
    const base = {
      epoch: e,
      rangeFrom: null,
      post,
      attempts: posts.length,
      root: post?.root ?? null,
      receiptCount: agg ? agg.receiptCount : null,
      bytes: agg ? BigInt(agg.bytes) : null,
      challengeId: null,
      note: posts.length > 1 ? `posted ${posts.length} times; earlier attempts were rejected` : null,
    };
    const closesAt = genesisTime + (e + 1n) * epochSeconds + graceSeconds;
    if (!post || e >= view.nextEpoch) {
      if (post?.rejected) {
        rows.push({
          ...base,
          phase: post.rejected.provenWrong ? "proven wrong" : "rejected",
          until: null,
          untilLabel: null,
          challengeId: post.rejected.challengeId,
          note:
            `challenge #${post.rejected.challengeId} ` +
            `${post.rejected.provenWrong ? "was upheld" : "rejected it"}; waiting for a new post`,
        });
        continue;
      }
      const open = now < closesAt;
      // Closed epochs the aggregator has not posted yet (it posts one at a time, in order): one row for the run.
      const lower = postsByEpoch.has(view.nextEpoch) ? view.nextEpoch + 1n : view.nextEpoch;
      if (!open && !post && e > lower + 1n) {
        rows.push({
          ...base,
          rangeFrom: lower,
          phase: "closed",
          until: null,
          untilLabel: null,
          receiptCount: null,
          bytes: null,
          note: `epochs ${lower}–${e} are closed, waiting to be posted in order`,
        });
        e = lower;
        continue;
      }
      rows.push({
        ...base,
        phase: open ? "open" : "closed",
        until: open ? closesAt : null,
        untilLabel: open ? "closes" : null,
        note: open ? null : "closed, waiting to be posted",
      });
      continue;
    }
    const info = view.epochs.get(e);
    if (!info) {
      rows.push({ ...base, phase: "claimable", until: null, untilLabel: null, note: "older than the contract's ring" });
      continue;
    }
    const claimable = info.claimable || (view.latestClaimableEpoch !== null && e <= view.latestClaimableEpoch);
    if (claimable) rows.push({ ...base, phase: "claimable", until: null, untilLabel: null });
    else if (info.openChallenges > 0n) {
      // Several challenges may be open on one post; the epoch is held until the last of them is decided, at the
      // latest by the last arbiter deadline (an expired one leaves the epoch standing).
      const open = view.challenges.filter((c) => c.epoch === e && c.status === "open");
      const deadline = open.reduce<bigint | null>((m, c) => (m === null || c.deadline > m ? c.deadline : m), null);
      rows.push({
        ...base,
        phase: "challenged",
        challengeId: open[0]?.challengeId ?? 0n,
        until: deadline,
        untilLabel: "arbiter deadline",
        note: open.length > 1 ? `${open.length} challenges open` : null,
      });
    } else if (info.claimableAt > now)
      rows.push({ ...base, phase: "pending", until: info.claimableAt, untilLabel: "claimable" });
    else
      rows.push({
        ...base,
        phase: "pending",
        until: null,
        untilLabel: null,
        note: "its window has passed; it becomes claimable once the earlier epochs are settled",
      });
  }
  return rows;
}
