import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

/**
 * A uPlot chart of one series per x (bars, or a stepped line for prices), sized to its container and redrawn when
 * it resizes (phones included). `format` labels the y axis and the cursor's legend.
 */
export function BarChart(props: {
  title: string;
  xs: number[];
  ys: number[];
  xLabel: string;
  yLabel: string;
  format: (y: number) => string;
  kind?: "bars" | "steps";
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    const path =
      props.kind === "steps" ? uPlot.paths.stepped!({ align: 1 }) : uPlot.paths.bars!({ size: [0.6, 60], align: 0 });
    const plot = new uPlot(
      {
        width: width(),
        height: 200,
        title: props.title,
        scales: { x: { time: false } },
        axes: [
          { label: props.xLabel, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : "")) },
          { label: props.yLabel, size: 70, values: (_u, splits) => splits.map((v) => props.format(v)) },
        ],
        series: [
          { label: props.xLabel },
          {
            label: props.yLabel,
            stroke: "#2563eb",
            fill: props.kind === "steps" ? "rgba(37,99,235,0.08)" : "rgba(37,99,235,0.55)",
            width: props.kind === "steps" ? 2 : 1,
            paths: path,
            points: { show: props.kind === "steps" },
            value: (_u, v) => (v == null ? "–" : props.format(v)),
          },
        ],
        legend: { show: true },
      },
      [props.xs, props.ys],
      el,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 200 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify([props.xs, props.ys, props.title])]);
  return html`<div class="chart" ref=${box} data-testid=${props.testId} role="img" aria-label=${props.title}></div>`;
}
