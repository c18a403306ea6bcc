import type { ExplorerApi } from "../api/ExplorerApi.ts";
import type { BundleCheck } from "./BundleCheck.ts";
import type { BundleChecker } from "./BundleChecker.ts";
import { checkBundleInWorker } from "./checkBundleInWorker.ts";

/**
 * A BundleChecker that streams bundles from the aggregator (`api.openBundle`), one at a time, each hashed in a Web
 * Worker (checkBundleInWorker) so the page stays responsive.
 */
export function createBundleChecker(api: ExplorerApi): BundleChecker {
  const started = new Map<string, Promise<BundleCheck>>();
  const done = new Map<string, BundleCheck>();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    check(post) {
      const key = `${post.epoch}:${post.bundleHash}`;
      let p = started.get(key);
      if (!p) {
        p = queue.then(async () => {
          const { url, body } = await api.openBundle(post.epoch, post.bundleHash);
          const result = await checkBundleInWorker({ url, body, postedHash: post.bundleHash });
          done.set(key, result);
          return result;
        });
        queue = p.catch(() => undefined);
        p.catch(() => started.delete(key));
        started.set(key, p);
      }
      return p;
    },
    peek: (post) => done.get(`${post.epoch}:${post.bundleHash}`),
  };
}
