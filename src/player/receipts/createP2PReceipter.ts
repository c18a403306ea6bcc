import { keccak256 } from "../../protocol/hash/keccak256.ts";
import type { Address, Hex, Keccak256 } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import type { Receiver } from "../../relay-sdk/receiver/createReceiver.ts";
import { PLAYER_CHUNK_BYTES } from "../constants.ts";
import type { SegmentManifest } from "../manifest/SegmentManifest.ts";
import type { PendingReceipt } from "../outbox/OutboxStore.ts";
import { splitIntoChunks } from "./splitIntoChunks.ts";

export type ReceipterStats = {
  /** Bytes p2p-media-loader reported downloading (onChunkDownloaded), by source: what the player counted. */
  httpBytes: number;
  p2pBytes: number;
  /** Bytes of segments completed from a peer (onSegmentLoaded, source p2p). */
  p2pSegmentBytes: number;
  p2pSegments: number;
  httpSegments: number;
  /** Receipts and bytes signed, per payout account. */
  signedReceipts: number;
  signedBytes: number;
  signedBytesByRelay: Record<string, number>;
  /** Peer-delivered bytes not signed for: the peer had no valid card, or it delivered only part of them. */
  unpaidBytes: number;
  unpaidByPeer: Record<string, number>;
  /** Why: no-card (the peer has no valid card), partial (others sent part of it), unpaired (bytes not seen). */
  unpaidByReason: Record<string, number>;
  /** Peer segments refused because a chunk did not match the broadcaster's manifest (played from HTTP instead). */
  corruptSegments: number;
  corruptByPeer: Record<string, number>;
  /** Segments from a peer for which no manifest could be had while content binding is on (nothing signed). */
  unverifiableSegments: number;
};

export type P2PReceipter = {
  /** From onSegmentStart: which segment number a URL is (the HLS media sequence number). */
  segmentStarted(url: string, externalId: number, source: "http" | "p2p", peerId?: string): void;
  /** From onChunkDownloaded. */
  chunkDownloaded(bytesLength: number, source: "http" | "p2p", peerId?: string): void;
  /** From onSegmentError / onSegmentAbort of a peer download: the bytes that peer sent for it are void. */
  segmentFailed(url: string, source: "http" | "p2p" | undefined, peerId?: string): void;
  /**
   * validateP2PSegment: checks the bytes against the manifest (when content binding is on) and keeps them
   * until onSegmentLoaded names the peer. False refuses them: p2p-media-loader drops the peer and refetches.
   */
  validate(url: string, data: ArrayBuffer): Promise<boolean>;
  /** From onSegmentLoaded: signs one receipt per piece the named peer delivered, to its payout account. */
  segmentLoaded(details: {
    segmentUrl: string;
    bytesLength: number;
    downloadSource: "http" | "p2p";
    peerId: string | undefined;
  }): Promise<PendingReceipt[]>;
  stats(): ReceipterStats;
};

export type CreateP2PReceipterOptions = {
  receiver: Pick<Receiver, "signChunk">;
  /** The payout account of a peer, from its verified card; undefined when it has none. */
  resolvePayout(peerId: string): Promise<Address | undefined>;
  /** Where signed receipts go (the outbox's `add`). */
  deliver(receipts: PendingReceipt[]): Promise<void>;
  /** When set, content binding is on: the verified manifest of a segment URL, or undefined if there is none. */
  getManifest?: (segmentUrl: string) => Promise<SegmentManifest | undefined>;
  chunkBytes?: number;
  keccak?: Keccak256;
};

/**
 * The player-independent core of the plugin: pairs the bytes p2p-media-loader validated with the peer that
 * onSegmentLoaded names (by URL), cuts them into PLAYER_CHUNK_BYTES pieces and signs a ChunkReceipt per piece
 * for the peer's payout account. A peer is credited only for the bytes it was seen sending for the segment
 * (onChunkDownloaded), counted from the segment's end, so bytes another source provided are never its own.
 */
