// The viewer page of the P2P run, bundled for the browser (esbuild, --conditions=p2pml:core-as-bundle). What a
// broadcaster's page does (docs/player.md), plus the two misbehaving roles the run needs and some measurements.
import { createMeshpayPlayer, type MeshpayPlayer } from "../../src/player/createMeshpayPlayer.ts";
import { createPeerCard } from "../../src/player/peers/createPeerCard.ts";
import type { Address } from "../../src/protocol/types.ts";
import { createViewerSessionKey } from "../../src/relay-sdk/receiver/createViewerSessionKey.ts";
import { createCorruptingStorage } from "./createCorruptingStorage.ts";

export type ViewerRole = "honest" | "liar" | "corrupt";

export type ViewerConfig = {
  role: ViewerRole;
  payout: Address;
  domain: { chainId: number; verifyingContract: Address };
  trackers: string[];
  swarmId: string;
  contentBinding: boolean;
  liveSyncDurationCount: number;
};

let player: MeshpayPlayer | undefined;
let role: ViewerRole = "honest";
const stalls: number[] = [];
let waitingSince: number | undefined;
const overwrites = { tried: 0, refused: 0 };

export async function start(config: ViewerConfig): Promise<{ viewer: Address; peerId: string | undefined }> {
  role = config.role;
  const sessionKey = createViewerSessionKey();
  const ticket = await fetch("/tickets", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ viewer: sessionKey.address }),
  }).then((r) => r.json());
  const video = document.querySelector("video")!;
  video.muted = true;
  video.addEventListener("waiting", () => {
    waitingSince ??= performance.now();
  });
  video.addEventListener("playing", () => {
    if (waitingSince !== undefined && video.currentTime > 0.5) stalls.push(performance.now() - waitingSince);
    waitingSince = undefined;
  });
  // The liar announces a peer id its card does not hash to (so it could claim to be paid to anyone), and tries
  // to put its card under the ids of the peers it meets.
  const liar =
    role === "liar"
      ? createPeerCard({ swarmId: config.swarmId, payout: config.payout, sessionKey: sessionKey.privateKey })
      : undefined;
  const lyingId = liar ? `MP${liar.peerId.slice(3)}X` : undefined;
  player = await createMeshpayPlayer({
    video,
    src: "/live/stream.m3u8",
    domain: config.domain,
    ticket,
    sessionKey,
    ...(role === "liar" ? {} : { payout: config.payout }),
    aggregatorUrl: location.origin,
    peerDirectoryUrl: `${location.origin}/peers`,
    trackers: config.trackers,
    swarmId: config.swarmId,
    contentBinding: config.contentBinding,
    hls: { liveSyncDurationCount: config.liveSyncDurationCount },
    core: {
      ...(lyingId ? { trackerClientVersionPrefix: lyingId } : {}),
      // The corrupting viewer stores (and so serves to peers) every segment with a flipped byte.
      ...(role === "corrupt" ? { customSegmentStorageFactory: () => createCorruptingStorage() } : {}),
    },
  });
  if (liar && lyingId) {
    await fetch(`/peers/${lyingId}`, { method: "PUT", body: JSON.stringify({ ...liar, peerId: lyingId }) });
    player.hls.p2pEngine.addEventListener("onPeerConnect", ({ peerId }) => {
      overwrites.tried++;
      fetch(`/peers/${peerId}`, { method: "PUT", body: JSON.stringify({ ...liar, peerId }) }).then((r) => {
        if (!r.ok) overwrites.refused++;
      });
    });
  }
  video.play().catch(() => undefined);
  return { viewer: sessionKey.address, peerId: lyingId ?? player.peerId };
}

export function stats() {
  const video = document.querySelector("video")!;
  return {
    role,
    ...player!.stats(),
    stallsMs: stalls,
    currentTime: video.currentTime,
    overwrites,
  };
}

export async function stop() {
  const before = stats();
  const outbox = await player!.destroy();
  return { ...before, outbox };
}

export async function flush() {
  return player!.flush();
}
