import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Encodes a test pattern (ffmpeg from Debian: testsrc + a sine tone, H.264/AAC) into `seconds / 2` HLS
 * segments of 2 s (seg00000.ts, …) in `dir`, for the origin to publish as a live stream. Returns the names.
 */
export function encodeTestStream(dir: string, seconds: number, videoKbps = 700): string[] {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    "ffmpeg",
    [
      ...["-hide_banner", "-loglevel", "error", "-y"],
      ...["-f", "lavfi", "-i", "testsrc=size=426x240:rate=25"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"],
      ...["-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
      ...["-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-b:v", `${videoKbps}k`],
      ...["-c:a", "aac", "-b:a", "64k", "-f", "hls", "-hls_time", "2", "-hls_list_size", "0"],
      ...["-hls_segment_filename", join(dir, "seg%05d.ts"), join(dir, "vod.m3u8")],
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`ffmpeg failed (${r.status ?? r.error}): ${r.stderr}`);
  return readdirSync(dir)
    .filter((f) => /^seg\d{5}\.ts$/.test(f))
    .sort();
}
