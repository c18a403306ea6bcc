import cliProgress from "cli-progress";
import { toJsonSafe } from "../../protocol/utils/toJsonSafe.ts";
import type { CliDeps } from "../context/CliDeps.ts";

/** A progress bar (or nothing, when output is JSON or not a terminal). */
export type Progress = {
  increment(by?: number): void;
  update(value: number): void;
  setTotal(total: number): void;
  stop(): void;
};

/** How commands talk to people and scripts. */
export type Output = {
  readonly json: boolean;
  /** A line for people, on stderr; silent with --json. */
  info(line: string): void;
  /** A warning, on stderr (also with --json). */
  warn(line: string): void;
  /**
   * A progress bar on stderr for long work: shown on a terminal (or with MESHPAY_PROGRESS=always), never with --json.
   */
  progress(label: string, total: number, options?: { unit?: string; bytes?: boolean }): Progress;
  /** The command's result: pretty JSON on stdout with --json, else `render(value)` on stdout. */
  result<T>(value: T, render: (value: T) => string): void;
};

export function createOutput(deps: CliDeps, json: boolean): Output {
  const always = deps.env.MESHPAY_PROGRESS === "always";
  const never = deps.env.MESHPAY_PROGRESS === "never";
  return {
    json,
    info(line) {
      if (!json) deps.stderr.write(`${line}\n`);
    },
    warn(line) {
      deps.stderr.write(`warning: ${line}\n`);
    },
    progress(label, total, options = {}) {
      if (json || never || (!deps.stderr.isTTY && !always)) return noProgress;
      const format = options.bytes
        ? `${label} [{bar}] {percentage}% | {valueMB}/{totalMB} MB | {eta_formatted}`
        : `${label} [{bar}] {percentage}% | {value}/{total}${options.unit ? ` ${options.unit}` : ""} | {eta_formatted}`;
      const bar = new cliProgress.SingleBar(
        {
          format,
          stream: deps.stderr as NodeJS.WritableStream,
          noTTYOutput: always,
          notTTYSchedule: 200,
          hideCursor: !!deps.stderr.isTTY,
          clearOnComplete: false,
          barsize: 30,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      const mb = (v: number) => (v / 1e6).toFixed(1);
      let current = 0;
      let max = total;
      bar.start(total, 0, options.bytes ? { valueMB: mb(0), totalMB: mb(total) } : {});
      const payload = () => (options.bytes ? { valueMB: mb(current), totalMB: mb(max) } : {});
      return {
        increment(by = 1) {
          current += by;
          bar.update(current, payload());
        },
        update(value) {
          current = value;
          bar.update(current, payload());
        },
        setTotal(t) {
          max = t;
          bar.setTotal(t);
        },
        stop() {
          bar.update(current, payload());
          bar.stop();
        },
      };
    },
    result(value, render) {
      if (json) deps.stdout.write(`${JSON.stringify(toJsonSafe(value), null, 2)}\n`);
      else {
        const text = render(value);
        if (text) deps.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      }
    },
  };
}

const noProgress: Progress = { increment() {}, update() {}, setTotal() {}, stop() {} };
