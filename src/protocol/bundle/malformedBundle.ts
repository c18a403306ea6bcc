import { ProtocolError } from "../errors/ProtocolError.ts";

/** The parser's error: BUNDLE_MALFORMED naming the 1-based line and the field. */
export function malformedBundle(
  line: number,
  field: string,
  message: string,
  cause?: unknown,
): ProtocolError<"BUNDLE_MALFORMED"> {
  return new ProtocolError("BUNDLE_MALFORMED", `Bundle line ${line}: ${message}.`, {
    line,
    field,
    ...(cause === undefined ? {} : { cause }),
  });
}
