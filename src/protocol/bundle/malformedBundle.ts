import { ProtocolError } from "../errors/ProtocolError.ts";

/**
 * The parser's error: BUNDLE_MALFORMED naming the 1-based line (v1) or record (v2, `unit` "record") and the field.
 * Fields in parentheses name the file rather than a field: "(file)" truncated or misframed, "(line)"/"(record)" a
 * line or record out of place; "format" bytes of no bundle format, "version" an unknown format version, "type" an
 * unknown line or record type.
 */
export function malformedBundle(
  line: number,
  field: string,
  message: string,
  cause?: unknown,
  unit: "line" | "record" = "line",
): ProtocolError<"BUNDLE_MALFORMED"> {
  return new ProtocolError("BUNDLE_MALFORMED", `Bundle ${unit} ${line}: ${message}.`, {
    line,
    field,
    ...(cause === undefined ? {} : { cause }),
  });
}
