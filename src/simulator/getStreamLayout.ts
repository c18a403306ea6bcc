import { SimulatorError } from "./errors/SimulatorError.ts";

export type StreamParams = {
  /** Stream bitrate in kilobits per second (1 kbit = 1,000 bits). */
  bitrateKbps: number;
  /** Bytes per chunk; the last chunk of a segment carries the remainder. */
  chunkBytes: number;
  /** Segment duration in seconds (the segment number is unix time div segment duration). */
  segmentSeconds: number;
};

export type StreamLayout = {
  segmentMs: number;
  /** Bytes of one segment: bitrate × duration / 8. */
  segmentBytes: number;
  chunksPerSegment: number;
  /** Size of chunk `chunk` of any segment. */
  chunkSize(chunk: number): number;
  /** When chunk `chunk` of a segment is delivered, in ms after the segment starts. */
  chunkOffsetMs(chunk: number): number;
  /** The first chunk slot at or after `timeMs` (unix ms): its segment, chunk and time. */
  slotAtOrAfter(timeMs: number): { segment: number; chunk: number; at: number };
  /** The slot after (segment, chunk). */
  nextSlot(segment: number, chunk: number): { segment: number; chunk: number; at: number };
};

/**
 * How a live stream is cut into chunks: each segment of `segmentSeconds` holds `bitrate × duration / 8` bytes,
 * cut into chunks of `chunkBytes` (the last one shorter), delivered evenly over the segment. Segment numbers
 * are `floor(unix ms / segment ms)`, so they never repeat between runs of the same stream.
 */
export function getStreamLayout(params: StreamParams): StreamLayout {
  const { bitrateKbps, chunkBytes, segmentSeconds } = params;
  if (!(bitrateKbps > 0) || !Number.isFinite(bitrateKbps))
    throw new SimulatorError("INVALID_OPTION", "bitrateKbps must be a positive number.");
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > 0xffff_ffff)
    throw new SimulatorError("INVALID_OPTION", "chunkBytes must be an integer from 1 to 2^32 − 1.");
  const segmentMs = Math.round(segmentSeconds * 1000);
  if (!Number.isSafeInteger(segmentMs) || segmentMs < 1)
    throw new SimulatorError("INVALID_OPTION", "segmentSeconds must be at least 0.001.");
  const segmentBytes = Math.floor((bitrateKbps * 1000 * segmentMs) / 8000);
  if (segmentBytes < 1)
    throw new SimulatorError(
      "INVALID_OPTION",
      "A segment of the stream would hold no bytes: raise the bitrate or segment duration.",
    );
  const chunksPerSegment = Math.ceil(segmentBytes / chunkBytes);
  if (chunksPerSegment > segmentMs)
    throw new SimulatorError(
      "INVALID_OPTION",
      `${chunksPerSegment} chunks per ${segmentMs} ms segment is more than one per millisecond: raise chunkBytes.`,
    );
  const lastSize = segmentBytes - (chunksPerSegment - 1) * chunkBytes;
  const chunkSize = (chunk: number): number => (chunk < chunksPerSegment - 1 ? chunkBytes : lastSize);
  const chunkOffsetMs = (chunk: number): number => Math.floor((chunk * segmentMs) / chunksPerSegment);
  const slot = (segment: number, chunk: number) => ({ segment, chunk, at: segment * segmentMs + chunkOffsetMs(chunk) });
  return {
    segmentMs,
    segmentBytes,
    chunksPerSegment,
    chunkSize,
    chunkOffsetMs,
    slotAtOrAfter(timeMs) {
      const segment = Math.floor(timeMs / segmentMs);
      const into = timeMs - segment * segmentMs;
      for (let chunk = 0; chunk < chunksPerSegment; chunk++)
        if (chunkOffsetMs(chunk) >= into) return slot(segment, chunk);
      return slot(segment + 1, 0);
    },
    nextSlot: (segment, chunk) => (chunk + 1 < chunksPerSegment ? slot(segment, chunk + 1) : slot(segment + 1, 0)),
  };
}
