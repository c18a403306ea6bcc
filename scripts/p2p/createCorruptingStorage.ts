// A p2p-media-loader segment storage for the corrupting viewer of the P2P run: it keeps every segment with its
// last byte flipped, so everything this viewer uploads to peers is corrupt (whatever it got and from where),
// while its own hls.js still plays (one byte of payload in the last TS packet). Test harness only.
import type { SegmentStorage } from "p2p-media-loader-core";

export function createCorruptingStorage(): SegmentStorage {
  const cache = new Map<string, { data: ArrayBuffer; endTime: number }>();
  let onChange: ((streamId: string) => void) | undefined;
  let position = 0;
  const id = (streamId: string, segmentId: number) => `${streamId}|${segmentId}`;
  return {
    async initialize() {},
    onPlaybackUpdated(p) {
      position = p;
    },
    onSegmentRequested() {},
    async storeSegment(_swarm, streamId, segmentId, data, _start, endTime) {
      const bytes = new Uint8Array(data.slice(0));
      if (bytes.length > 0) bytes[bytes.length - 1]! ^= 0x5a;
      cache.set(id(streamId, segmentId), { data: bytes.buffer, endTime });
      for (const [key, item] of cache) if (item.endTime < position - 60) cache.delete(key);
      onChange?.(streamId);
    },
    async getSegmentData(_swarm, streamId, segmentId) {
      return cache.get(id(streamId, segmentId))?.data;
    },
    getUsage: () => ({ totalCapacity: 256 * 1024 * 1024, usedCapacity: 0 }),
    hasSegment: (_swarm, streamId, segmentId) => cache.has(id(streamId, segmentId)),
    getStoredSegmentIds: (_swarm, streamId) =>
      [...cache.keys()].filter((k) => k.startsWith(`${streamId}|`)).map((k) => Number(k.split("|")[1])),
    setSegmentChangeCallback(cb) {
      onChange = cb;
    },
    destroy() {
      cache.clear();
    },
  };
}
