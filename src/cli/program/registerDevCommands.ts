import type { Command } from "commander";
import { toJsonSafe } from "../../protocol/utils/toJsonSafe.ts";
import type { DeployDevArgs, DeployDevResult } from "../commands/dev/deployDev.ts";
import type { CliDeps } from "../context/CliDeps.ts";
import { formatUnitsPlain } from "../format/formatAmount.ts";
import { formatDuration, formatRelative, formatTimestamp } from "../format/formatTime.ts";
import { renderFields, renderTable } from "../format/renderTable.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";
import { short, showAmount } from "./renderCommon.ts";

const deployDev = lazy(() => import("../commands/dev/deployDev.ts"), "deployDev");
const getDevStatus = lazy(() => import("../commands/dev/getDevStatus.ts"), "getDevStatus");
const mintTestTokens = lazy(() => import("../commands/dev/mintTestTokens.ts"), "mintTestTokens");
const startDevNode = lazy(() => import("../commands/dev/startDevNode.ts"), "startDevNode");

const deployOptions = (cmd: Command) =>
  cmd
    .option("--epoch-seconds <duration>", "epoch length (default 60s)")
    .option("--grace-seconds <duration>", "how long late receipts are taken after an epoch ends (default 10s)")
    .option("--challenge-window <duration>", "how long a posted epoch stays pending (default 300s)")
    .option("--arbiter-timeout <duration>", "how long the arbiter has to resolve a challenge (default 600s)")
    .option("--genesis-time <unix-seconds>", "start of epoch 0 (default: now, rounded down to an epoch)")
    .option("--parameters <file>", 'Ignition parameters JSON ({"MeshPay": {...}, "LocalDev": {...}})');

const deployArgs = (o: Record<string, unknown>): DeployDevArgs => ({
  epochSeconds: o.epochSeconds as string | undefined,
  graceSeconds: o.graceSeconds as string | undefined,
  challengeWindow: o.challengeWindow as string | undefined,
  arbiterTimeout: o.arbiterTimeout as string | undefined,
  genesisTime: o.genesisTime as string | undefined,
  parameters: o.parameters as string | undefined,
});

const formatEth = (wei: bigint) => formatUnitsPlain(wei, 18);

export function renderDeployment(r: DeployDevResult): string {
  return [
    `Deployed to chain ${r.chainId} at ${r.rpcUrl}`,
    renderFields([
      ["RewardDistributor", r.distributor],
      ["MeshpayHasher", r.hasher],
      ["test token", r.token],
      ["deployer", r.deployer],
      ["genesis", `${formatTimestamp(r.config.genesisTime)} (epoch 0)`],
      [
        "epochs",
        `${formatDuration(r.config.epochSeconds)}, grace ${formatDuration(r.config.graceSeconds)}, challenge window ` +
          `${formatDuration(r.config.challengeWindow)}`,
      ],
      [
        "bonds",
        `aggregator ${formatEth(r.config.aggregatorBond)} ETH, challenger ${formatEth(r.config.challengerBond)} ETH`,
      ],
    ]),
    `Deployment file: ${r.deploymentFile}`,
  ].join("\n");
}

