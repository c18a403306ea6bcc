import { type Command, Option } from "commander";
import type { CliDeps } from "../context/CliDeps.ts";
import { renderFields } from "../format/renderTable.ts";
import { defineAction, type RunState, withExamples } from "./defineAction.ts";
import { lazy } from "./lazy.ts";

const createKey = lazy(() => import("../commands/key/createKey.ts"), "createKey");
const importKey = lazy(() => import("../commands/key/importKey.ts"), "importKey");
const exportKey = lazy(() => import("../commands/key/exportKey.ts"), "exportKey");
const showKeyAddress = lazy(() => import("../commands/key/showKeyAddress.ts"), "showKeyAddress");

export function registerKeyCommands(program: Command, deps: CliDeps, state: RunState): void {
  const key = program
    .command("key")
    .description(
      "manage the signing key: an encrypted keystore file (meshpay's scrypt + AES-256-GCM, or Web3 Secret Storage v3 " +
        "as geth, cast and ethers write; both are read everywhere); keys never go on the command line",
    );
  const formatOption = (fallback: string) =>
    new Option("--format <format>", `keystore format to write (default: ${fallback})`).choices(["meshpay", "web3"]);
  withExamples(key, "meshpay key new", "meshpay key address");

  withExamples(
    key
      .command("new")
      .description(
        "create a fresh random key in an encrypted keystore (password from MESHPAY_KEYSTORE_PASSWORD or typed)",
      )
      .option("--out <file>", "where to write it (default: --keystore, MESHPAY_KEYSTORE or ~/.meshpay/keystore.json)")
      .option("--force", "replace an existing keystore file")
      .addOption(formatOption("meshpay"))
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) =>
            createKey(
              {
                out: o.out as string | undefined,
                force: !!o.force,
                format: o.format as "meshpay" | "web3" | undefined,
              },
              ctx,
            ),
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
        "seal an existing private key in a keystore; the key is read from another keystore (--from-keystore), " +
          "MESHPAY_PRIVATE_KEY, stdin, or typed without echo",
      )
      .option("--out <file>", "where to write it (default: --keystore, MESHPAY_KEYSTORE or ~/.meshpay/keystore.json)")
      .option("--force", "replace an existing keystore file")
      .option(
        "--from-keystore <file>",
        "read the key from a keystore file: Web3 Secret Storage v3 (geth, cast wallet, ethers) or meshpay; its " +
          "password from MESHPAY_SOURCE_KEYSTORE_PASSWORD or typed",
      )
      .addOption(formatOption("meshpay"))
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) =>
            importKey(
              {
                out: o.out as string | undefined,
                force: !!o.force,
                format: o.format as "meshpay" | "web3" | undefined,
                fromKeystore: o.fromKeystore as string | undefined,
              },
              ctx,
            ),
          (r) =>
            [
              `Imported the key of ${r.address} (read from ${r.source ?? r.from})`,
              `Keystore: ${r.keystore} (${r.format === "web3" ? "Web3 Secret Storage v3" : "meshpay"} format)`,
            ].join("\n"),
        ),
      ),
    "meshpay key import --out relay.json < relay-key.txt",
    "meshpay key import --from-keystore ~/.foundry/keystores/relay --out ~/.meshpay/relay.json",
  );

  withExamples(
    key
      .command("export")
      .description(
        "write the signing key into another keystore file, by default Web3 Secret Storage v3 for cast, geth or " +
          "ethers (password from MESHPAY_KEYSTORE_PASSWORD or typed)",
      )
      .requiredOption("--out <file>", "the keystore file to write")
      .option("--force", "replace an existing file")
      .addOption(formatOption("web3"))
      .action(
        defineAction(
          deps,
          state,
          (_p, o, ctx) =>
            exportKey(
              { out: o.out as string, force: !!o.force, format: o.format as "meshpay" | "web3" | undefined },
              ctx,
            ),
          (r) =>
            [
              `Exported the key of ${r.address} (from ${r.from})`,
              `Keystore: ${r.keystore} (${r.format === "web3" ? "Web3 Secret Storage v3" : "meshpay"} format)`,
            ].join("\n"),
        ),
      ),
    "meshpay key export --keystore relay.json --out relay-v3.json",
    "cast wallet address --keystore relay-v3.json",
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
