import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

/**
 * A uPlot chart sized to its container. `x` are the category labels (days, statuses);
 * `format` renders a y value for axes and the legend (money through Intl, never floats of money).
 * The figure's caption and the numbers in tables next to it make it readable without sight.
 */
export function Chart({ title, xLabel, x, series, format, bars = false, integer = false, height = 220 }: {
  title: string;
  /** What the x values are, for the legend (e.g. "Day"). */
  xLabel: string;
  x: string[];
  series: ChartSeries[];
  format: (v: number) => string;
  bars?: boolean;
  /** Counts: whole-number ticks only. */
  integer?: boolean;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = x.map((_, i) => i);
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height,
      // uPlot's own legend toggles series on mouse clicks only; a static legend is rendered below.
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        // Bars need half a slot of room at both ends; values start at zero so bars compare.
        x: { time: false, ...(bars ? { range: (): uPlot.Range.MinMax => [-0.5, x.length - 0.5] } : {}) },
        y: { range: (_u, _min, max): uPlot.Range.MinMax => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? x[t] ?? '' : '')), stroke: '#444', ...(bars ? { incrs: [1] } : {}) },
        { values: (_u, ticks) => ticks.map((t) => format(t)), size: 90, stroke: '#444', ...(integer ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000, 1000000] } : {}) },
      ],
      series: [
        { label: xLabel, value: (_u, v) => (v === null ? '' : x[v] ?? '') },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: bars ? s.color : undefined,
          width: 2,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
          paths: bars ? uPlot.paths.bars!({ size: [0.6, 60] }) : undefined,
          points: { show: !bars },
        })),
      ],
    };
    const plot = new uPlot(opts, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, format, bars, height]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} aria-hidden="true" />
      <ul className="legend" aria-hidden="true">
        {series.map((s) => <li key={s.label}><Swatch color={s.color} />{s.label}</li>)}
      </ul>
      <details>
        <summary>Numbers of “{title}”</summary>
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">{xLabel}</th>{series.map((s) => <th scope="col" key={s.label}>{s.label}</th>)}</tr></thead>
            <tbody>
              {x.map((label, i) => (
                <tr key={label + i}><th scope="row">{label}</th>{series.map((s) => <td key={s.label} className="num">{s.values[i] === null || s.values[i] === undefined ? '—' : format(s.values[i]!)}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** A colour key; the colour is set through the CSSOM (allowed by the panel's CSP, unlike style attributes in markup). */
function Swatch({ color }: { color: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.style.backgroundColor = color;
  }, [color]);
  return <span ref={ref} className="swatch" />;
}
