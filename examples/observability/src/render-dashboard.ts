/**
 * The dashboard's picture, from real query results: starts the service and a real Prometheus
 * scraping it every second, plays the demo traffic (about three minutes), then runs every query of
 * packages/otel/dashboards/mailover.json through Prometheus's range-query API and draws each panel
 * as Grafana would (same queries, legends, units), into packages/otel/dashboards/mailover.svg.
 * `$__rate_interval` becomes 15s (four scrapes). Run: `npx -y pnpm@10 --filter
 * @mailover/example-observability render-dashboard`; needs Debian's prometheus package.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Series, startPrometheus } from './prometheus.js';
import { startService } from './service.js';
import { runTraffic } from './traffic.js';

const DASHBOARD = fileURLToPath(new URL('../../../packages/otel/dashboards/mailover.json', import.meta.url));
const PICTURE = fileURLToPath(new URL('../../../packages/otel/dashboards/mailover.svg', import.meta.url));
/** The query results the picture is drawn from, kept next to it. */
const RESULTS = fileURLToPath(new URL('../../../bench/results/dashboard.json', import.meta.url));
const STEP_SECONDS = 2;
// Grafana's dark theme and classic palette.
const COLORS = [
  '#73BF69',
  '#F2CC0C',
  '#8AB8FF',
  '#FF780A',
  '#F2495C',
  '#5794F2',
  '#B877D9',
  '#FADE2A',
  '#96D98D',
  '#FF9830',
];
const WIDTH = 460;
const HEIGHT = 300;
const GAP = 12;

