import { Command } from "commander";
import type { CliDeps } from "../context/CliDeps.ts";
import { type RunState, withExamples } from "./defineAction.ts";
import { registerArbiterCommands } from "./registerArbiterCommands.ts";
import { registerAuditCommands } from "./registerAuditCommands.ts";
import { registerDeployCommand } from "./registerDeployCommand.ts";
import { registerDevCommands } from "./registerDevCommands.ts";
import { registerExplorerCommand } from "./registerExplorerCommand.ts";
import { registerKeyCommands } from "./registerKeyCommands.ts";
import { registerPoolCommands } from "./registerPoolCommands.ts";
import { registerRelayCommands } from "./registerRelayCommands.ts";
import { registerTicketCommands } from "./registerTicketCommands.ts";

export const EXIT_CODES_HELP = `
Keys come from MESHPAY_PRIVATE_KEY or an encrypted keystore (meshpay key new|import), never from the command line.

Exit codes:
  0  ok
  1  failure (bad file, wrong password, unexpected answer)
  2  usage error (bad arguments or options, no key or deployment configured)
  3  chain RPC or service unreachable
  4  refused: the contract reverted (decoded), a transaction failed, not enough tokens or gas, wrong key
  5  nothing to do (e.g. nothing to claim)
  6  audit mismatch (public data does not check out)
`;

/** The `meshpay` command tree. Commander calls `exitOverride`, so nothing here exits the process. */
export function createProgram(deps: CliDeps, state: RunState, onCommanderError: (message: string) => void): Command {
  const program = new Command("meshpay")
    .description("meshpay: reward pools, claims and audits for peer-to-peer live-video relays")
    .version("0.1.0", "-V, --version")
    .option("--json", "print the result as JSON on stdout (errors too)")
    .option("--deployment <file>", "deployment file (default: MESHPAY_DEPLOYMENT or .meshpay/deployment.json)")
    .option("--rpc <url>", "JSON-RPC URL (default: MESHPAY_RPC_URL or the deployment's rpcUrl)")
    .option("--keystore <file>", "encrypted keystore (default: MESHPAY_KEYSTORE or ~/.meshpay/keystore.json)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      outputError: (message) => onCommanderError(message.replace(/^error: /, "").trim()),
    });
  program.addHelpText("after", EXIT_CODES_HELP);
  withExamples(program, "meshpay dev node --deploy", "meshpay pool create --price 0.5", "meshpay rewards --json");
  registerKeyCommands(program, deps, state);
  registerPoolCommands(program, deps, state);
  registerTicketCommands(program, deps, state);
  registerRelayCommands(program, deps, state);
  registerAuditCommands(program, deps, state);
  registerArbiterCommands(program, deps, state);
  registerDeployCommand(program, deps, state);
  registerDevCommands(program, deps, state);
  registerExplorerCommand(program, deps, state);
  return program;
}
