// Child process for relayCrash.test.ts (no tests here). It does nothing unless MESHPAY_RELAY_CRASH_CHILD holds
// its JSON arguments, so the test runner can import it harmlessly.
import { createRelay } from "../../src/relay-sdk/relay/createRelay.ts";
import { domain, makeSession, relayAddress } from "./fixtures.ts";

type ChildArgs = { dbPath: string; aggregatorUrl: string; mode: "add" | "flush"; count: number; seed: number };

const raw = process.env.MESHPAY_RELAY_CRASH_CHILD;
if (raw) await main(JSON.parse(raw) as ChildArgs);

async function main(args: ChildArgs): Promise<void> {
  const relay = await createRelay({
    dbPath: args.dbPath,
    aggregatorUrl: args.aggregatorUrl,
    relay: relayAddress,
    domain,
    synchronous: "FULL",
  });
  const session = makeSession({}, args.seed);
  for (let i = 0; i < args.count; i++) {
    const { signed } = session.sign(1, i);
    const { receiptId } = await relay.addReceipt(signed, i === 0 ? { ticket: session.ticket } : {});
    // Acknowledged: the row is committed. The parent may SIGKILL us any time after reading this line.
    process.stdout.write(`ack ${receiptId}\n`);
  }
  if (args.mode === "flush") {
    process.stdout.write("flushing\n");
    await relay.flush();
  }
  process.stdout.write("done\n");
  await new Promise(() => setInterval(() => undefined, 1000));
}
