import { encodeAbiParameters } from "viem";
import type { Hex } from "../types.ts";
import { fraudProofAbi } from "./fraudProofAbi.ts";
import type { FraudProofByKind, FraudProofKind } from "./types.ts";

type Param = { readonly name: string; readonly type: string; readonly components?: readonly Param[] };

/**
 * The `proof` bytes of IFraudProver.proveFault(epoch, kind, proof): `abi.encode` of that kind's struct, with the
 * struct ABI generated from IFraudProver.sol (fraudProofAbi.ts). Fields a mode leaves unset are encoded as zero
 * (0, false, the zero address or hash, empty bytes or arrays). Numbers (uint32) and bigints are accepted alike.
 */
export function encodeFraudProof<K extends FraudProofKind>(kind: K, proof: FraudProofByKind[K]): Hex {
  const param = fraudProofAbi[kind] as unknown as Param;
  return encodeAbiParameters([param] as never, [fill(param, proof)] as never);
}

function fill(param: Param, value: unknown): unknown {
  if (param.type.endsWith("[]")) {
    const inner = { ...param, type: param.type.slice(0, -2) };
    return ((value as unknown[] | undefined) ?? []).map((v) => fill(inner, v));
  }
  if (param.type === "tuple") {
    const obj = (value ?? {}) as Record<string, unknown>;
    return Object.fromEntries((param.components ?? []).map((c) => [c.name, fill(c, obj[c.name])]));
  }
  if (value !== undefined) return typeof value === "number" && param.type.startsWith("uint") ? BigInt(value) : value;
  if (param.type === "bool") return false;
  if (param.type === "address") return "0x0000000000000000000000000000000000000000";
  if (param.type === "bytes") return "0x";
  if (param.type.startsWith("bytes")) return `0x${"00".repeat(Number(param.type.slice(5)))}`;
  return 0n;
}
