import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export type Load<T> =
  | { status: "loading"; value?: T; error?: undefined; reload: () => void }
  | { status: "ok"; value: T; error?: undefined; reload: () => void }
  | { status: "error"; value?: T; error: unknown; reload: () => void };

/**
 * Runs `load` when `deps` change (and on reload()); keeps the last value while reloading so a refresh does not
 * blank the page, and exposes the error for the page's error state. `refreshMs` reloads on a timer.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshMs = 0): Load<T> {
  const [state, setState] = useState<{ status: Load<T>["status"]; value?: T; error?: unknown }>({ status: "loading" });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    const id = ++run.current;
    setState((s) => ({ status: s.status === "ok" && tick > 0 ? "ok" : "loading", value: s.value }));
    load().then(
      (value) => id === run.current && setState({ status: "ok", value }),
      (error) => id === run.current && setState((s) => ({ status: "error", value: s.value, error })),
    );
  }, [...deps, tick]);
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, reload]);
  return { ...state, reload } as Load<T>;
}
