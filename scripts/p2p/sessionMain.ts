// Runs one P2P session (runP2pSession) with the options given as JSON in argv[2] and prints its result as JSON on
// stdout; progress goes to stderr. Started by test/player/p2pDelivery.test.ts and scripts/demo-p2p.ts inside
// the network namespace they create.
import { runP2pSession } from "./runP2pSession.ts";

const options = JSON.parse(process.argv[2] ?? "{}");
const started = Date.now();
try {
  const result = await runP2pSession({
    ...options,
    log: (line: string) =>
      process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`session failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
