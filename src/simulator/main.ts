// Entry point of the swarm simulator command: node src/simulator/main.ts --help
import { runSimulatorCommand } from "./runSimulatorCommand.ts";

process.exitCode = await runSimulatorCommand(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt: (stop) => {
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
});
