import Hls, { type HlsConfig } from "hls.js";
import type { CoreConfig, CoreEventMap } from "p2p-media-loader-core";
import { HlsJsP2PEngine, type HlsWithP2PInstance } from "p2p-media-loader-hlsjs";
import { recoverViewerTicketSigner } from "../protocol/messages/recoverViewerTicketSigner.ts";
import type { Address, Hex, MeshpayDomain } from "../protocol/types.ts";
import type { SignedViewerTicketJson } from "../protocol/wire/jsonTypes.ts";
import { signedViewerTicketFromJson } from "../protocol/wire/signedViewerTicketFromJson.ts";
import { createReceiver } from "../relay-sdk/receiver/createReceiver.ts";
import type { ViewerSessionKey } from "../relay-sdk/receiver/createViewerSessionKey.ts";
import { createManifestCache } from "./manifest/createManifestCache.ts";
import { createReceiptOutbox, type OutboxStats } from "./outbox/createReceiptOutbox.ts";
import type { OutboxStore } from "./outbox/OutboxStore.ts";
import { openIndexedDbOutboxStore } from "./outbox/openIndexedDbOutboxStore.ts";
import { createPeerCard } from "./peers/createPeerCard.ts";
import { createPeerDirectory } from "./peers/createPeerDirectory.ts";
import { createP2PReceipter, type ReceipterStats } from "./receipts/createP2PReceipter.ts";

export type MeshpayPlayerOptions = {
  /** The <video> element to play into and the HLS playlist URL. */
  video: HTMLVideoElement;
  src: string;
  /** The EIP-712 domain of the pool's RewardDistributor. */
  domain: MeshpayDomain;
  /** The viewer's ticket (from the broadcaster's backend) and the session key it names as viewer. */
  ticket: SignedViewerTicketJson;
  sessionKey: ViewerSessionKey;
  /** This viewer's payout account if it relays to others; without it, it uploads for nobody's credit. */
  payout?: Address;
  /** Where receipts go: the aggregator, or a same-origin proxy of its POST /v1/receipts. */
  aggregatorUrl: string;
  /** The peer-card directory (PUT/GET {url}/{peerId}). */
  peerDirectoryUrl: string;
  /** WebTorrent trackers and the swarm id (one per stream). */
  trackers: string[];
  swarmId: string;
  /** Content binding: check every peer-delivered segment against `<segment URL>.meshpay.json`, signed by the
   * ticket's signer; corrupted or unverifiable segments are refused (fetched over HTTP) and never signed for. */
  contentBinding?: boolean;
  rtcConfig?: RTCConfiguration;
  /** Passed through to p2p-media-loader's core and to hls.js (live defaults below). */
  core?: Partial<CoreConfig>;
  hls?: Partial<HlsConfig>;
  /** Receipt store; default IndexedDB database `meshpay-outbox-<viewer>`. */
  store?: OutboxStore;
  flushIntervalMs?: number;
};

export type MeshpayPlayer = {
  hls: HlsWithP2PInstance<Hls>;
  /** This viewer's p2p-media-loader peer id (it commits to its peer card when `payout` is set). */
  peerId: string | undefined;
  stats(): { receipts: ReceipterStats; outbox: OutboxStats; refusedCards: Record<string, string> };
  /** Sends every stored receipt now (also runs every flushIntervalMs). */
  flush(): Promise<OutboxStats>;
  /** Stops playback and P2P, then sends what is left. */
  destroy(): Promise<OutboxStats>;
};

/**
 * hls.js with p2p-media-loader and meshpay receipts: every segment a peer delivered becomes signed ChunkReceipts
 * (one per PLAYER_CHUNK_BYTES piece) for that peer's payout account, stored in IndexedDB and posted to the
 * aggregator with the relay SDK's retry and idempotency rules. See docs/player.md.
 */
export async function createMeshpayPlayer(options: MeshpayPlayerOptions): Promise<MeshpayPlayer> {
  const ticket = signedViewerTicketFromJson(options.ticket);
  const receiver = createReceiver({ domain: options.domain, ticket, sessionKey: options.sessionKey });
  const store = options.store ?? (await openIndexedDbOutboxStore(`meshpay-outbox-${receiver.viewer}`));
  const outbox = await createReceiptOutbox({
    aggregatorUrl: options.aggregatorUrl,
    ticket: options.ticket,
    store,
    keyPrefix: receiver.viewer.slice(2, 18),
  });
  const directory = createPeerDirectory({ url: options.peerDirectoryUrl, swarmId: options.swarmId });
  const card = options.payout
    ? createPeerCard({ swarmId: options.swarmId, payout: options.payout, sessionKey: options.sessionKey.privateKey })
    : undefined;
  if (card) await directory.publish(card);
  const manifests = options.contentBinding
    ? createManifestCache({
        poolId: ticket.ticket.poolId as Hex,
        signer: recoverViewerTicketSigner(ticket, options.domain),
      })
    : undefined;
  const receipter = createP2PReceipter({
    receiver,
    resolvePayout: (peerId) => directory.resolve(peerId),
    // Send as soon as a segment is signed for (the timer below catches whatever a failed attempt left).
    deliver: async (items) => {
      await outbox.add(items);
      outbox.flush().catch(() => undefined);
    },
    ...(manifests ? { getManifest: (url: string) => manifests.get(url) } : {}),
  });

  const HlsWithP2P = HlsJsP2PEngine.injectMixin(Hls);
  const hls = new HlsWithP2P({
    liveSyncDurationCount: 6,
    ...options.hls,
    p2p: {
      core: {
        announceTrackers: options.trackers,
        swarmId: options.swarmId,
        rtcConfig: options.rtcConfig ?? { iceServers: [] },
        // Live: hls.js plays liveSyncDurationCount segments behind the edge. A high-demand window shorter than
        // that delay leaves peers time to serve a new segment before it becomes urgent (then HTTP).
        highDemandTimeWindow: 4,
        httpDownloadTimeWindow: 6,
        p2pDownloadTimeWindow: 30,
        ...(card ? { trackerClientVersionPrefix: card.peerId } : {}),
        ...options.core,
        validateP2PSegment: (url, _range, data) => receipter.validate(url, data),
      },
      onHlsJsCreated(h) {
        const on = <K extends keyof CoreEventMap>(name: K, fn: CoreEventMap[K]) =>
          h.p2pEngine.addEventListener(name, fn);
        on("onSegmentStart", (d) =>
          receipter.segmentStarted(d.segment.url, d.segment.externalId, d.downloadSource, d.peerId),
        );
        on("onChunkDownloaded", (n, source, peerId) => receipter.chunkDownloaded(n, source, peerId));
        on("onSegmentError", (d) => receipter.segmentFailed(d.segment.url, d.downloadSource, d.peerId));
        on("onSegmentAbort", (d) => receipter.segmentFailed(d.segment.url, d.downloadSource, d.peerId));
        on("onSegmentLoaded", (d) => {
          receipter.segmentLoaded(d).catch(() => undefined);
        });
      },
    },
  });
  hls.attachMedia(options.video);
  hls.loadSource(options.src);
  outbox.start(options.flushIntervalMs ?? 2_000);

  return {
    hls,
    peerId: card?.peerId,
    stats: () => ({
      receipts: receipter.stats(),
      outbox: outbox.stats(),
      refusedCards: Object.fromEntries(directory.refused),
    }),
    flush: () => outbox.flush(),
    async destroy() {
      hls.destroy();
      outbox.stop();
      return outbox.flush();
    },
  };
}
