/** The strategy comparison against the sandbox: where messages land, healthy and with SendGrid down. */
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareStrategies, type Row, WEIGHTS } from '../src/compare.js';
import { formatTable } from '../src/table.js';

const MESSAGES = 100;

describe('provider-priority comparison', () => {
  let sandbox: Sandbox;
  let rows: Row[];
  const row = (scenario: string, phase: Row['phase']) => {
    const found = rows.find(
      (candidate) => candidate.scenario.startsWith(scenario) && candidate.phase === phase,
    );
    if (!found) throw new Error(`no row ${scenario} ${phase}`);
    return found;
  };
  const share = (found: Row, provider: string) => (found.accepted[provider] ?? 0) / found.messages;

  beforeAll(async () => {
    sandbox = await startSandbox();
    rows = await compareStrategies({ sandbox, messages: MESSAGES, seed: 7, down: 'sendgrid' });
  });
  afterAll(() => sandbox?.close());

  it('sends every message in every scenario, outage or not', () => {
    expect(rows).toHaveLength(8);
    for (const found of rows) expect(found.sent).toBe(MESSAGES);
  });

  it('lands nothing on the provider that is down, whatever the strategy', () => {
    for (const found of rows.filter((candidate) => candidate.phase === 'outage')) {
      expect(found.accepted.sendgrid).toBe(0);
    }
  });

  it('priority: all on the first provider; in the outage all on the second, after one failover', () => {
    expect(share(row('priority', 'healthy'), 'sendgrid')).toBe(1);
    const outage = row('priority', 'outage');
    expect(share(outage, 'ses')).toBe(1);
    expect(outage.failovers).toBe(1);
    // The breaker opens after 3 failed calls: the other 99 messages never call SendGrid.
    expect(outage.callsToDown).toBe(3);
    expect(outage.skips).toBe(MESSAGES - 1);
  });

  it('weighted: first picks near the weights, and the down provider’s share spread over the rest', () => {
    const healthy = row('weighted', 'healthy');
    const total = Object.values(WEIGHTS).reduce((sum, weight) => sum + weight, 0);
    for (const [provider, weight] of Object.entries(WEIGHTS)) {
      expect(Math.abs(share(healthy, provider) - weight / total)).toBeLessThan(0.1);
    }
    const outage = row('weighted', 'outage');
    expect(share(outage, 'ses')).toBeGreaterThan(share(healthy, 'ses'));
    expect(share(outage, 'mailgun')).toBeGreaterThan(0);
    expect(share(outage, 'postmark')).toBeGreaterThan(0);
  });

  it('round-robin: equal turns; in the outage SendGrid’s turns go to the provider after it', () => {
    const healthy = row('round-robin', 'healthy');
    for (const provider of ['sendgrid', 'ses', 'mailgun', 'postmark'])
      expect(share(healthy, provider)).toBe(0.25);
    const outage = row('round-robin', 'outage');
    expect(share(outage, 'ses')).toBe(0.5);
    expect(share(outage, 'mailgun')).toBe(0.25);
    expect(share(outage, 'postmark')).toBe(0.25);
  });

  it('the per-message override sends only through postmark and never touches the down provider', () => {
    for (const phase of ['healthy', 'outage'] as const)
      expect(share(row('override', phase), 'postmark')).toBe(1);
    expect(row('override', 'outage').callsToDown).toBe(0);
  });

  it('prints one table line per strategy and phase, shares in percent', () => {
    const lines = formatTable(rows).split('\n');
    expect(lines).toHaveLength(2 + 8);
    expect(lines[0]).toMatch(/strategy\s+phase\s+sendgrid\s+ses\s+mailgun\s+postmark/);
    expect(lines.find((line) => line.startsWith('round-robin') && line.includes('healthy'))).toMatch(
      /25%\s+25%\s+25%\s+25%/,
    );
  });
});