interface Panel {
  readonly title: string;
  readonly fieldConfig: { readonly defaults: { readonly unit: string } };
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { title: string; panels: Panel[] };
type Results = {
  start: number;
  end: number;
  phases: { name: string; at: number }[];
  panels: { title: string; series: { legend: string; values: Series['values'] }[] }[];
};
// `--from results.json` redraws from results saved by an earlier run.
const from = process.argv.indexOf('--from');
const results: Results =
  from > 0 ? JSON.parse(readFileSync(process.argv[from + 1]!, 'utf8')) : await measure();
writeFileSync(PICTURE, render(dashboard.title, dashboard.panels, results));
console.log(`wrote ${PICTURE}`);

async function measure(): Promise<Results> {
  // Webhook steps a second apart: deliveries take a second or more after acceptance, as in life.
  const service = await startService({ stepMs: 1_000 });
  const prometheus = await startPrometheus({
    targets: [new URL(service.url).host],
    scrapeIntervalSeconds: 1,
  });
  try {
    const start = Math.floor(Date.now() / 1000);
    const phases: { name: string; at: number }[] = [];
    const totals = await runTraffic(service, {
      onPhase: (phase) => {
        phases.push({ name: phase.name, at: Date.now() / 1000 });
        console.log(`traffic: ${phase.name} (${phase.seconds} s)`);
      },
    });
    await service.sandbox.webhooks.settled();
    await service.mailer.idle();
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // a last scrape or two
    const end = Math.floor(Date.now() / 1000);
    console.log(`traffic done: ${totals.sent} sent, ${totals.failed} failed`);
    const panels: Results['panels'] = [];
    for (const panel of dashboard.panels) {
      const series: Results['panels'][number]['series'] = [];
      for (const target of panel.targets) {
        const expr = target.expr.replaceAll('$__rate_interval', '15s');
        for (const found of await prometheus.queryRange(expr, start, end, STEP_SECONDS)) {
          series.push({ legend: legend(target.legendFormat, found.metric), values: found.values });
        }
      }
      panels.push({ title: panel.title, series });
      console.log(`${panel.title}: ${series.map((entry) => entry.legend).join(', ') || '(no data)'}`);
    }
    const results = { start, end, phases, panels };
    writeFileSync(RESULTS, `${JSON.stringify(results)}\n`);
    console.log(`wrote ${RESULTS}`);
    return results;
  } finally {
    await prometheus.close();
    await service.close();
  }
}

function legend(format: string, labels: Record<string, string>): string {
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
}

function render(title: string, panels: readonly Panel[], results: Results): string {
  const { start, end, phases } = results;
  const columns = 3;
  const rows = Math.ceil(panels.length / columns);
  const top = 64;
  const total = { width: columns * (WIDTH + GAP) + GAP, height: top + rows * (HEIGHT + GAP) + GAP };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${total.width}" height="${total.height}" viewBox="0 0 ${total.width} ${total.height}" font-family="Inter, Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)} dashboard: @mailover/otel metrics from a real Prometheus, under demo traffic</title>`,
    `<rect width="100%" height="100%" fill="#111217"/>`,
    `<text x="${GAP}" y="26" fill="#ccccdc" font-size="18" font-weight="600">${escapeXml(title)} — @mailover/otel metrics, scraped by Prometheus</text>`,
    `<text x="${GAP}" y="48" fill="#8e8e99" font-size="12">${escapeXml(
      `Demo traffic, ${Math.round((end - start) / 60)} min: ${phases.map((phase) => phase.name).join(' → ')}. Dashed lines: phase changes.`,
    )}</text>`,
  ];
  panels.forEach((panel, index) => {
    const x = GAP + (index % columns) * (WIDTH + GAP);
    const y = top + Math.floor(index / columns) * (HEIGHT + GAP);
    const series = results.panels.find((entry) => entry.title === panel.title)?.series ?? [];
    parts.push(drawPanel({ panel, series }, x, y, start, end, phases));
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function drawPanel(
  { panel, series }: { panel: Panel; series: { legend: string; values: Series['values'] }[] },
  x: number,
  y: number,
  start: number,
  end: number,
  phases: { name: string; at: number }[],
): string {
  const unit = panel.fieldConfig.defaults.unit;
  const plot = { left: x + 52, top: y + 34, width: WIDTH - 66, height: HEIGHT - 34 - 86 };
  const finite = series.flatMap((entry) => entry.values.map(([, value]) => value)).filter(Number.isFinite);
  const max = niceMax(Math.max(0, ...finite));
  const sx = (time: number) => plot.left + ((time - start) / (end - start)) * plot.width;
  const sy = (value: number) => plot.top + plot.height - (value / max) * plot.height;
  const out = [
    `<rect x="${x}" y="${y}" width="${WIDTH}" height="${HEIGHT}" rx="3" fill="#181b1f" stroke="#2c3235"/>`,
    `<text x="${x + 10}" y="${y + 20}" fill="#ccccdc" font-size="13" font-weight="600">${escapeXml(panel.title)}</text>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const value = (max / 4) * tick;
    const ty = sy(value);
    out.push(
      `<line x1="${plot.left}" x2="${plot.left + plot.width}" y1="${ty}" y2="${ty}" stroke="#2c3235"/>`,
      `<text x="${plot.left - 6}" y="${ty + 4}" fill="#8e8e99" font-size="10" text-anchor="end">${format(value, unit)}</text>`,
    );
  }
  for (let minute = 0; minute * 60 <= end - start; minute++) {
    const tx = sx(start + minute * 60);
    out.push(
      `<text x="${tx}" y="${plot.top + plot.height + 14}" fill="#8e8e99" font-size="10" text-anchor="middle">${minute}m</text>`,
    );
  }
  for (const phase of phases.slice(1)) {
    const px = sx(phase.at);
    out.push(
      `<line x1="${px}" x2="${px}" y1="${plot.top}" y2="${plot.top + plot.height}" stroke="#8e8e99" stroke-dasharray="3 3" stroke-opacity="0.6"/>`,
    );
  }
  if (series.length === 0) {
    out.push(
      `<text x="${plot.left + plot.width / 2}" y="${plot.top + plot.height / 2}" fill="#8e8e99" font-size="12" text-anchor="middle">No data</text>`,
    );
  }
  series.forEach((entry, index) => {
    const color = COLORS[index % COLORS.length]!;
    // A NaN (a quantile with no samples in the window) breaks the line, as in Grafana.
    let path = '';
    let pen = false;
    for (const [time, value] of entry.values) {
      if (!Number.isFinite(value)) {
        pen = false;
        continue;
      }
      path += `${pen ? 'L' : 'M'}${sx(time).toFixed(1)},${sy(value).toFixed(1)} `;
      pen = true;
    }
    out.push(`<path d="${path.trim()}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
    const column = index % 2;
    const row = Math.floor(index / 2);
    if (row < 4) {
      const lx = x + 12 + column * ((WIDTH - 24) / 2);
      const ly = plot.top + plot.height + 30 + row * 14;
      out.push(
        `<rect x="${lx}" y="${ly - 8}" width="12" height="3" fill="${color}"/>`,
        `<text x="${lx + 16}" y="${ly - 3}" fill="#ccccdc" font-size="10">${escapeXml(entry.legend.slice(0, 40))}</text>`,
      );
    }
  });
  if (series.length > 8) {
    out.push(
      `<text x="${x + WIDTH - 10}" y="${y + HEIGHT - 6}" fill="#8e8e99" font-size="10" text-anchor="end">+${series.length - 8} more series</text>`,
    );
  }
  return out.join('\n');
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  // Quarters of these read well as axis ticks.
  for (const step of [1, 2, 4, 8, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function format(value: number, unit: string): string {
  const number = value >= 10 || value === 0 ? String(Math.round(value)) : value.toFixed(value >= 1 ? 1 : 2);
  if (unit === 'percentunit') return `${Math.round(value * 100)}%`;
  if (unit === 's') return `${number} s`;
  if (unit === 'reqps') return `${number}/s`;
  return number;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
