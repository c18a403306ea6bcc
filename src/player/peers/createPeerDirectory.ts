import type { Address } from "../../protocol/types.ts";
import type { SignedPeerCard } from "./PeerCard.ts";
import { verifyPeerCard } from "./verifyPeerCard.ts";

export type PeerDirectory = {
  /** Publishes this relay's card (PUT {url}/{peerId}); resolves once the directory stored it. */
  publish(card: SignedPeerCard): Promise<void>;
  /**
   * The payout account of the peer `peerId`, from a card the directory holds and that verifies (verifyPeerCard);
   * undefined when there is no card or it does not verify. Verified answers are cached; misses are asked again
   * after `retryMissAfterMs`.
   */
  resolve(peerId: string): Promise<Address | undefined>;
  /** Cards refused because they did not verify (a lying peer or directory), by peer id. */
  readonly refused: ReadonlyMap<string, string>;
};

/**
 * Client of a peer-card directory: a plain HTTP store (`PUT` and `GET {url}/{peerId}`) that the broadcaster
 * runs beside its signalling. The directory is not trusted: every card is checked against the peer id it is
 * for, so the worst a lying directory or peer can do is make a delivery go unpaid.
 */
export function createPeerDirectory(options: {
  url: string;
  swarmId: string;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  retryMissAfterMs?: number;
}): PeerDirectory {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? Date.now;
  const retryMissAfterMs = options.retryMissAfterMs ?? 2_000;
  const base = options.url.replace(/\/+$/, "");
  const known = new Map<string, Address>();
  const misses = new Map<string, number>();
  const refused = new Map<string, string>();
  const inflight = new Map<string, Promise<Address | undefined>>();

  async function lookup(peerId: string): Promise<Address | undefined> {
    let body: unknown;
    try {
      const res = await doFetch(`${base}/${encodeURIComponent(peerId)}`, { headers: { accept: "application/json" } });
      if (!res.ok) return undefined;
      body = await res.json();
    } catch {
      return undefined;
    }
    try {
      const payout = verifyPeerCard(body, { peerId, swarmId: options.swarmId });
      refused.delete(peerId);
      return payout;
    } catch (error) {
      refused.set(peerId, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  return {
    refused,
    async publish(card) {
      const res = await doFetch(`${base}/${encodeURIComponent(card.peerId)}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(card),
      });
      if (!res.ok) throw new Error(`The peer directory answered ${res.status} to this relay's card.`);
    },
    async resolve(peerId) {
      const hit = known.get(peerId);
      if (hit) return hit;
      const missedAt = misses.get(peerId);
      if (missedAt !== undefined && now() - missedAt < retryMissAfterMs) return undefined;
      let pending = inflight.get(peerId);
      if (!pending) {
        pending = lookup(peerId).finally(() => inflight.delete(peerId));
        inflight.set(peerId, pending);
      }
      const payout = await pending;
      if (payout) {
        known.set(peerId, payout);
        misses.delete(peerId);
      } else misses.set(peerId, now());
      return payout;
    },
  };
}
