import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { describe, it } from "node:test";
import type { Command } from "commander";
import type { CliDeps } from "../../src/cli/context/CliDeps.ts";
import { createDefaultDeps } from "../../src/cli/context/createDefaultDeps.ts";
import { createProgram } from "../../src/cli/program/createProgram.ts";
import { runMeshpay } from "../../src/cli/program/runMeshpay.ts";
import { runCli } from "./helpers/runCli.ts";

function captured(): CliDeps & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return Object.assign(createDefaultDeps(), {
    env: {},
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  });
}

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

describe("meshpay --help", () => {
  const program = createProgram(captured(), { exitCode: 0, json: false }, () => {});
  const paths = commandPaths(program);

  it("shows an example on every command", async () => {
    assert.ok(paths.length >= 25, `${paths.length} commands`);
    for (const path of paths) {
      const deps = captured();
      assert.equal(await runMeshpay([...path, "--help"], deps), 0, path.join(" "));
      assert.match(deps.out(), /\nExamples?:\n {2}\$ meshpay /, `meshpay ${path.join(" ")} --help`);
    }
  });

  it("lists the exit codes and the key rules at the top level, from the real process", async () => {
    const r = await runCli({ cwd: tmpdir() }, ["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Exit codes:\n {2}0 {2}ok\n {2}1 {2}failure/);
    assert.match(r.stdout, /never from the command line/);
  });

  it("answers a usage error with exit code 2, and with a JSON error under --json", async () => {
    const deps = captured();
    assert.equal(await runMeshpay(["pool", "fund", "0x12"], deps), 2);
    assert.match(deps.err(), /error: missing required argument 'amount'/);
    const json = captured();
    assert.equal(await runMeshpay(["--json", "pool", "fund", "0x12", "5"], json), 2);
    assert.deepEqual(Object.keys(JSON.parse(json.out()).error), ["code", "exitCode", "message"]);
  });
});
