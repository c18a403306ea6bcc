import type { DistributorConfig } from "../../../contracts/DistributorConfig.ts";

/** The deployment parameters `meshpay dev deploy` and `meshpay dev status` show. */
export type DevConfig = Omit<DistributorConfig, "challengerShareBps">;

/** The parameters of config() that the dev commands show (all but the challenger's share). */
export function pickDevConfig(config: DistributorConfig): DevConfig {
  const { challengerShareBps: _share, ...shown } = config;
  return shown;
}
