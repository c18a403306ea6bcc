/** The page a location hash names: #/pools (default), #/epochs, #/relay[/0x…], #/challenges. */
export type Route =
  | { page: "pools" }
  | { page: "epochs" }
  | { page: "relay"; account: string | null }
  | { page: "challenges" };

export function parseRoute(hash: string): Route {
  const [, page, arg] = hash.replace(/^#/, "").split("/");
  if (page === "epochs") return { page: "epochs" };
  if (page === "challenges") return { page: "challenges" };
  if (page === "relay") return { page: "relay", account: arg ? decodeURIComponent(arg) : null };
  return { page: "pools" };
}
