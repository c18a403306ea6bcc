/**
 * A command function loaded on first call, so that `meshpay <command>` only loads the modules that command needs
 * (viem, the protocol library, SQLite, Ignition…) and `--help` loads none of them.
 */
export function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return (async (...args: unknown[]) => ((await load())[name] as (...a: unknown[]) => unknown)(...args)) as M[K];
}
