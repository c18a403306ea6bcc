import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { formatDuration } from "../format/formatDuration.ts";
import { formatTimestamp } from "../format/formatTimestamp.ts";

/**
 * Time left until `at` (chain time, unix seconds), ticking every second from the chain time the page read
 * (`chainTime` at `readAt` wall-clock ms), so a chain whose clock differs from the browser's still counts right.
 */
export function Countdown({ at, chainTime, readAt }: { at: bigint; chainTime: bigint; readAt: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const left = Number(at - chainTime) - Math.floor((now - readAt) / 1000);
  return html`<span class="countdown" title=${formatTimestamp(at)} data-at=${String(at)}
    >${left > 0 ? `in ${formatDuration(left)}` : "now"}</span
  >`;
}
