import type { ConfigProblem } from "./readServiceConfig.ts";

/** The one-line message of a CONFIG_INVALID error: every problem, `; `-separated. */
export function formatConfigProblems(problems: readonly ConfigProblem[]): string {
  return `Invalid configuration: ${problems.map((p) => p.text).join("; ")}.`;
}
