import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
// ethers (here through Hardhat Ignition) is an independent implementation of the format: the oracle for interop.
import { Wallet } from "ethers";
import { privateKeyToAddress } from "viem/accounts";
import { CliError } from "../../src/cli/errors/CliError.ts";
import { decryptWeb3Keystore } from "../../src/cli/keys/decryptWeb3Keystore.ts";
import { encryptWeb3Keystore } from "../../src/cli/keys/encryptWeb3Keystore.ts";
import { openKeystore } from "../../src/cli/keys/openKeystore.ts";
import { runCli } from "./helpers/runCli.ts";

const code = (c: string) => (err: unknown) => err instanceof CliError && err.code === c;
const FAST = { n: 1024, r: 8, p: 1 };
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;

// The two test vectors of the Web3 Secret Storage definition (password "testpassword").
const SPEC_KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const SPEC_PBKDF2 = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};
const SPEC_SCRYPT = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
    ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    kdf: "scrypt",
    kdfparams: {
      dklen: 32,
      n: 262144,
      r: 1,
      p: 8,
      salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19",
    },
    mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};

describe("Web3 Secret Storage v3 keystores (geth, cast, ethers)", () => {
  it("opens both test vectors of the definition, PBKDF2 and scrypt", () => {
    for (const vector of [SPEC_PBKDF2, SPEC_SCRYPT]) {
      const opened = decryptWeb3Keystore(vector, "testpassword");
      assert.equal(opened.privateKey, SPEC_KEY);
      assert.equal(opened.address, privateKeyToAddress(SPEC_KEY));
    }
  });

  it("opens a keystore written by ethers, and ethers opens the ones meshpay writes", async () => {
    const wallet = new Wallet(KEY);
    const byEthers = JSON.parse(await wallet.encrypt("ethers password"));
    assert.deepEqual(openKeystore(byEthers, "ethers password"), {
      privateKey: KEY,
      address: privateKeyToAddress(KEY),
      format: "web3",
    });
    const byMeshpay = encryptWeb3Keystore(KEY, "meshpay password", FAST);
    const reopened = await Wallet.fromEncryptedJson(JSON.stringify(byMeshpay), "meshpay password");
    assert.equal(reopened.privateKey, KEY);
    assert.equal(byMeshpay.address, privateKeyToAddress(KEY).slice(2).toLowerCase());
    assert.equal(JSON.stringify(byMeshpay).includes(KEY.slice(2)), false);
  });

  it("accepts geth's capitalised Crypto section and an address with or without 0x", () => {
    const ks = encryptWeb3Keystore(KEY, "a long password", FAST);
    const { crypto, ...rest } = ks;
    assert.equal(decryptWeb3Keystore({ ...rest, Crypto: crypto }, "a long password").privateKey, KEY);
    assert.equal(decryptWeb3Keystore({ ...ks, address: `0x${ks.address}` }, "a long password").privateKey, KEY);
  });

  it("refuses a wrong password, a modified ciphertext, a swapped address and unsupported parameters", () => {
    const ks = encryptWeb3Keystore(KEY, "a long password", FAST);
    assert.throws(() => decryptWeb3Keystore(ks, "another password"), code("KEYSTORE_PASSWORD_WRONG"));
    const flipped = `${ks.crypto.ciphertext[0] === "0" ? "1" : "0"}${ks.crypto.ciphertext.slice(1)}`;
    assert.throws(
      () => decryptWeb3Keystore({ ...ks, crypto: { ...ks.crypto, ciphertext: flipped } }, "a long password"),
      code("KEYSTORE_PASSWORD_WRONG"),
    );
    assert.throws(
      () => decryptWeb3Keystore({ ...ks, address: "00".repeat(20) }, "a long password"),
      (err: unknown) => code("KEYSTORE_INVALID")(err) && /holds a key for 0x/.test((err as Error).message),
    );
    const bad: [string, object][] = [
      ["cipher", { ...ks.crypto, cipher: "aes-128-cbc" }],
      ["scrypt n", { ...ks.crypto, kdfparams: { ...ks.crypto.kdfparams, n: 1000 } }],
      ["scrypt n", { ...ks.crypto, kdfparams: { ...ks.crypto.kdfparams, n: 2 ** 24 } }],
      ["kdf", { ...ks.crypto, kdf: "argon2" }],
      ["mac", { ...ks.crypto, mac: "abcd" }],
    ];
    for (const [what, crypto] of bad)
      assert.throws(
        () => decryptWeb3Keystore({ ...ks, crypto }, "a long password"),
        (err: unknown) => code("KEYSTORE_INVALID")(err) && (err as Error).message.includes(what),
        what,
      );
    assert.throws(() => openKeystore({ version: 2 }, "x"), code("KEYSTORE_INVALID"));
  });
});

describe("meshpay key with Web3 keystores (real CLI process)", () => {
  const dir = mkdtempSync(join(tmpdir(), "meshpay-web3-keystore-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[], env: Record<string, string> = {}) => runCli({ cwd: dir, env }, args);

  it("signs with a cast/geth keystore directly, imports it into meshpay's format, and exports back to v3", async () => {
    const foreign = JSON.parse(await new Wallet(KEY).encrypt("cast password"));
    writeFileSync(join(dir, "cast-key.json"), JSON.stringify(foreign));
    const address = privateKeyToAddress(KEY);

    const direct = await run(["--json", "key", "address", "--keystore", "cast-key.json"], {
      MESHPAY_KEYSTORE_PASSWORD: "cast password",
    });
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(direct.json().address, address);

    const imported = await run(["--json", "key", "import", "--from-keystore", "cast-key.json", "--out", "relay.json"], {
      MESHPAY_SOURCE_KEYSTORE_PASSWORD: "cast password",
      MESHPAY_KEYSTORE_PASSWORD: "meshpay password",
    });
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.json().address, address);
    assert.equal(imported.json().format, "meshpay");
    assert.equal(JSON.parse(readFileSync(join(dir, "relay.json"), "utf8")).format, "meshpay-keystore");

    const exported = await run(["key", "export", "--keystore", "relay.json", "--out", "relay-v3.json"], {
      MESHPAY_KEYSTORE_PASSWORD: "meshpay password",
    });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, new RegExp(`Exported the key of ${address}`));
    assert.match(exported.stdout, /Web3 Secret Storage v3 format/);
    const v3 = readFileSync(join(dir, "relay-v3.json"), "utf8");
    assert.equal((await Wallet.fromEncryptedJson(v3, "meshpay password")).privateKey, KEY);

    const wrong = await run(["key", "import", "--from-keystore", "cast-key.json", "--out", "other.json"], {
      MESHPAY_SOURCE_KEYSTORE_PASSWORD: "not it",
      MESHPAY_KEYSTORE_PASSWORD: "meshpay password",
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /The password does not open .*cast-key\.json/);

    const badFormat = await run(["key", "new", "--format", "pem", "--out", "x.json"]);
    assert.equal(badFormat.code, 2, badFormat.stderr);
  });
});
