import type { Bundle, BundleItem } from "./types.ts";

/** A bundle being collected (its header arrives first). */
export type PartialBundle = Omit<Bundle, "header"> & { header?: Bundle["header"] };

/** No lines yet. */
export function emptyBundle(): PartialBundle {
  return { pools: [], tickets: [], receipts: [], leaves: [] };
}

/** Appends one parsed line to `bundle` (skipped lines are undefined). */
export function addBundleItem(bundle: PartialBundle, item: BundleItem | undefined): void {
  if (!item) return;
  if (item.type === "header") bundle.header = item.header;
  else if (item.type === "pool") bundle.pools.push(withoutType(item));
  else if (item.type === "ticket") bundle.tickets.push(withoutType(item));
  else if (item.type === "receipt") bundle.receipts.push(withoutType(item));
  else if (item.type === "leaf") bundle.leaves.push(withoutType(item));
}

function withoutType<T extends { type: string }>(item: T): Omit<T, "type"> {
  const { type: _type, ...rest } = item;
  return rest;
}
