/** The comparison as a plain-text table: one line per (strategy, phase). */
import { PROVIDERS, type Row } from './compare.js';

const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`);

/** Shares per provider as percentages of the batch; `·` where a provider took nothing. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['strategy', 'phase', ...PROVIDERS, 'sent', 'failovers', 'skipped', 'calls to down'];
  const lines = rows.map((row) => [
    row.scenario,
    row.phase,
    ...PROVIDERS.map((id) => (row.accepted[id] ? percent(row.accepted[id]!, row.messages) : '·')),
    `${row.sent}/${row.messages}`,
    String(row.failovers),
    String(row.skips),
    row.phase === 'outage' ? String(row.callsToDown) : '',
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((cells) => cells[column]!.length)),
  );
  // Names on the left, numbers on the right, as a reader scans them.
  const render = (cells: string[]) =>
    cells
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((width) => '─'.repeat(width)).join('  '), ...lines.map(render)].join(
    '\n',
  );
}
