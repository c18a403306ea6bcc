import type { Command } from "commander";
import type { PoolStatus } from "../commands/pool/getPoolStatus.ts";
import type { CliDeps } from "../context/CliDeps.ts";
import { formatDuration, formatRelative, formatTimestamp } from "../format/formatTime.ts";
import { renderFields, renderTable } from "../format/renderTable.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";
import { short, showAmount } from "./renderCommon.ts";

const acceptPoolOwnership = lazy(() => import("../commands/pool/acceptPoolOwnership.ts"), "acceptPoolOwnership");
const transferPoolOwnership = lazy(() => import("../commands/pool/transferPoolOwnership.ts"), "transferPoolOwnership");
const cancelPoolWithdrawal = lazy(() => import("../commands/pool/cancelPoolWithdrawal.ts"), "cancelPoolWithdrawal");
const createPool = lazy(() => import("../commands/pool/createPool.ts"), "createPool");
const executePoolWithdrawal = lazy(() => import("../commands/pool/executePoolWithdrawal.ts"), "executePoolWithdrawal");
const fundPool = lazy(() => import("../commands/pool/fundPool.ts"), "fundPool");
const getPoolStatus = lazy(() => import("../commands/pool/getPoolStatus.ts"), "getPoolStatus");
const requestPoolWithdrawal = lazy(() => import("../commands/pool/requestPoolWithdrawal.ts"), "requestPoolWithdrawal");
const rotateTicketSigner = lazy(() => import("../commands/pool/rotateTicketSigner.ts"), "rotateTicketSigner");
const setPoolPrice = lazy(() => import("../commands/pool/setPoolPrice.ts"), "setPoolPrice");

const ALL_UNITS = ((1n << 128n) - 1n).toString();
const POOL = "0x5fbdb2315678afecb367f032d93f642f64180aa3000000000000000000000001";

