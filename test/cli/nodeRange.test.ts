import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

describe("the supported Node range", () => {
  it("is stated the same way in package.json engines, bin/meshpay.js and the README", () => {
    const engines = JSON.parse(read("package.json")).engines.node as string;
    const [, major, minor] = /^>=(\d+)\.(\d+)$/.exec(engines) ?? [];
    assert.ok(major, `engines.node is ${engines}, expected >=MAJOR.MINOR`);
    const launcher = read("bin/meshpay.js");
    assert.match(launcher, new RegExp(`major === ${major} && minor >= ${minor}`));
    assert.match(launcher, new RegExp(`needs Node\\.js ${major}\\.${minor} or newer`));
    assert.match(read("README.md"), new RegExp(`Node\\.js ${major}\\.${minor} or newer`));
    assert.equal(JSON.parse(read("package-lock.json")).packages[""].engines.node, engines);
  });
});