export function registerDevCommands(program: Command, deps: CliDeps, state: RunState): void {
  const dev = program.command("dev").description("developers: a local chain, a deployment on it, and its state");
  withExamples(dev, "meshpay dev node --deploy", "meshpay dev status");

  withExamples(
    deployOptions(
      dev
        .command("node")
        .description(
          "start a local Hardhat chain (runs until Ctrl-C); --deploy also deploys meshpay on it and writes the " +
            "deployment file",
        )
        .option("--port <port>", "JSON-RPC port", "8545")
        .option("--hostname <host>", "interface to listen on", "127.0.0.1")
        .option(
          "--block-time <duration>",
          "also mine a block this often, so chain time moves while idle (0: only on transactions)",
          "2s",
        )
        .option("--deploy", "deploy meshpay once the chain is up (as `meshpay dev deploy`)"),
    ).action(
      defineAction(
        deps,
        state,
        (_p, o, ctx) =>
          startDevNode(
            {
              port: o.port as string,
              hostname: o.hostname as string,
              deploy: !!o.deploy,
              blockTime: o.blockTime as string,
              ...deployArgs(o),
            },
            ctx,
            (ready) => {
              if (ctx.output.json) deps.stdout.write(`${JSON.stringify(toJsonSafe({ ready: true, ...ready }))}\n`);
              else {
                deps.stderr.write(
                  `\nmeshpay: local chain ${ready.chainId} ready at ${ready.rpcUrl} (pid ${ready.pid}, ` +
                    `${ready.blockTimeSeconds > 0 ? `a block every ${ready.blockTimeSeconds}s and` : "blocks"} on ` +
                    `every transaction); Ctrl-C stops it.\n`,
                );
                if (ready.deployment) deps.stderr.write(`${renderDeployment(ready.deployment)}\n`);
              }
            },
          ),
        (r) => `Local chain stopped (${r.stoppedBy === "exit" ? `exited with code ${r.exitCode}` : r.stoppedBy}).`,
      ),
    ),
    "meshpay dev node --port 8545 --deploy",
  );

  withExamples(
    deployOptions(
      dev
        .command("deploy")
        .description(
          "deploy RewardDistributor, MeshpayHasher and a test token with Ignition (ignition/modules/LocalDev.ts) and " +
            "write the deployment file",
        ),
    ).action(defineAction(deps, state, (_p, o, ctx) => deployDev(deployArgs(o), ctx), renderDeployment)),
    "meshpay dev deploy --rpc http://127.0.0.1:8545",
    "meshpay dev deploy --epoch-seconds 30s --challenge-window 2m --deployment .meshpay/fast.json",
  );

  withExamples(
    dev
      .command("status")
      .description("chain head, deployment parameters, system state, aggregators, pools and the latest epochs")
      .option("--epochs <n>", "how many recent epochs to list", "10")
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) => getDevStatus({ epochs: o.epochs as string }, ctx),
          (r) => {
            const now = r.chain.timestamp;
            const lines = [
              `Chain ${r.chain.chainId} at ${r.chain.rpcUrl}: block ${r.chain.blockNumber}, ${formatTimestamp(now)}`,
              renderFields([
                ["distributor", r.distributor],
                [
                  "epochs",
                  `${formatDuration(r.config.epochSeconds)} from ${formatTimestamp(r.config.genesisTime)}, grace ` +
                    `${formatDuration(r.config.graceSeconds)}, challenge window ` +
                    `${formatDuration(r.config.challengeWindow)}`,
                ],
                ["current epoch", `${r.currentEpoch} (closes ${formatRelative(r.currentEpochClosesAt, now)})`],
                ["next to post", String(r.system.nextEpoch)],
                [
                  "latest claimable",
                  r.system.latestClaimableEpoch === null ? "none yet" : String(r.system.latestClaimableEpoch),
                ],
                [
                  "challenges",
                  `${r.system.openChallenges} ` +
                    `open${r.system.blockedFrom === null ? "" : `, claims blocked from epoch ${r.system.blockedFrom}`}`,
                ],
                ["paused", r.system.paused ? "YES" : "no"],
                [
                  "aggregators",
                  r.aggregators.length === 0
                    ? "none registered"
                    : r.aggregators
                        .map((a) => `${a.address} (${formatEth(a.bond)} ETH${a.active ? "" : ", inactive"})`)
                        .join(", "),
                ],
              ]),
              "",
              r.pools.length === 0
                ? "Pools: none"
                : renderTable(
                    ["pool", "price/GB", "unallocated", "owed", "owner"],
                    r.pools.map((p) => [
                      p.poolId,
                      showAmount(p.pricePerGB),
                      showAmount(p.unallocated),
                      showAmount(p.owed),
                      short(p.owner),
                    ]),
                    [false, true, true, true, false],
                  ),
              "",
              r.epochs.length === 0
                ? "Epochs: none posted"
                : renderTable(
                    ["epoch", "status", "posted", "claimable from", "pools", "root"],
                    r.epochs.map((e) => [
                      String(e.epoch),
                      e.status,
                      formatTimestamp(e.postedAt),
                      formatTimestamp(e.claimableFrom),
                      String(e.pools),
                      short(e.root, 8),
                    ]),
                    [true, false, false, false, true, false],
                  ),
            ];
            return lines.join("\n");
          },
        ),
      ),
    "meshpay dev status",
    "meshpay dev status --json | jq .system",
  );

  withExamples(
    dev
      .command("mint")
      .description("mint the local deployment's test token (it has no value; anyone may mint)")
      .argument("<amount>", "token units")
      .option("--to <address>", "recipient (default: your address)")
      .option("--token <address>", "a TestToken other than the deployment's")
      .action(
        defineAction(
          deps,
          state,
          ([amount], o, ctx) =>
            mintTestTokens(
              { amount: amount!, to: o.to as string | undefined, token: o.token as string | undefined },
              ctx,
            ),
          (r) =>
            `Minted ${showAmount(r.minted)} to ${r.to}; balance now ${showAmount(r.balance)}.\ntransaction: ` +
            `${r.transaction}`,
        ),
      ),
    "meshpay dev mint 10000",
    "meshpay dev mint 500 --to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  );
}
