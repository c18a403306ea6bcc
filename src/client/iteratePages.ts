/**
 * Every item of a `?limit=&cursor=` list endpoint, page after page until `nextCursor` is null: e.g.
 * `for await (const e of iteratePages((cursor) => listEpochs(client, { cursor }), (p) => p.epochs))`.
 */
export async function* iteratePages<P extends { nextCursor: string | null }, T>(
  fetchPage: (cursor: string | null) => Promise<P>,
  itemsOf: (page: P) => readonly T[],
): AsyncGenerator<T, void, undefined> {
  let cursor: string | null = null;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor);
    yield* itemsOf(page);
    if (page.nextCursor === null || page.nextCursor === undefined) return;
    // A service that hands back a cursor it already gave would loop forever.
    if (seen.has(page.nextCursor)) throw new Error(`The list repeated cursor ${page.nextCursor}.`);
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
