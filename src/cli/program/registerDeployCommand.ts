import type { Command } from "commander";
import type { DeployArgs, DeployResult } from "../commands/deploy/deployDistributor.ts";
import type { CliDeps } from "../context/CliDeps.ts";
import { formatUnitsPlain } from "../format/formatAmount.ts";
import { formatDuration, formatTimestamp } from "../format/formatTime.ts";
import { renderFields } from "../format/renderTable.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";

const deployDistributor = lazy(() => import("../commands/deploy/deployDistributor.ts"), "deployDistributor");

const formatEth = (wei: bigint) => formatUnitsPlain(wei, 18);

function renderDeployResult(r: DeployResult): string {
  return [
    `Deployed to chain ${r.chainId} at ${r.rpcUrl}`,
    renderFields([
      ["RewardDistributor", r.distributor],
      ["MeshpayHasher", r.hasher],
      ["token", `${r.token.symbol} (${r.token.address}, ${r.token.decimals} decimals)`],
      ["deployer", r.deployer],
      ["admin", r.admin],
      ["guardian", r.guardian],
      ["arbiter", r.arbiter],
      ["treasury", r.treasury],
      ["genesis", `${formatTimestamp(r.config.genesisTime)} (epoch 0)`],
      [
        "epochs",
        `${formatDuration(r.config.epochSeconds)}, grace ${formatDuration(r.config.graceSeconds)}, challenge window ` +
          `${formatDuration(r.config.challengeWindow)}, arbiter timeout ${formatDuration(r.config.arbiterTimeout)}`,
      ],
      [
        "bonds",
        `aggregator ${formatEth(r.config.aggregatorBond)} ETH, challenger ${formatEth(r.config.challengerBond)} ETH ` +
          `(${Number(r.config.challengerShareBps) / 100}% of a slashed bond to the challenger)`,
      ],
      ["from block", r.fromBlock],
    ]),
    `Deployment file: ${r.deploymentFile}`,
  ].join("\n");
}

/** `meshpay deploy`: the production deployment to any RPC (broadcasters' operators, aggregator operators). */
export function registerDeployCommand(program: Command, deps: CliDeps, state: RunState): void {
  withExamples(
    program
      .command("deploy")
      .description(
        "deploy RewardDistributor and MeshpayHasher to any chain (what ignition/modules/MeshPay.ts deploys, no test " +
          "token) and write the deployment file",
      )
      .requiredOption("--token <address>", "the ERC-20 pools are funded with by default")
      .option("--key <keystore>", "keystore file to sign with (default: MESHPAY_PRIVATE_KEY, else --keystore)")
      .option(
        "--out <file>",
        "deployment file to write (default: --deployment, MESHPAY_DEPLOYMENT or .meshpay/deployment.json)",
      )
      .option("--admin <address>", "administers roles and parameters; may hold no other role (required, a multisig)")
      .option("--guardian <address>", "may pause (default: the deployer)")
      .option("--arbiter <address>", "decides challenges (default: the deployer)")
      .option("--treasury <address>", "receives forfeited bonds (default: the deployer)")
      .option("--epoch-seconds <duration>", "epoch length (default 60s)")
      .option("--grace-seconds <duration>", "how long late receipts are taken after an epoch ends (default 10s)")
      .option("--challenge-window <duration>", "how long a posted epoch stays pending (default 5m)")
      .option("--arbiter-timeout <duration>", "how long the arbiter has to resolve a challenge (default 10m)")
      .option("--genesis <unix-seconds>", "start of epoch 0 (default: now, rounded down to an epoch)")
      .option("--aggregator-bond <eth>", "bond an aggregator posts (default 1)")
      .option("--challenger-bond <eth>", "bond a challenger posts (default 0.1)")
      .option("--challenger-share-bps <bps>", "share of a slashed bond paid to the challenger (default 5000)")
      .option("--parameters <file>", 'Ignition parameters JSON ({"MeshPay": {...}}, as for hardhat ignition deploy)')
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) => {
            const text = (k: string) => o[k] as string | undefined;
            const args: DeployArgs = {
              token: o.token as string,
              ...(o.key === undefined ? {} : { key: text("key")! }),
              ...(o.out === undefined ? {} : { out: text("out")! }),
              ...(o.parameters === undefined ? {} : { parameters: text("parameters")! }),
            };
            for (const [from, to] of [
              ["admin", "admin"],
              ["guardian", "guardian"],
              ["arbiter", "arbiter"],
              ["treasury", "treasury"],
              ["epochSeconds", "epochSeconds"],
              ["graceSeconds", "graceSeconds"],
              ["challengeWindow", "challengeWindow"],
              ["arbiterTimeout", "arbiterTimeout"],
              ["genesis", "genesisTime"],
              ["aggregatorBond", "aggregatorBond"],
              ["challengerBond", "challengerBond"],
              ["challengerShareBps", "challengerShareBps"],
            ] as const)
              if (o[from] !== undefined) args[to] = text(from);
            return deployDistributor(args, ctx);
          },
          renderDeployResult,
        ),
      ),
    "meshpay deploy --rpc https://rpc.example.org --key deployer.json --token 0xA0b8…eB48 --admin 0x5a1e…Safe",
    "meshpay deploy --rpc $MESHPAY_RPC_URL --token 0xA0b8…eB48 --parameters ignition/parameters/example.json --out .meshpay/base.json",
  );
}
