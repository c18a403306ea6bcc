import type { Command } from "commander";
import type { CliDeps } from "../context/CliDeps.ts";
import { renderFields } from "../format/renderTable.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";

const createKey = lazy(() => import("../commands/key/createKey.ts"), "createKey");
const importKey = lazy(() => import("../commands/key/importKey.ts"), "importKey");
const showKeyAddress = lazy(() => import("../commands/key/showKeyAddress.ts"), "showKeyAddress");

export function registerKeyCommands(program: Command, deps: CliDeps, state: RunState): void {
  const key = program
    .command("key")
    .description(
      "manage the signing key: an encrypted keystore file (scrypt + AES-256-GCM); keys never go on the command line",
    );
  withExamples(key, "meshpay key new", "meshpay key address");

  withExamples(
    key
      .command("new")
      .description(
        "create a fresh random key in an encrypted keystore (password from MESHPAY_KEYSTORE_PASSWORD or typed)",
      )
      .option("--out <file>", "where to write it (default: --keystore, MESHPAY_KEYSTORE or ~/.meshpay/keystore.json)")
      .option("--force", "replace an existing keystore file")
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) => createKey({ out: o.out as string | undefined, force: !!o.force }, ctx),
          (r) =>
            [
              `Created a new key for ${r.address}`,
              `Keystore: ${r.keystore} (encrypted; keep the password safe, it cannot be recovered)`,
            ].join("\n"),
        ),
      ),
    "meshpay key new --out ~/.meshpay/broadcaster.json",
  );

  withExamples(
    key
      .command("import")
      .description(
        "seal an existing private key in a keystore; the key is read from MESHPAY_PRIVATE_KEY, stdin, or typed " +
          "without echo",
      )
      .option("--out <file>", "where to write it (default: --keystore, MESHPAY_KEYSTORE or ~/.meshpay/keystore.json)")
      .option("--force", "replace an existing keystore file")
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) => importKey({ out: o.out as string | undefined, force: !!o.force }, ctx),
          (r) => [`Imported the key of ${r.address} (read from ${r.from})`, `Keystore: ${r.keystore}`].join("\n"),
        ),
      ),
    "meshpay key import --out relay.json < relay-key.txt",
  );

  withExamples(
    key
      .command("address")
      .description("show the account the other commands sign with, and where its key comes from")
      .action(
        defineAction(
          deps,
          state,
          (_p, _o, ctx) => showKeyAddress({}, ctx),
          (r) =>
            renderFields([
              ["address", r.address],
              ["key from", r.source === "environment" ? "MESHPAY_PRIVATE_KEY" : `keystore ${r.keystore}`],
            ]),
        ),
      ),
    "meshpay key address --keystore relay.json",
  );
}
