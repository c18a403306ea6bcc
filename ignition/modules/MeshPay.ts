import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The production deployment: the RewardDistributor (core plus its extension, created by the core) and the
 * MeshpayHasher helper, no test token. The roles and the genesis time have no defaults (a wrong default on a real
 * network cannot be undone): give them in a parameters file, see ignition/parameters/example.json and
 * docs/operations.md. Durations are seconds, bonds wei; the defaults are one-minute epochs, a 10-second grace, a
 * 5-minute challenge window, a 10-minute arbiter timeout, a 1 ETH aggregator bond, a 0.1 ETH challenger bond and
 * half a slashed bond to the challenger. The epoch ring is pre-paid so every post costs the same.
 */
export default buildModule("MeshPay", (m) => {
  // The admin may hold no other role (the contract refuses it); a multisig on a real network.
  const admin = m.getParameter("admin");
  const guardian = m.getParameter("guardian");
  const arbiter = m.getParameter("arbiter");
  const treasury = m.getParameter("treasury");
  const config = {
    genesisTime: m.getParameter("genesisTime"),
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
