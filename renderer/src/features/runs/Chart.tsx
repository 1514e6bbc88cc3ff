import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart, BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent, TooltipComponent, TitleComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { ChartOption } from '../../../../shared/views/charts';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent, TooltipComponent, TitleComponent, SVGRenderer, CanvasRenderer]);

/**
 * A chart (Apache ECharts, SVG renderer: crisp, exportable as SVG and PNG). Always laid
 * out left to right: time runs left to right in both languages.
 */
/**
 * `live`: the option changes many times a second (a run in progress). Then at most one
 * update is drawn per animation frame (the newest option), and it is merged into the chart
 * instead of rebuilding it, so a curve fed 10+ times a second stays smooth and the page
 * keeps answering.
 */
export function Chart({
  option,
  height = 260,
  label,
  testId,
  onReady,
  live = false,
  liveKey,
}: {
  option: ChartOption;
  height?: number;
  label: string;
  testId?: string;
  onReady?: (c: echarts.ECharts) => void;
  live?: boolean;
  /** Live charts: when this changes (e.g. the language), the next update rebuilds the chart instead of merging. */
  liveKey?: unknown;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pending = useRef<{ option: ChartOption; frame: number; rebuild: boolean } | null>(null);
  const lastKey = useRef<unknown>(liveKey);
  useEffect(() => {
    if (!ref.current) return;
    // A live chart draws on a canvas: one bitmap per update instead of a changed SVG tree to restyle and lay out.
    const c = echarts.init(ref.current, undefined, { renderer: live ? 'canvas' : 'svg' });
    chart.current = c;
    onReady?.(c);
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    return () => {
      if (pending.current) cancelAnimationFrame(pending.current.frame);
      pending.current = null;
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    if (!live) {
      chart.current?.setOption(option, { notMerge: true, lazyUpdate: true });
      return;
    }
    const rebuild = lastKey.current !== liveKey;
    lastKey.current = liveKey;
    if (pending.current) {
      pending.current.option = option;
      pending.current.rebuild ||= rebuild;
      return;
    }
    const p = {
      option,
      rebuild,
      frame: requestAnimationFrame(() => {
        pending.current = null;
        chart.current?.setOption(p.option, { notMerge: p.rebuild, silent: true });
        // How many times the live chart was redrawn (read by the dashboard test).
        if (ref.current) ref.current.dataset.updates = String(Number(ref.current.dataset.updates ?? 0) + 1);
      }),
    };
    pending.current = p;
  }, [option, live, liveKey]);
  return <div ref={ref} dir="ltr" role="img" aria-label={label} data-testid={testId} className="chart" style={{ blockSize: height, inlineSize: '100%' }} />;
}

export { echarts };
