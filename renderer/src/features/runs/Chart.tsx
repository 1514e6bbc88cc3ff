import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart, BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent, TooltipComponent, TitleComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent, TooltipComponent, TitleComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

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
}: {
  option: ChartOption;
  height?: number;
  label: string;
  testId?: string;
  onReady?: (c: echarts.ECharts) => void;
  live?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pending = useRef<{ option: ChartOption; frame: number } | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current, undefined, { renderer: 'svg' });
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
    if (pending.current) {
      pending.current.option = option;
      return;
    }
    const p = {
      option,
      frame: requestAnimationFrame(() => {
        pending.current = null;
        chart.current?.setOption(p.option, { notMerge: false, silent: true });
      }),
    };
    pending.current = p;
  }, [option, live]);
  return <div ref={ref} dir="ltr" role="img" aria-label={label} data-testid={testId} className="chart" style={{ blockSize: height, inlineSize: '100%' }} />;
}

export { echarts };
