import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { privateKeyToAddress } from "viem/accounts";
import { CliError } from "../../src/cli/errors/CliError.ts";
import { decryptKeystore } from "../../src/cli/keys/decryptKeystore.ts";
import { encryptKeystore, KEYSTORE_SCRYPT } from "../../src/cli/keys/encryptKeystore.ts";
import { normalizePrivateKey } from "../../src/cli/keys/resolveSigner.ts";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
const FAST = { N: 1024, r: 8, p: 1 }; // the file records its cost, so a cheap one opens the same way
const code = (c: string) => (err: unknown) => err instanceof CliError && err.code === c;

describe("keystore (scrypt + AES-256-GCM)", () => {
  it("opens with the right password and gives back the key and its address", () => {
    const ks = encryptKeystore(KEY, "a long password", FAST);
    assert.equal(ks.address, privateKeyToAddress(KEY));
    assert.equal(JSON.stringify(ks).includes(KEY.slice(2)), false);
    assert.deepEqual(decryptKeystore(JSON.parse(JSON.stringify(ks)), "a long password"), {
      privateKey: KEY,
      address: privateKeyToAddress(KEY),
    });
  });

  it("refuses a wrong password, a swapped address and a file that is not a keystore", () => {
    const ks = encryptKeystore(KEY, "a long password", FAST);
    assert.throws(() => decryptKeystore(ks, "another password"), code("KEYSTORE_PASSWORD_WRONG"));
    const swapped = {
      ...ks,
      address: privateKeyToAddress("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"),
    };
    // the address is authenticated data
    assert.throws(() => decryptKeystore(swapped, "a long password"), code("KEYSTORE_PASSWORD_WRONG"));
    assert.throws(
      () => decryptKeystore({ ...ks, kdf: { ...ks.kdf, N: 1000 } }, "a long password"),
      code("KEYSTORE_INVALID"),
    );
    assert.throws(() => decryptKeystore({ hello: "world" }, "x"), code("KEYSTORE_INVALID"));
  });

  it("creates new keystores with scrypt N = 2^17", () => {
    assert.equal(KEYSTORE_SCRYPT.N, 131_072);
  });

  it("accepts private keys with or without 0x and refuses anything else without echoing it", () => {
    assert.equal(normalizePrivateKey(KEY.slice(2).toUpperCase(), "x"), KEY);
    for (const bad of ["0x1234", `0x${"0".repeat(64)}`, `0x${"f".repeat(64)}`, "not a key"]) {
      assert.throws(
        () => normalizePrivateKey(bad, "MESHPAY_PRIVATE_KEY"),
        (err: unknown) => code("KEY_INVALID")(err) && !(err as Error).message.includes(bad),
      );
    }
  });
});