export function registerPoolCommands(program: Command, deps: CliDeps, state: RunState): void {
  const pool = program.command("pool").description("broadcasters: create, fund and manage reward pools");
  withExamples(pool, `meshpay pool create --price 0.5`, `meshpay pool status ${POOL}`);

  withExamples(
    pool
      .command("create")
      .description(
        "create a pool paying relays --price token units per GB (10^9 bytes) delivered; you become its owner",
      )
      .requiredOption("--price <amount>", "price per GB in token units, e.g. 0.5")
      .option("--token <address>", "ERC-20 the pool pays in (default: the deployment's token)")
      .option("--ticket-signer <address>", "key that signs viewer tickets (default: your own address)")
      .option("--metadata <uri>", "where you describe the stream(s) the pool pays for", "")
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) =>
            createPool(
              {
                price: o.price as string,
                token: o.token as string | undefined,
                ticketSigner: o.ticketSigner as string | undefined,
                metadata: o.metadata as string,
              },
              ctx,
            ),
          (r) =>
            [
              `Created pool ${r.poolId}`,
              renderFields([
                ["token", `${r.token.symbol} (${r.token.address}, ${r.token.decimals} decimals)`],
                ["price", `${showAmount(r.pricePerGB)} per GB`],
                ["owner", r.owner],
                ["ticket signer", r.ticketSigner],
                ["metadata", r.metadataURI || "(none)"],
                ["transaction", r.transaction],
              ]),
              "",
              `Next: fund it with \`meshpay pool fund ${r.poolId} <amount>\`.`,
            ].join("\n"),
        ),
      ),
    "meshpay pool create --price 0.5 --metadata https://example.com/streams/launch",
  );

  withExamples(
    pool
      .command("fund")
      .description(
        "add tokens to a pool (approves the distributor for the amount first when needed); anyone may fund any pool",
      )
      .argument("<pool>", "pool id (0x + 64 hex)")
      .argument("<amount>", "token units, e.g. 1000 or 12.5")
      .action(
        defineAction(
          deps,
          state,
          ([poolId, amount], _o, ctx) => fundPool({ poolId: poolId!, amount: amount! }, ctx),
          (r) =>
            [
              `Funded pool ${r.poolId} with ${showAmount(r.funded)}`,
              renderFields([
                ["unallocated now", showAmount(r.unallocated)],
                ...(r.approveTransaction ? ([["approve tx", r.approveTransaction]] as [string, string][]) : []),
                ["fund tx", r.transaction],
              ]),
            ].join("\n"),
        ),
      ),
    `meshpay pool fund ${POOL} 1000`,
  );

  withExamples(
    pool
      .command("status")
      .description(
        "a pool's price, signer, balances, totals funded / paid / withdrawn and pending withdrawal; without a pool, " +
          "every pool",
      )
      .argument("[pool]", "pool id (default: all pools)")
      .option("--owner <address>", "only pools of this owner")
      .action(
        defineAction(
          deps,
          state,
          ([poolId], o, ctx) => getPoolStatus({ poolId, owner: o.owner as string | undefined }, ctx),
          (r) =>
            r.pools.length === 0
              ? "No pools yet. Create one with `meshpay pool create --price <amount per GB>`."
              : r.pools.length === 1
                ? renderPool(r.pools[0]!)
                : renderTable(
                    ["pool", "token", "price/GB", "unallocated", "owed", "paid", "owner"],
                    r.pools.map((p) => [
                      p.poolId,
                      p.token.symbol,
                      showAmount(p.pricePerGB),
                      showAmount(p.unallocated),
                      showAmount(p.owed),
                      showAmount(p.paid),
                      short(p.owner),
                    ]),
                    [false, false, true, true, true, true, false],
                  ),
        ),
      ),
    `meshpay pool status ${POOL}`,
    "meshpay pool status --json",
  );

  withExamples(
    pool
      .command("set-price")
      .description("change the price per GB; it takes effect from the next epoch (owner only)")
      .argument("<pool>", "pool id")
      .argument("<price>", "new price per GB in token units")
      .action(
        defineAction(
          deps,
          state,
          ([poolId, price], _o, ctx) => setPoolPrice({ poolId: poolId!, price: price! }, ctx),
          (r) =>
            [
              `Price of pool ${r.poolId} set to ${showAmount(r.pricePerGB)} per GB from epoch ${r.fromEpoch} (was ` +
                `${showAmount(r.previousPricePerGB)}).`,
              `transaction: ${r.transaction}`,
            ].join("\n"),
        ),
      ),
    `meshpay pool set-price ${POOL} 0.75`,
  );

  withExamples(
    pool
      .command("rotate-signer")
      .description(
        "replace the key that signs viewer tickets, effective immediately (owner only); tickets already issued stop " +
          "counting",
      )
      .argument("<pool>", "pool id")
      .argument("<signer>", "address of the new ticket signer")
      .action(
        defineAction(
          deps,
          state,
          ([poolId, signer], _o, ctx) => rotateTicketSigner({ poolId: poolId!, signer: signer! }, ctx),
          (r) =>
            [
              `Ticket signer of pool ${r.poolId} is now ${r.ticketSigner} (was ${r.previousTicketSigner}).`,
              `transaction: ${r.transaction}`,
            ].join("\n"),
        ),
      ),
    `meshpay pool rotate-signer ${POOL} 0x70997970C51812dc3A010C7d01b50e0d17dc79C8`,
  );

  withExamples(
    pool
      .command("transfer-ownership")
      .description(
        "offer the pool to a new owner (owner only); it changes hands when that account runs " +
          "`meshpay pool accept-ownership`",
      )
      .argument("<pool>", "pool id")
      .argument("[new-owner]", "address of the new owner")
      .option("--cancel", "withdraw a pending offer instead")
      .action(
        defineAction(
          deps,
          state,
          ([poolId, newOwner], o, ctx) =>
            transferPoolOwnership({ poolId: poolId!, ...(newOwner ? { newOwner } : {}), cancel: !!o.cancel }, ctx),
          (r) =>
            r.cancelled
              ? `The ownership offer of pool ${r.poolId} is cancelled; ${r.owner} keeps it.\ntransaction: ` +
                `${r.transaction}`
              : [
                  `Pool ${r.poolId} offered to ${r.pendingOwner}; ${r.owner} stays its owner until the offer is ` +
                    `accepted.`,
                  `transaction: ${r.transaction}`,
                  "",
                  `Then, signed by ${r.pendingOwner}: meshpay pool accept-ownership ${r.poolId}`,
                ].join("\n"),
        ),
      ),
    `meshpay pool transfer-ownership ${POOL} 0x70997970C51812dc3A010C7d01b50e0d17dc79C8`,
    `meshpay pool transfer-ownership ${POOL} --cancel`,
  );

  withExamples(
    pool
      .command("accept-ownership")
      .description("accept a pool offered to you (signed by the pending owner); a pending withdrawal is cancelled")
      .argument("<pool>", "pool id")
      .action(
        defineAction(
          deps,
          state,
          ([poolId], _o, ctx) => acceptPoolOwnership({ poolId: poolId! }, ctx),
          (r) =>
            [
              `Pool ${r.poolId} now belongs to ${r.owner} (was ${r.previousOwner}).`,
              ...(r.cancelledWithdrawal ? ["The previous owner's withdrawal request was cancelled."] : []),
              `transaction: ${r.transaction}`,
            ].join("\n"),
        ),
      ),
    `meshpay pool accept-ownership ${POOL}`,
  );

  const withdraw = pool
    .command("withdraw")
    .description("take unallocated funds back: request (notice of one epoch + grace + challenge window), then execute");
  withExamples(withdraw, `meshpay pool withdraw request ${POOL} 250`, `meshpay pool withdraw execute ${POOL}`);
  withExamples(
    withdraw
      .command("request")
      .description(
        'give notice to withdraw up to <amount> (or "all"); the funds stay allocatable to relays until you execute',
      )
      .argument("<pool>", "pool id")
      .argument("<amount>", "token units, or all")
      .action(
        defineAction(
          deps,
          state,
          ([poolId, amount], _o, ctx) => requestPoolWithdrawal({ poolId: poolId!, amount: amount! }, ctx),
          (r) =>
            [
              `Withdrawal of ${r.requested === "all" ? "everything unallocated" : showAmount(r.requested)} from pool ` +
                `${r.poolId} requested.`,
              renderFields([
                ["executable from", `${formatTimestamp(r.availableAt)} (notice ${formatDuration(r.noticeSeconds)})`],
                ["unallocated now", showAmount(r.unallocated)],
                ["transaction", r.transaction],
              ]),
              "",
              `Then: meshpay pool withdraw execute ${r.poolId}`,
            ].join("\n"),
        ),
      ),
    `meshpay pool withdraw request ${POOL} 250`,
    `meshpay pool withdraw request ${POOL} all`,
  );
  withExamples(
    withdraw
      .command("execute")
      .description("withdraw once the notice has run: pays min(requested, unallocated) to --to (default: you)")
      .argument("<pool>", "pool id")
      .option("--to <address>", "recipient (default: your address)")
      .action(
        defineAction(
          deps,
          state,
          ([poolId], o, ctx) => executePoolWithdrawal({ poolId: poolId!, to: o.to as string | undefined }, ctx),
          (r) =>
            [
              `Withdrew ${showAmount(r.withdrawn)} from pool ${r.poolId} to ${r.to}.`,
              renderFields([
                ["unallocated now", showAmount(r.unallocated)],
                ["transaction", r.transaction],
              ]),
            ].join("\n"),
        ),
      ),
    `meshpay pool withdraw execute ${POOL} --to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8`,
  );
  withExamples(
    withdraw
      .command("cancel")
      .description("cancel the pending withdrawal notice")
      .argument("<pool>", "pool id")
      .action(
        defineAction(
          deps,
          state,
          ([poolId], _o, ctx) => cancelPoolWithdrawal({ poolId: poolId! }, ctx),
          (r) => `Withdrawal notice of pool ${r.poolId} cancelled.\ntransaction: ${r.transaction}`,
        ),
      ),
    `meshpay pool withdraw cancel ${POOL}`,
  );
}

