import type { StrategySummary } from './summary.js';

const WIDTH = 1000;
const HEIGHT = 460;
const MARGIN = { left: 64, right: 310, top: 40, bottom: 56 };
const COLORS = ['#d62728', '#7f7f7f', '#ff7f0e', '#2ca02c', '#9467bd', '#1f77b4'];
// Log-scaled minutes: delays from under a minute to the 72-hour provider horizon.
const MIN_MINUTES = 0.5;
const MAX_MINUTES = 72 * 60;
const TICKS: readonly [number, string][] = [
  [1, '1 min'],
  [5, '5 min'],
  [15, '15 min'],
  [60, '1 h'],
  [240, '4 h'],
  [1440, '24 h'],
  [4320, '72 h'],
];

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A hand-written SVG: per strategy, the share of recipients at greylisting domains delivered
 * within a delay (a CDF on a log time axis). A line that ends below 100 % lost mail.
 */
export function delayChart(summaries: readonly StrategySummary[], title: string): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (minutes: number) => {
    const clamped = Math.min(MAX_MINUTES, Math.max(MIN_MINUTES, minutes));
    return MARGIN.left + (Math.log(clamped / MIN_MINUTES) / Math.log(MAX_MINUTES / MIN_MINUTES)) * plotWidth;
  };
  const y = (share: number) => MARGIN.top + (1 - share) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (const [minutes, label] of TICKS) {
    parts.push(
      `<line x1="${x(minutes).toFixed(1)}" y1="${MARGIN.top}" x2="${x(minutes).toFixed(1)}" y2="${MARGIN.top + plotHeight}" stroke="#ddd"/>`,
      `<text x="${x(minutes).toFixed(1)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${label}</text>`,
    );
  }
  for (let share = 0; share <= 1.0001; share += 0.2) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(share).toFixed(1)}" x2="${MARGIN.left + plotWidth}" y2="${y(share).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 8}" y="${(y(share) + 4).toFixed(1)}" text-anchor="end">${Math.round(share * 100)} %</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">delay from send() to delivery (log scale)</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">delivered (recipients at greylisting domains)</text>`,
  );
  summaries.forEach((summary, index) => {
    const color = COLORS[index % COLORS.length]!;
    const total = summary.greylisting.recipients;
    const delays = summary.greylistingDelaysMs;
    // A step line through at most ~400 points: enough for the eye, small file.
    const step = Math.max(1, Math.floor(delays.length / 400));
    const points: string[] = [`${x(MIN_MINUTES).toFixed(1)},${y(0).toFixed(1)}`];
    for (let rank = 0; rank < delays.length; rank += step) {
      const minutes = delays[rank]! / 60_000;
      points.push(
        `${x(minutes).toFixed(1)},${y(rank / total).toFixed(1)}`,
        `${x(minutes).toFixed(1)},${y((rank + 1) / total).toFixed(1)}`,
      );
    }
    points.push(`${x(MAX_MINUTES).toFixed(1)},${y(delays.length / total).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`);
    const legendY = MARGIN.top + 14 + index * 22;
    const legendX = MARGIN.left + plotWidth + 16;
    parts.push(
      `<line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 24}" y2="${legendY - 4}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${legendX + 30}" y="${legendY}">${escapeXml(summary.strategy)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
