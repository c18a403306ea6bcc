import { CommanderError } from "commander";
import { toJsonSafe } from "../../protocol/utils/toJsonSafe.ts";
import type { CliDeps } from "../context/CliDeps.ts";
import { CliError } from "../errors/CliError.ts";
import { type ExitCode, exitCodes } from "../errors/exitCodes.ts";
import { createProgram } from "./createProgram.ts";
import type { RunState } from "./defineAction.ts";

/** Options that would put a secret on the command line (shell history, `ps`): refused before anything runs. */
const SECRET_OPTIONS = /^--?(private-?key|privatekey|pk|secret-?key|mnemonic|seed|password|keystore-password)(=.*)?$/i;

/**
 * Runs `meshpay` with `argv` (without the node and script paths) and returns the exit code. Prints the result, or the
 * error: `error: <sentence>` and a hint on stderr, or `{ "error": {...} }` on stdout with --json.
 */
export async function runMeshpay(argv: string[], deps: CliDeps): Promise<ExitCode> {
  const state: RunState = { exitCode: exitCodes.ok, json: argv.includes("--json") };
  try {
    const secret = argv.find((a) => SECRET_OPTIONS.test(a));
    if (secret)
      throw new CliError(
        "PRIVATE_KEY_ARGUMENT",
        `${secret.split("=")[0]} is refused: secrets never go on the command line, where shell history and process ` +
          `lists keep them.`,
        {
          hint:
            "Set MESHPAY_PRIVATE_KEY in the environment, or use an encrypted keystore: `meshpay key import` then " +
            "--keystore <file> (password from MESHPAY_KEYSTORE_PASSWORD or typed).",
        },
      );
    let usage: string | undefined;
    const program = createProgram(deps, state, (message) => {
      usage = message;
    });
    try {
      await program.parseAsync(argv, { from: "user" });
    } catch (err) {
      if (err instanceof CommanderError) {
        if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
          return exitCodes.ok;
        if (err.code === "commander.executeSubCommandAsync" || err.exitCode === 0) return exitCodes.ok;
        throw new CliError("USAGE", usage ?? err.message.replace(/^error: /, ""), {
          hint: "Add --help for usage and an example.",
        });
      }
      throw err;
    }
    return state.exitCode;
  } catch (err) {
    const e = err instanceof CliError ? err : (await import("../errors/toCliError.ts")).toCliError(err);
    if (state.json) deps.stdout.write(`${JSON.stringify({ error: toJsonSafe(e.toJSON()) }, null, 2)}\n`);
    else {
      deps.stderr.write(`error: ${e.shortMessage}\n`);
      if (e.hint) deps.stderr.write(`hint: ${e.hint}\n`);
      if (e.code === "INTERNAL" && deps.env.MESHPAY_DEBUG)
        deps.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      else if (e.code === "INTERNAL") deps.stderr.write("(set MESHPAY_DEBUG=1 for the stack trace)\n");
    }
    return e.exitCode;
  }
}
