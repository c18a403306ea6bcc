import { type FaultConfig, type FaultKind, faultKinds } from "./faultKinds.ts";

/**
 * Reads a fault from JSON ({"kind":"inflate-bytes","epoch":3,"relay":"0x…"}), a JSON-decoded object, or the short
 * form kind:epoch[:relay]. Throws an Error naming the wrong field.
 */
export function parseFault(value: unknown): FaultConfig {
  let v = value;
  if (typeof v === "string") {
    if (v.trimStart().startsWith("{")) {
      try {
        v = JSON.parse(v);
      } catch (err) {
        throw new Error(`fault: not valid JSON: ${(err as Error).message}`);
      }
    } else {
      const [kind, epoch, relay] = v.split(":");
      v = { kind, epoch: epoch === undefined || epoch === "" ? undefined : Number(epoch), ...(relay ? { relay } : {}) };
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new Error(`fault: must be { kind, epoch, relay? } or kind:epoch[:relay] (got ${JSON.stringify(value)})`);
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!["kind", "epoch", "relay"].includes(key))
      throw new Error(`fault.${key}: unknown setting (known: kind, epoch, relay)`);
  if (typeof o.kind !== "string" || !faultKinds.includes(o.kind as FaultKind))
    throw new Error(`fault.kind: must be one of ${faultKinds.join(", ")} (got ${JSON.stringify(o.kind)})`);
  const epoch = typeof o.epoch === "string" && o.epoch.trim() !== "" ? Number(o.epoch) : o.epoch;
  if (typeof epoch !== "number" || !Number.isInteger(epoch) || epoch < 0)
    throw new Error(`fault.epoch: is required, an integer >= 0 (got ${JSON.stringify(o.epoch)})`);
  if (o.relay === undefined) return { kind: o.kind as FaultKind, epoch };
  if (typeof o.relay !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(o.relay))
    throw new Error(`fault.relay: must be a 0x-prefixed 20-byte hex address (got ${JSON.stringify(o.relay)})`);
  return { kind: o.kind as FaultKind, epoch, relay: o.relay.toLowerCase() as `0x${string}` };
}
