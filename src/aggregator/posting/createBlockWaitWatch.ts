import type { Logger } from "pino";

export type BlockWaitWatch = {
  /** One observation per poster round: the chain head, and what the poster waits for if that needs a new block. */
  observe(headNumber: bigint, waitingForBlock: string | null): void;
};

const HINT =
  "is the chain mining? A local node mines only on transactions unless told otherwise: Hardhat " +
  "evm_setIntervalMining takes milliseconds ([1000]), Anvil's takes seconds ([1]); or start `anvil --block-time 1`";

/**
 * Says plainly in the log (warn) when the poster waits for a block that does not come: the head has not advanced
 * for `afterMs` while an epoch close or a post waits on a new block. Once per stall; info when blocks come again.
 */
export function createBlockWaitWatch(o: { logger: Logger; afterMs: number; now: () => number }): BlockWaitWatch {
  let head: bigint | undefined;
  let since = o.now();
  let warned = false;
  return {
    observe(headNumber, waitingForBlock) {
      if (head !== headNumber) {
        if (warned) o.logger.info({ head: Number(headNumber) }, "new blocks again: the chain head moves");
        head = headNumber;
        since = o.now();
        warned = false;
        return;
      }
      const stalledMs = o.now() - since;
      if (warned || waitingForBlock === null || stalledMs < o.afterMs) return;
      warned = true;
      o.logger.warn(
        { head: Number(headNumber), seconds: Math.round(stalledMs / 1000), waitingFor: waitingForBlock },
        `no new block for ${Math.round(stalledMs / 1000)} s while waiting for ${waitingForBlock}: ${HINT}`,
      );
    },
  };
}
