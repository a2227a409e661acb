import { describe, expect, it } from 'vitest';
import { barChartSvg, lineChartSvg } from './charts.js';

/** ECharts numbers the ids and class names of each picture it draws; nothing else differs between two drawings of the same figures. */
const picture = (svg: string) => svg.replace(/zr\d+-(?:cls-|c)\d+/g, 'zr');

describe('charts', () => {
  it('draws the figures it is given, the same figures the same picture', () => {
    const a = barChartSvg([{ label: 'Initial conference in time', value: 37 }, { label: 'Core groups every 6 weeks', value: null }]);
    expect(a).toMatch(/^<svg aria-hidden="true" focusable="false" /);
    expect(a).toContain('Initial conference in time');
    expect(a).toContain('37%');
    expect(a).not.toContain('<style');
    expect(barChartSvg([{ label: 'Initial conference in time', value: 37 }, { label: 'Core groups every 6 weeks', value: null }])).toBe(a);
    // Kept charts are told apart by every figure, the size and print
    const b = barChartSvg([{ label: 'Initial conference in time', value: 83 }, { label: 'Core groups every 6 weeks', value: null }]);
    expect(b).toContain('83%');
    expect(b).not.toContain('37%');
    expect(barChartSvg([{ label: 'Initial conference in time', value: 37 }], 720, true)).toMatch(/^<svg [^>]*width="720"/);
  });

  it('still draws each chart right once many others have been drawn since', () => {
    const first = lineChartSvg([{ label: 'Jan', value: 10 }, { label: 'Feb', value: 20 }]);
    for (let i = 0; i < 250; i++) lineChartSvg([{ label: `M${i}`, value: i % 100 }]);
    expect(picture(lineChartSvg([{ label: 'Jan', value: 10 }, { label: 'Feb', value: 20 }]))).toBe(picture(first));
    expect(first).toContain('Feb');
  });

  it('leaves room on the left for a long label drawn in a font a sixth wider than the Arial it is measured in', () => {
    const svg = barChartSvg([{ label: 'Strategy discussion attended by social care, police and health, and by others', value: 50 }]);
    // The label, truncated to 300 of Arial's pixels and set right to the axis, ends where it is placed
    const right = Number(/text-anchor="end"[^>]*translate\(([\d.]+) /.exec(svg)?.[1]);
    expect(svg).toContain('police an...');
    expect(right).toBeGreaterThanOrEqual((300 * 7) / 6);
  });
});
