import type { SentenceFormat } from "../errors/errorSentences.ts";
import { plainSentenceFormat } from "../errors/toCliError.ts";
import { formatAmount, type TokenInfo } from "../format/formatAmount.ts";

/** Revert sentences that show amounts in `token`'s units. */
export function tokenSentenceFormat(token: TokenInfo | undefined): SentenceFormat {
  return token ? { ...plainSentenceFormat, amount: (units) => formatAmount(units, token) } : plainSentenceFormat;
}
