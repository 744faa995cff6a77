import type { Check, DomainReport } from './types.js';

const MARK: Readonly<Record<Check['status'], string>> = {
  pass: 'ok  ',
  warn: 'warn',
  fail: 'FAIL',
  skipped: 'skip',
};
const VERDICT = { ready: 'READY', 'not-ready': 'NOT READY', unknown: 'UNKNOWN' } as const;

/** The report as text for a terminal: domain checks, then one block per provider with its verdict. */
export function formatReport(report: DomainReport): string {
  const lines = [`mailover doctor ${report.domain}`, ''];
  for (const check of report.checks) lines.push(line(check));
  for (const provider of report.providers) {
    lines.push('', `${provider.id} (${provider.kind}): ${VERDICT[provider.verdict]} — ${provider.summary}`);
    for (const check of provider.checks) lines.push(line(check));
  }
  lines.push(
    '',
    report.ok
      ? 'No failures.'
      : 'Failures found: a provider marked NOT READY would bounce or land in spam as this domain.',
  );
  return lines.join('\n');
}

function line(check: Check): string {
  return `  [${MARK[check.status]}] ${check.id.padEnd(15)} ${check.summary}`;
}
