/** Codes of errors the swarm simulator raises. Stable strings. */
export const simulatorErrorCodes = [
  /** An option is missing, of the wrong type or out of range. */
  "INVALID_OPTION",
  /** run() was called while another run() is in progress, or after close(). */
  "SIMULATION_BUSY",
  /** The simulation was closed. */
  "SIMULATION_CLOSED",
  /** Reading the chain's epoch parameters failed (command only). */
  "CHAIN_UNAVAILABLE",
] as const;

export type SimulatorErrorCode = (typeof simulatorErrorCodes)[number];
