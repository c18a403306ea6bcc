import { createRequire } from "node:module";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatToolboxViemPlugin from "@nomicfoundation/hardhat-toolbox-viem";
import hardhatVerify from "@nomicfoundation/hardhat-verify";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxViemPlugin, hardhatKeystore, hardhatVerify],
  solidity: {
    profiles: {
      default: {
        compilers: [
          {
            // Hardhat cannot download compilers here: use the soljson.js shipped by the pinned `solc` package.
            version: "0.8.30",
            path: require.resolve("solc/soljson.js"),
            settings: {
              optimizer: { enabled: true, runs: 200 },
              viaIR: true,
              evmVersion: "cancun",
            },
          },
        ],
        overrides: {
          // The extension holds the cold paths (administration, disputes, views): optimized for size so it stays
          // under the 24,576-byte limit; the core's hot paths keep 200 runs.
          "contracts/RewardDistributorExtension.sol": {
            version: "0.8.30",
            path: require.resolve("solc/soljson.js"),
            settings: {
              optimizer: { enabled: true, runs: 1 },
              viaIR: true,
              evmVersion: "cancun",
            },
          },
        },
      },
    },
  },
  paths: {
    tests: { solidity: "contracts/test", nodejs: "test" },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 32 },
      // contracts/test/FraudCommitmentVectors.t.sol reads the shared commitment vectors (vm.readFile).
      fsPermissions: { readFile: ["test/vectors/commitments.json"] },
    },
  },
  networks: {
    localhost: { type: "http", url: process.env.MESHPAY_RPC_URL ?? "http://127.0.0.1:8545" },
    // Any real chain (docs/operations.md, "Deploying to a real network"). Configuration variables are read only when
    // this network is used: from the environment, or from the encrypted store of `npx hardhat keystore set NAME`.
    production: {
      type: "http",
      chainType: "l1",
      url: configVariable("MESHPAY_RPC_URL"),
      accounts: [configVariable("MESHPAY_DEPLOYER_KEY")],
    },
  },
  // `--verify` on `hardhat ignition deploy`, or `npx hardhat verify --network production <address> ...`: Etherscan
  // (its one API key covers the chains it serves), Blockscout and Sourcify.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
});
