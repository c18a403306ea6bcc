import { INVALID, type SettingKind } from "./setting.ts";

/**
 * The kinds of the PostgreSQL storage settings (`storage.url`, `storage.schema`), shared so both services read them
 * the same way.
 */
export const postgresSettingKinds = {
  /** A postgres:// or postgresql:// connection URL. It may hold a password: never echoed in an error. */
  url: {
    expected: "a postgres:// or postgresql:// URL",
    secret: true,
    parse: (v) => {
      if (typeof v !== "string") return INVALID;
      try {
        return ["postgres:", "postgresql:"].includes(new URL(v).protocol) ? v : INVALID;
      } catch {
        return INVALID;
      }
    },
  } satisfies SettingKind<string>,

  /** A schema name used unquoted in search_path: lowercase letters, digits and _, at most 63 characters. */
  schema: {
    expected: "a schema name (lowercase letters, digits and _, not starting with a digit, at most 63)",
    parse: (v) => (typeof v === "string" && /^[a-z_][a-z0-9_]{0,62}$/.test(v) ? v : INVALID),
  } satisfies SettingKind<string>,
};
