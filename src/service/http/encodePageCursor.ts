/**
 * The opaque `cursor` of a list endpoint's next page: base64url of the JSON array `[list, ...key]`, where `key` is
 * the sort key of the last item of the page just answered (keyset pagination: the next page starts strictly after
 * that key, so items inserted meanwhile never shift a page, unlike an offset). `list` names the endpoint, so a
 * cursor of one list is refused by another. Clients must not build or parse cursors; only pass them back.
 */
export function encodePageCursor(list: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...key]), "utf8").toString("base64url");
}
