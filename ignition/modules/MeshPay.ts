import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the RewardDistributor (core plus its extension, created by the core) and the MeshpayHasher helper. Every parameter can be overridden with `--parameters`; the defaults suit a local Hardhat chain:
 * 60-second epochs, a 5-minute challenge window. The epoch ring is pre-paid so every post costs the same.
 */
export default buildModule("MeshPay", (m) => {
  const deployer = m.getAccount(0);
  // The admin may hold no other role (the contract refuses it): by default the second account, not the deployer.
  const admin = m.getParameter("admin", m.getAccount(1));
  const guardian = m.getParameter("guardian", deployer);
  const arbiter = m.getParameter("arbiter", deployer);
  const treasury = m.getParameter("treasury", deployer);
  const config = {
    genesisTime: m.getParameter("genesisTime", 1_767_225_600n), // 2026-01-01T00:00:00Z
    epochSeconds: m.getParameter("epochSeconds", 60n),
    graceSeconds: m.getParameter("graceSeconds", 10n),
    challengeWindow: m.getParameter("challengeWindow", 300n),
    arbiterTimeout: m.getParameter("arbiterTimeout", 600n),
    aggregatorBond: m.getParameter("aggregatorBond", 10n ** 18n),
    challengerBond: m.getParameter("challengerBond", 10n ** 17n),
    challengerShareBps: m.getParameter("challengerShareBps", 5_000n),
  };
  const distributor = m.contract("RewardDistributor", [admin, guardian, arbiter, treasury, config]);
  const api = m.contractAt("IRewardDistributor", distributor, { id: "RewardDistributorApi" });
  m.call(api, "prepareEpochRing", [0n, 128n], { id: "prepareEpochRingLow" });
  m.call(api, "prepareEpochRing", [128n, 128n], { id: "prepareEpochRingHigh" });

  const hasher = m.contract("MeshpayHasher");
  return { distributor, api, hasher };
});
