/**
 * A Web3 Secret Storage v3 keystore, the format geth, Foundry's `cast wallet`, ethers and MetaMask write: the key is
 * AES-128-CTR encrypted under the first 16 bytes of a scrypt (or PBKDF2-HMAC-SHA256) derived key, and
 * `mac = keccak256(derivedKey[16..32] ‖ ciphertext)` authenticates the password. Hex fields carry no 0x.
 * Spec: https://ethereum.org/en/developers/docs/data-structures-and-encoding/web3-secret-storage/
 */
export type Web3Keystore = {
  version: 3;
  id: string;
  /** The key's address, lowercase hex without 0x (optional in the spec; geth and cast write it). */
  address?: string;
  crypto: {
    cipher: "aes-128-ctr";
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: "scrypt" | "pbkdf2";
    kdfparams: Web3ScryptParams | Web3Pbkdf2Params;
    mac: string;
  };
};

export type Web3ScryptParams = { dklen: number; n: number; r: number; p: number; salt: string };
export type Web3Pbkdf2Params = { dklen: number; c: number; prf: "hmac-sha256"; salt: string };

/** scrypt cost of the v3 keystores meshpay writes: n = 2^17, r = 8, p = 1 (ethers' default; geth's is 2^18). */
export const WEB3_KEYSTORE_SCRYPT = { n: 2 ** 17, r: 8, p: 1 } as const;
