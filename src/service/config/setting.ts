import { z } from "zod";

/** What a setting accepts: `expected` says it in words (it ends every error), `parse` gives the value or INVALID. */
export type SettingKind<T> = {
  expected: string;
  parse: (value: unknown) => T | typeof INVALID;
  /** Never echo the given value in an error (private keys). */
  secret?: boolean;
  /** A file system path: relative values are resolved (in the file: against the file's folder; else the cwd). */
  path?: boolean;
  /** No environment variable (lists and maps, which do not fit one). */
  noEnv?: boolean;
};

export const INVALID: unique symbol = Symbol("invalid setting");

/** What the reader, the environment naming rule and the documentation test know about one leaf of a schema. */
export type SettingMeta = {
  kind: SettingKind<unknown>;
  /** The value when absent (undefined: the setting is optional, or `required`). */
  fallback: unknown;
  required: boolean;
};

/** Every leaf made by `setting`, with its meta (zod's typed registry: listSettings reads it). */
export const settingRegistry = z.registry<SettingMeta>();

/**
 * One leaf of a service's configuration schema (zod): absent (or null) gives `fallback` (or undefined when there is
 * none, or a "required" error when `required`); a present value is parsed by `kind`, and a wrong one becomes a zod
 * issue that says what was expected and what was given, so every wrong setting is listed at once
 * (readServiceConfig).
 */
export function setting<T>(kind: SettingKind<T>, options: { fallback: NoInfer<T> }): z.ZodType<T>;
export function setting<T>(kind: SettingKind<T>, options: { required: true }): z.ZodType<T>;
export function setting<T>(kind: SettingKind<T>, options?: Record<string, never>): z.ZodType<T | undefined>;
export function setting<T>(
  kind: SettingKind<T>,
  options: { fallback?: T; required?: boolean } = {},
): z.ZodType<T | undefined> {
  const schema = z
    .unknown()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === null) {
        if (options.required) {
          ctx.addIssue({ code: "custom", message: `required: ${kind.expected}` });
          return z.NEVER;
        }
        return options.fallback;
      }
      const parsed = kind.parse(value);
      if (parsed === INVALID) {
        const given = kind.secret ? "an invalid value" : JSON.stringify(value);
        ctx.addIssue({ code: "custom", message: `expected ${kind.expected}, got ${given}` });
        return z.NEVER;
      }
      return parsed;
    });
  schema.register(settingRegistry, {
    kind: kind as SettingKind<unknown>,
    fallback: options.fallback,
    required: options.required === true,
  });
  return schema as z.ZodType<T | undefined>;
}
