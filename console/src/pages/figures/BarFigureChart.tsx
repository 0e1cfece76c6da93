// A bar chart of figures drawn with Apache ECharts. Loaded on its own (React.lazy) so the figures
// page's first paint carries no chart code: only the bar chart, grid, legend, tooltip and the
// canvas renderer are registered (echarts/core), not the whole library.
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface BarFigures {
  /** The bars' labels along the axis (categories, programs, grant types), in Chinese. */
  labels: string[];
  /** One series per measure, values in the unit named by `unit` (people, households, yuan). */
  series: Array<{ name: string; values: number[] }>;
  unit: string;
}

/**
 * The chart is an image to assistive technology (role img, named by `title`); the same figures
 * stand in the table the page shows with it, which is their text alternative.
 */
export default function BarFigureChart(props: { title: string; figures: BarFigures }) {
  const container = useRef<HTMLDivElement>(null);
  const { title, figures } = props;
  useEffect(() => {
    const chart = init(container.current!, undefined, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      color: ['#0958d9', '#d46b08', '#389e0d', '#722ed1'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: figures.labels, axisLabel: { interval: 0 } },
      yAxis: { type: 'value', name: figures.unit, minInterval: figures.unit === '元' ? 0 : 1 },
      series: figures.series.map((s) => ({ type: 'bar', name: s.name, data: s.values, barMaxWidth: 40 })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [figures]);
  return <div ref={container} role="img" aria-label={`${title}（图表，数据见下表）`} style={{ width: '100%', height: 280 }} />;
}
