import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import MeshPay from "./MeshPay.ts";

/** Local chains only: MeshPay plus a freely mintable test ERC-20 to fund pools with. */
export default buildModule("LocalDev", (m) => {
  const { distributor, api, hasher } = m.useModule(MeshPay);
  const token = m.contract("TestToken", [
    m.getParameter("tokenName", "Test USD"),
    m.getParameter("tokenSymbol", "TUSD"),
    m.getParameter("tokenDecimals", 6),
  ]);
  return { distributor, api, hasher, token };
});