export function createP2PReceipter(options: CreateP2PReceipterOptions): P2PReceipter {
  const chunkBytes = options.chunkBytes ?? PLAYER_CHUNK_BYTES;
  const keccak = options.keccak ?? keccak256;
  const sequence = new Map<string, number>();
  const validated = new Map<string, { bytes: Uint8Array; manifest?: SegmentManifest }>();
  // Bytes each peer sent for each segment URL: a peer downloads one segment at a time, so its data messages
  // (onChunkDownloaded, which names no URL) belong to the segment it was last asked for.
  const peerUrl = new Map<string, string>();
  const sentBytes = new Map<string, number>();
  const sentKey = (peerId: string, url: string) => `${peerId}\n${url}`;
  const s: ReceipterStats = {
    httpBytes: 0,
    p2pBytes: 0,
    p2pSegmentBytes: 0,
    p2pSegments: 0,
    httpSegments: 0,
    signedReceipts: 0,
    signedBytes: 0,
    signedBytesByRelay: {},
    unpaidBytes: 0,
    unpaidByPeer: {},
    unpaidByReason: {},
    corruptSegments: 0,
    corruptByPeer: {},
    unverifiableSegments: 0,
  };
  const downloadingFrom = new Map<string, string>();
  const bump = (rec: Record<string, number>, key: string, n: number) => {
    rec[key] = (rec[key] ?? 0) + n;
  };

  return {
    segmentStarted(url, externalId, source, peerId) {
      sequence.set(url, externalId);
      if (source === "p2p" && peerId) {
        downloadingFrom.set(url, peerId);
        peerUrl.set(peerId, url);
      }
      if (sequence.size > 2_000) sequence.delete(sequence.keys().next().value!);
      if (sentBytes.size > 2_000) sentBytes.delete(sentBytes.keys().next().value!);
    },
    chunkDownloaded(bytesLength, source, peerId) {
      if (source === "http") s.httpBytes += bytesLength;
      else {
        s.p2pBytes += bytesLength;
        const url = peerId ? peerUrl.get(peerId) : undefined;
        if (peerId && url)
          sentBytes.set(sentKey(peerId, url), (sentBytes.get(sentKey(peerId, url)) ?? 0) + bytesLength);
      }
    },
    segmentFailed(url) {
      // The bytes a peer sent stay counted for the URL: a resumed download keeps them.
      validated.delete(url);
    },
    async validate(url, data) {
      const bytes = new Uint8Array(data.slice(0));
      if (!options.getManifest) {
        validated.set(url, { bytes });
        return true;
      }
      const manifest = await options.getManifest(url).catch(() => undefined);
      if (!manifest) {
        // Nothing to check against: play nothing unverified from a peer; it is fetched over HTTP instead.
        s.unverifiableSegments++;
        return false;
      }
      const pieces = splitIntoChunks(bytes, manifest.chunkBytes);
      const ok =
        pieces.length === manifest.chunkHashes.length &&
        pieces.every((p, i) => bytesToHex(keccak(p)) === manifest.chunkHashes[i]);
      if (!ok) {
        s.corruptSegments++;
        const peer = downloadingFrom.get(url);
        if (peer) {
          bump(s.corruptByPeer, peer, 1);
          sentBytes.delete(sentKey(peer, url));
        }
        validated.delete(url);
        return false;
      }
      validated.set(url, { bytes, manifest });
      return true;
    },
    async segmentLoaded(d) {
      if (d.downloadSource === "http") {
        s.httpSegments++;
        return [];
      }
      s.p2pSegments++;
      s.p2pSegmentBytes += d.bytesLength;
      const peerId = d.peerId ?? "";
      const seen = sentBytes.get(sentKey(peerId, d.segmentUrl)) ?? 0;
      for (const key of [...sentBytes.keys()]) if (key.endsWith(`\n${d.segmentUrl}`)) sentBytes.delete(key);
      const kept = validated.get(d.segmentUrl);
      validated.delete(d.segmentUrl);
      downloadingFrom.delete(d.segmentUrl);
      const segment = kept?.manifest ? kept.manifest.segment : sequence.get(d.segmentUrl);
      const payout = peerId ? await options.resolvePayout(peerId) : undefined;
      if (!kept || segment === undefined || !payout) {
        s.unpaidBytes += d.bytesLength;
        bump(s.unpaidByPeer, peerId || "unknown", d.bytesLength);
        bump(s.unpaidByReason, !payout ? "no-card" : "unpaired", d.bytesLength);
        return [];
      }
      const pieces = splitIntoChunks(kept.bytes, kept.manifest?.chunkBytes ?? chunkBytes);
      const from = kept.bytes.length - Math.min(seen, kept.bytes.length);
      const out: PendingReceipt[] = [];
      let unpaid = 0;
      pieces.forEach((bytes, chunk) => {
        const start = chunk * (kept.manifest?.chunkBytes ?? chunkBytes);
        if (start < from) {
          unpaid += bytes.length;
          return;
        }
        const r = options.receiver.signChunk({
          bytes,
          relay: payout,
          segment: BigInt(segment),
          chunk,
          ...(kept.manifest ? { expectedChunkHash: kept.manifest.chunkHashes[chunk] as Hex } : {}),
        });
        out.push({ receiptId: r.receiptId, relay: payout, size: bytes.length, receipt: r.json });
      });
      if (unpaid > 0) {
        s.unpaidBytes += unpaid;
        bump(s.unpaidByPeer, peerId, unpaid);
        bump(s.unpaidByReason, "partial", unpaid);
      }
      if (out.length > 0) {
        await options.deliver(out);
        s.signedReceipts += out.length;
        const bytes = out.reduce((n, r) => n + r.size, 0);
        s.signedBytes += bytes;
        bump(s.signedBytesByRelay, payout, bytes);
      }
      return out;
    },
    stats: () => structuredClone(s),
  };
}
