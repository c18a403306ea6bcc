import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { aggregatorConfigSchema } from "../../../src/aggregator/config/aggregatorConfigSchema.ts";
import { envNameOf } from "../../../src/service/config/envNameOf.ts";
import { listSettings } from "../../../src/service/config/listSettings.ts";
import { verifierConfigSchema } from "../../../src/verifier/config/verifierConfigSchema.ts";

type Row = { setting: string; env: string; default: string; service: string };

/** The rows of the table under "### Settings" in docs/operations.md. */
function settingsTable(): Row[] {
  const text = readFileSync(resolve(import.meta.dirname, "../../../docs/operations.md"), "utf8");
  const section = text.slice(text.indexOf("### Settings\n"));
  const lines = section.split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const table = lines.slice(
    first,
    lines.findIndex((line, i) => i > first && !line.startsWith("|")),
  );
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim());
  assert.deepEqual(cells(table[0]!), ["setting", "env", "type", "default", "service", "meaning"]);
  return table.slice(2).map((line) => {
    const [setting, env, , fallback, service] = cells(line);
    return { setting: setting!.replace(/`/g, ""), env: env!.replace(/`/g, ""), default: fallback!, service: service! };
  });
}

const schemas = { aggregator: aggregatorConfigSchema, verifier: verifierConfigSchema };

describe("the settings table (docs/operations.md)", () => {
  const rows = settingsTable();

  it("has a row for every setting of both services, with its environment variable and whether it is required", () => {
    for (const [service, schema] of Object.entries(schemas) as [keyof typeof schemas, typeof aggregatorConfigSchema][])
      for (const { path, meta } of listSettings(schema).settings) {
        const row = rows.find((r) => r.setting === path && (r.service === service || r.service === "both"));
        assert.ok(row, `${service}'s ${path} has no row`);
        assert.equal(row.env, meta.kind.noEnv ? "— (file only)" : envNameOf(service, path), `${service}'s ${path}`);
        assert.equal(row.default === "required", meta.required, `${service}'s ${path}: required or not`);
      }
  });

  it("has no row for a setting that does not exist, and a `both` row only for a setting both services have", () => {
    const pathsOf = (service: keyof typeof schemas) =>
      listSettings(schemas[service]).settings.map((s) => s.path as string);
    for (const row of rows) {
      const services = row.service === "both" ? (["aggregator", "verifier"] as const) : [row.service as "aggregator"];
      for (const service of services) {
        assert.ok(service in schemas, `${row.setting}: unknown service ${service}`);
        assert.ok(pathsOf(service).includes(row.setting), `${row.setting} is no setting of the ${service}`);
      }
    }
  });
});
