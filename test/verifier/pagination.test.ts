import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import { startTestVerifier } from "./helpers/startTestVerifier.ts";
import { setupVerifierChain } from "./helpers/verifierChain.ts";

type Page = { posts: { epoch: string; post: { id: string } }[]; nextCursor: string | null };

// docs/api.md, Pagination: `limit` and an opaque keyset `cursor`; `nextCursor` null on the last page.
describe("verifier GET /v1/epochs pagination", () => {
  it("walks every post once, newest first, even when a post arrives mid-walk; refuses a bad limit or cursor", async () => {
    const chain = await setupVerifierChain();
    const driver = await createEpochDriver(chain);
    const verifier = await startTestVerifier(chain);
    const get = async (query: string) => {
      const res = await fetch(`${verifier.url}/v1/epochs${query}`);
      return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as any };
    };
    try {
      for (let e = 0n; e < 7n; e++) await driver.post(e, { tickets: [], receipts: [] });
      await verifier.tick();

      const whole = await get("");
      assert.equal(whole.status, 200);
      assert.equal(whole.body.nextCursor, null);
      const all = (whole.body as Page).posts.map((p) => p.post.id);
      assert.deepEqual(
        (whole.body as Page).posts.map((p) => p.epoch),
        ["6", "5", "4", "3", "2", "1", "0"],
      );

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const { status, body } = await get(`?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
        assert.equal(status, 200, JSON.stringify(body));
        const page = body as Page;
        assert.ok(page.posts.length <= 3);
        seen.push(...page.posts.map((p) => p.post.id));
        cursor = page.nextCursor;
        pages += 1;
        // A post made during the walk is newer than every page: it shifts none of them.
        if (pages === 1) {
          await driver.post(7n, { tickets: [], receipts: [] });
          await verifier.tick();
        }
      } while (cursor !== null);
      assert.equal(pages, 3);
      assert.deepEqual(seen, all, "each post once, in order, none missing");
      assert.equal((await get("?limit=1")).body.posts[0].epoch, "7");

      // An exact multiple of the limit: the last full page says there is no next one.
      const eight = await get("?limit=8");
      assert.equal(eight.body.posts.length, 8);
      assert.equal(eight.body.nextCursor, null);

      for (const bad of ["0", "501", "-1", "1.5", "abc", ""]) {
        const { status, body } = await get(`?limit=${bad}`);
        assert.equal(status, 400, `limit=${bad}`);
        assert.equal(body.code, "REQUEST_INVALID");
        assert.deepEqual(body.details, { path: "limit" });
      }
      const otherList = Buffer.from(JSON.stringify(["pools", "0x00"])).toString("base64url");
      const badKey = Buffer.from(JSON.stringify(["posts", -1, 0])).toString("base64url");
      for (const bad of ["!!", "bm90IGpzb24", otherList, badKey, ""]) {
        const { status, body } = await get(`?cursor=${bad}`);
        assert.equal(status, 400, `cursor=${bad}`);
        assert.equal(body.code, "CURSOR_INVALID");
        assert.deepEqual(body.details, { path: "cursor" });
      }
    } finally {
      await verifier.close();
      await driver.close();
    }
  });
});
