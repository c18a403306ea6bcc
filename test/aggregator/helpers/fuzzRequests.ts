// Seeded generator of malformed POST /v1/receipts requests (envelope-level faults: every one must get a 4xx).
// No tests here.
export type FuzzRequest = { kind: string; headers: Record<string, string>; body: Buffer };

export function createRandom(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}

/**
 * Builds malformed requests from a valid batch: broken JSON, wrong types, bad hex, unknown fields, malformed
 * tickets, oversized batches and bodies, bad headers. `valid` is a valid batch body; `key()` gives fresh keys.
 */
export function createFuzzer(
  seed: number,
  valid: { relay: string; tickets: Record<string, any>[]; receipts: unknown[] },
  key: () => string,
) {
  const r = createRandom(seed);
  const json = { "content-type": "application/json" };
  const badValues: unknown[] = [
    null,
    0,
    -1,
    1.5,
    Number.POSITIVE_INFINITY,
    true,
    "",
    "0x",
    "0xzz",
    `0x${"g".repeat(40)}`,
    `0x${"1".repeat(39)}`,
    `0x${"1".repeat(41)}`,
    "1".repeat(42),
    `0X${"1".repeat(40)}`,
    [],
    {},
    [1, 2],
    "18446744073709551616",
    "-5",
    "01",
    " 1",
    "\u0000",
    "💥",
  ];
  const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const envelope = (body: unknown): FuzzRequest => ({
    kind: "envelope",
    headers: { ...json, "idempotency-key": key() },
    body: Buffer.from(JSON.stringify(body)),
  });

  const makers: (() => FuzzRequest)[] = [
    // Not JSON at all, or cut short.
    () => ({ kind: "garbage", headers: { ...json, "idempotency-key": key() }, body: r.bytes(1 + r.int(300)) }),
    () => {
      const text = JSON.stringify(valid);
      return {
        kind: "truncated",
        headers: { ...json, "idempotency-key": key() },
        body: Buffer.from(text.slice(0, r.int(text.length - 1))),
      };
    },
    () => {
      // A byte of the envelope (relay, tickets) replaced by another structural or invalid byte; the receipts are left
      // alone, since a receipt that no longer decodes is rejected on its own inside a 200.
      const text = Buffer.from(JSON.stringify(valid));
      const at = r.int(text.indexOf('"receipts"'));
      text[at] = r.pick([0x7b, 0x7d, 0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x00, 0xff].filter((b) => b !== text[at]));
      return { kind: "corrupted", headers: { ...json, "idempotency-key": key() }, body: text };
    },
    () => ({
      kind: "nested",
      headers: { ...json, "idempotency-key": key() },
      body: Buffer.from("[".repeat(1 + r.int(20_000)) + "]".repeat(r.int(3))),
    }),
    // Wrong root or envelope types.
    () => envelope(r.pick([null, 1, "relay", [valid], true])),
    () => envelope({ ...valid, relay: r.pick(badValues) }),
    () => envelope({ ...valid, receipts: r.pick([null, 1, "x", {}, true]) }),
    () => envelope({ ...valid, tickets: r.pick([1, "x", {}, true]) }),
    () => envelope({ ...valid, [r.pick(["extra", "Relay", "receipt", "__proto__x"])]: 1 }),
    () => {
      const { relay: _relay, ...rest } = valid;
      return envelope(rest);
    },
    // Malformed tickets: wrong types, bad hex, out of range, missing or unknown fields.
    () => {
      const body = clone(valid);
      const t = body.tickets[0]!;
      const field = r.pick(["poolId", "streamId", "viewer", "notBefore", "notAfter", "maxBytes"]);
      t.ticket[field] = r.pick(badValues);
      return envelope(body);
    },
    () => {
      const body = clone(valid);
      body.tickets[0]!.signature = r.pick([
        "0x",
        "0x12",
        `0x${"a".repeat(2 * (66 + r.int(5)))}`,
        `0x${"q".repeat(130)}`,
        7,
        null,
      ]);
      return envelope(body);
    },
    () => {
      const body = clone(valid);
      const t = body.tickets[0]!;
      if (r.next() < 0.5) delete t.ticket[r.pick(["poolId", "viewer", "maxBytes"])];
      else t.ticket.extra = 1;
      return envelope(body);
    },
    () => {
      const body = clone(valid);
      body.tickets[0] = r.pick([null, 1, "t", [], { ticket: null, signature: "0x" }]) as never;
      return envelope(body);
    },
    // Too many receipts or tickets.
    () => envelope({ relay: valid.relay, receipts: Array.from({ length: 5001 + r.int(100) }, () => 0) }),
    () => envelope({ relay: valid.relay, tickets: Array.from({ length: 1001 + r.int(50) }, () => 0), receipts: [] }),
    // Headers.
    () => ({ kind: "no key", headers: json, body: Buffer.from(JSON.stringify(valid)) }),
    () => ({
      kind: "bad key",
      headers: { ...json, "idempotency-key": r.pick(["has space", "x".repeat(129), "semi;colon", "slash/", "é", "*"]) },
      body: Buffer.from(JSON.stringify(valid)),
    }),
    () => ({
      kind: "media type",
      headers: {
        "content-type": r.pick([
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data",
          "application/jsonx",
          "json",
        ]),
        "idempotency-key": key(),
      },
      body: Buffer.from(JSON.stringify(valid)),
    }),
  ];

  return {
    next(): FuzzRequest {
      return r.pick(makers)();
    },
    /** A body over 4 MiB (valid JSON, huge padding). */
    huge(): FuzzRequest {
      const pad = "x".repeat(4 * 1024 * 1024 + 1 + r.int(1024 * 1024));
      return {
        kind: "huge",
        headers: { ...json, "idempotency-key": key() },
        body: Buffer.from(JSON.stringify({ relay: valid.relay, receipts: [], pad })),
      };
    },
  };
}
