import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

/** A figure in bench-results.json: keys are figure names, values carry their unit. */
export type BenchFigure = { value: number; unit: string };

const resultsPath = resolve(import.meta.dirname, "../../bench-results.json");

/** Merges figures into bench-results.json, keeping the figures other benchmarks wrote. */
export function recordResults(figures: Record<string, BenchFigure>): void {
  const current: Record<string, BenchFigure> = existsSync(resultsPath)
    ? JSON.parse(readFileSync(resultsPath, "utf8"))
    : {};
  for (const [key, figure] of Object.entries(figures)) current[key] = figure;
  const sorted = Object.fromEntries(Object.entries(current).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(resultsPath, `${JSON.stringify(sorted, null, 2)}\n`);
}
