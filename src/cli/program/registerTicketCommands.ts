import type { Command } from "commander";
import type { CliDeps } from "../context/CliDeps.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";

const issueTicket = lazy(() => import("../commands/ticket/issueTicket.ts"), "issueTicket");

const POOL = "0x5fbdb2315678afecb367f032d93f642f64180aa3000000000000000000000001";

export function registerTicketCommands(program: Command, deps: CliDeps, state: RunState): void {
  const ticket = program.command("ticket").description("broadcasters: viewer tickets");
  withExamples(
    ticket,
    `meshpay ticket issue ${POOL} --viewer 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --stream launch-party`,
  );
  withExamples(
    ticket
      .command("issue")
      .description(
        "sign a ViewerTicket with the pool's ticket signer key and print it (JSON wire form) for the viewer's player",
      )
      .argument("<pool>", "pool id")
      .requiredOption("--viewer <address>", "the viewer's session key address (it will sign the receipts)")
      .requiredOption("--stream <id>", "stream id: 0x + 64 hex, or a name (hashed with keccak256)")
      .option("--valid-for <duration>", "how long the ticket is valid, e.g. 90m, 2h, 1d", "2h")
      .option("--not-before <unix-ms>", "start of the viewing window in unix milliseconds (default: now)")
      .option("--max-bytes <size>", "most bytes the ticket can be credited with, e.g. 500MB, 2GB", "2GB")
      .action(
        defineAction(
          deps,
          state,
          ([poolId], o, ctx) =>
            issueTicket(
              {
                poolId: poolId!,
                viewer: o.viewer as string,
                stream: o.stream as string,
                validFor: o.validFor as string,
                notBefore: o.notBefore as string | undefined,
                maxBytes: o.maxBytes as string,
              },
              ctx,
            ).then((r) => {
              const t = r.signedTicket.ticket;
              ctx.output.info(
                `Ticket ${r.ticketHash} for viewer ${t.viewer}: valid ${new Date(Number(t.notBefore)).toISOString()} ` +
                  `to ${new Date(Number(t.notAfter)).toISOString()}, up to ${t.maxBytes} bytes, signed by ${r.signer}.`,
              );
              return r;
            }),
          (r) => JSON.stringify(r.signedTicket, null, 2),
        ),
      ),
    `meshpay ticket issue ${POOL} --viewer 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --stream launch-party ` +
      `--valid-for 3h > ticket.json`,
  );
}
