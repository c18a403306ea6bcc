import type { Command } from "commander";
import type { CliDeps, CommandContext, GlobalOptions } from "../context/CliDeps.ts";
import { type ExitCode, exitCodes } from "../errors/exitCodes.ts";
import { createOutput } from "../output/createOutput.ts";

/** Shared between the program and its actions: the exit code the run ends with. */
export type RunState = { exitCode: ExitCode; json: boolean };

/**
 * A commander action that builds the CommandContext, calls the command function with the positional arguments and
 * options, and prints its result (JSON with --json, else `render`). A result with `ok: false` (an audit that found a
 * mismatch) is printed and ends with exit code 6. Errors propagate to runMeshpay, which prints them.
 */
export function defineAction<R>(
  deps: CliDeps,
  state: RunState,
  run: (positional: string[], options: Record<string, unknown>, ctx: CommandContext) => Promise<R>,
  render: (result: R) => string,
) {
  return async (...params: unknown[]) => {
    const command = params.at(-1) as Command;
    const options = params.at(-2) as Record<string, unknown>;
    const positional = params.slice(0, -2).flat() as string[];
    const globals = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const ctx: CommandContext = {
      deps,
      globals: {
        json: !!globals.json,
        deployment: globals.deployment as string | undefined,
        rpc: globals.rpc as string | undefined,
        keystore: globals.keystore as string | undefined,
      },
      output: createOutput(deps, !!globals.json),
    };
    state.json = ctx.globals.json;
    const result = await run(positional, options, ctx);
    ctx.output.result(result, render);
    if (result && typeof result === "object" && (result as { ok?: unknown }).ok === false)
      state.exitCode = exitCodes.auditMismatch;
  };
}

/** Adds the "Example" section every command's --help shows. */
export function withExamples(command: Command, ...examples: string[]): Command {
  return command.addHelpText(
    "after",
    `\nExample${examples.length > 1 ? "s" : ""}:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n`,
  );
}
