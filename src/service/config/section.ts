import { z } from "zod";

/**
 * A section of settings (`http`, `chain`, …): an object that refuses keys it does not know (a typo must not fall
 * back to a default silently). An absent or null section is read as an empty one (readServiceConfig).
 */
export function section<const S extends Record<string, z.ZodType>>(shape: S): z.ZodObject<S, z.core.$strict> {
  return z.strictObject(shape);
}
