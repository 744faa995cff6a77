import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Prometheus, prometheusMissing, startPrometheus, until } from '../src/prometheus.js';
import { type ObservableService, startService } from '../src/service.js';

const missing = prometheusMissing();
if (missing) console.log(`SKIPPED: the real Prometheus suite: ${missing}`);

describe.skipIf(missing !== undefined)('a real Prometheus scraping the example', () => {
  let service: ObservableService;
  let prometheus: Prometheus;

  beforeAll(async () => {
    service = await startService();
    prometheus = await startPrometheus({ targets: [new URL(service.url).host], scrapeIntervalSeconds: 1 });
  });
  afterAll(async () => {
    await prometheus?.close();
    await service?.close();
  });

  it('sees a failover from SendGrid to SES in a PromQL query', async () => {
    // SendGrid answers 503 twice (the call and its retry): the message goes out through SES.
    service.sandbox.faults.next('sendgrid', { kind: 'outage' }, { kind: 'outage' });
    const response = await fetch(`${service.url}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: 'shop@example.com',
        to: 'ada@example.org',
        subject: 'Receipt',
        text: 'Thanks',
      }),
    });
    expect(await response.json()).toMatchObject({ provider: 'ses', attempts: 3 });

    const failovers =
      'sum by (mailover_failover_from, mailover_failover_to, mailover_code) (mailover_failovers_total)';
    // Prometheus scrapes once a second: wait until a scrape after the send has been stored.
    let series: Awaited<ReturnType<Prometheus['query']>> = [];
    await until(async () => {
      series = await prometheus.query(failovers);
      return series.length > 0;
    });
    expect(series.map((entry) => ({ labels: entry.metric, value: entry.values[0]![1] }))).toEqual([
      {
        labels: {
          mailover_failover_from: 'sendgrid',
          mailover_failover_to: 'ses',
          mailover_code: 'provider_unavailable',
        },
        value: 1,
      },
    ]);
    // And the send it belongs to: accepted by SES, none failed.
    const sends = await prometheus.query(
      'sum by (mailover_provider_id, mailover_outcome) (mailover_sends_total)',
    );
    expect(sends.map((entry) => [entry.metric, entry.values[0]![1]])).toEqual([
      [{ mailover_provider_id: 'ses', mailover_outcome: 'sent' }, 1],
    ]);
    // The target Prometheus scraped is this service.
    const up = await prometheus.query('up{job="mailover"}');
    expect(up.map((entry) => [entry.metric.instance, entry.values[0]![1]])).toEqual([
      [new URL(service.url).host, 1],
    ]);
  });

  it('sees the queue: a job enqueued, sent by the worker, and the queue gauges at zero after', async () => {
    const response = await fetch(`${service.url}/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: 'shop@example.com',
        to: 'bob@example.org',
        subject: 'Queued',
        text: 'Hi',
      }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await until(async () => (await service.mailer.status(id))?.state === 'sent');
    const waits = 'sum(mailover_queue_wait_count)';
    await until(async () => (await prometheus.query(waits)).some((entry) => entry.values[0]![1] === 1));
    const depth = await prometheus.query('mailover_queue_depth');
    expect(
      depth
        .map((entry) => [
          entry.metric.mailover_queue_name,
          entry.metric.mailover_queue_state,
          entry.values[0]![1],
        ])
        .sort(),
    ).toEqual([
      ['memory', 'queued', 0],
      ['memory', 'scheduled', 0],
      ['memory', 'sending', 0],
    ]);
    const age = await prometheus.query('mailover_queue_age');
    expect(age.map((entry) => [entry.metric.mailover_queue_name, entry.values[0]![1]])).toEqual([
      ['memory', 0],
    ]);
  });
});
