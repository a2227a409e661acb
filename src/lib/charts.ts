/**
 * Charts as server-rendered SVG (ECharts' server-side rendering: no script in the browser). The SVG
 * is decorative for assistive technology (aria-hidden): each chart sits in a <figure> with a caption
 * and the same figures follow as a table, which is the text alternative.
 */
import * as echarts from 'echarts';
import { Lru } from './lru.js';

const FONT = 'Arial, sans-serif';
/** GOV.UK colours: blue for the series, dark grey for the text. */
const BLUE = '#1d70b8';
const TEXT = '#0b0c0c';

/**
 * A chart is a pure function of its figures, and the same figures are drawn again and again (a dashboard's
 * figures change only when results do), while drawing one costs a page more than everything else on it:
 * the last CACHE_SIZE charts drawn are kept, the least recently used dropped first.
 */
const CACHE_SIZE = 200;
const drawn = new Lru<string, string>(CACHE_SIZE);

function render(option: echarts.EChartsOption, width: number, height: number, print = false): string {
  const key = JSON.stringify([option, width, height, print]);
  const hit = drawn.get(key);
  if (hit !== undefined) return hit;
  const svg = draw(option, width, height, print);
  drawn.set(key, svg);
  return svg;
}

function draw(option: echarts.EChartsOption, width: number, height: number, print: boolean): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT, color: TEXT }, ...option });
    // The <style> element ECharts adds holds only hover effects (no use in a static picture) and a
    // CSP with style-src 'self' would block it; the style attributes are allowed (style-src-attr).
    const svg = chart.renderToSVGString().replace(/<style[^>]*>[\s\S]*?<\/style>/g, '');
    // A PDF keeps the chart's own size (the document sets the width it is drawn at)
    if (print) return svg;
    return svg
      // Scales to the width of the page (the viewBox keeps its proportions)
      .replace(/^<svg ([^>]*?)width="\d+" height="\d+"/, '<svg $1width="100%"')
      .replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
  } finally {
    chart.dispose();
  }
}

/** The widest a bar's label is drawn (longer ones end in an ellipsis). */
const LABEL_WIDTH = 300;

/** A horizontal bar chart of percentages (null: no bar), one bar for each label; `print` for a PDF. */
export function barChartSvg(items: { label: string; value: number | null }[], width = 720, print = false): string {
  const height = Math.max(120, 40 + items.length * 28);
  return render(
    {
      // ECharts measures the labels with Arial's widths; where the browser has no Arial its fallback can be
      // wider by a sixth (DejaVu Sans), so the labels, set right to the axis, are given that much room on the left
      grid: { left: 8 + Math.ceil(LABEL_WIDTH / 6), right: 48, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%', color: TEXT } },
      yAxis: { type: 'category', inverse: true, data: items.map((i) => i.label), axisLabel: { color: TEXT, width: LABEL_WIDTH, overflow: 'truncate' } },
      series: [{ type: 'bar', data: items.map((i) => i.value), itemStyle: { color: BLUE }, label: { show: true, position: 'right', formatter: '{c}%', color: TEXT } }],
    },
    width,
    height,
    print,
  );
}

/** A line chart of percentages over time (null: a gap). */
export function lineChartSvg(points: { label: string; value: number | null }[], width = 720, height = 320): string {
  return render(
    {
      grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: points.map((p) => p.label), axisLabel: { color: TEXT } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%', color: TEXT } },
      series: [{ type: 'line', data: points.map((p) => p.value), connectNulls: false, lineStyle: { color: BLUE, width: 3 }, itemStyle: { color: BLUE }, symbolSize: 8 }],
    },
    width,
    height,
  );
}
