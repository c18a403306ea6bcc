/**
 * The fee the verifier charges for relaying one claim: what its share of the transaction's gas costs, converted to
 * the pool's token, never more than the operator's signed maxFee nor than the amount claimed:
 *
 *   cost = ceil(gasShare × gasPrice × tokenPerEth / 10^18)      gasShare in gas, gasPrice in wei,
 *   fee  = min(maxFee, amount, cost)                            tokenPerEth in token base units per 10^18 wei
 */
export function computeClaimFee(args: {
  gasShare: bigint;
  gasPrice: bigint;
  tokenPerEth: bigint;
  maxFee: bigint;
  amount: bigint;
}): { fee: bigint; cost: bigint } {
  const wei = args.gasShare * args.gasPrice * args.tokenPerEth;
  const cost = (wei + 10n ** 18n - 1n) / 10n ** 18n;
  let fee = cost;
  if (fee > args.maxFee) fee = args.maxFee;
  if (fee > args.amount) fee = args.amount;
  return { fee, cost };
}