function renderPool(p: PoolStatus): string {
  const priceChange =
    p.nextPricePerGB.units !== p.pricePerGB.units
      ? ` (${showAmount(p.nextPricePerGB)} from epoch ${p.currentEpoch + 1n})`
      : "";
  return [
    `Pool ${p.poolId}`,
    renderFields([
      ["token", `${p.token.symbol} (${p.token.address})`],
      ["owner", p.owner],
      ["ticket signer", p.ticketSigner],
      ["price", `${showAmount(p.pricePerGB)} per GB${priceChange}`],
      ["unallocated", `${showAmount(p.unallocated)} (withdrawable with notice)`],
      ["owed", `${showAmount(p.owed)} (allocated to posted epochs, not yet claimed)`],
      ["funded", showAmount(p.funded)],
      ["paid to relays", showAmount(p.paid)],
      ["withdrawn", showAmount(p.withdrawn)],
      [
        "withdrawal",
        p.withdrawal
          ? `${p.withdrawal.amount.units === ALL_UNITS ? "everything unallocated" : showAmount(p.withdrawal.amount)} ` +
            `requested, ` +
            `${p.withdrawal.ready ? "executable now" : `executable ${formatRelative(p.withdrawal.availableAt, p.chainTime)} (${formatTimestamp(p.withdrawal.availableAt)})`}`
          : "none requested",
      ],
      ["metadata", p.metadataURI || "(none)"],
      ["current epoch", String(p.currentEpoch)],
    ]),
  ].join("\n");
}
