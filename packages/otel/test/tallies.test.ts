/**
 * The per-send counters kept in process (src/tallies.ts) behave as SDK counters would: two
 * mailers instrumented on one MeterProvider add up, and the count goes on after an uninstrument
 * and a new instrument() instead of starting again.
 */
import { createMailer, type Mailer } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { instrument } from '../src/index.js';
import { telemetry } from './harness.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const message = { from: 'shop@example.com', to: 'ada@example.org', subject: 'Receipt', text: 'Paid.' };
const SENT = 'mailover.sends{mailover.outcome=sent,mailover.provider.id=sendgrid,mailover.strategy=priority}';
const CALLS =
  'mailover.provider.calls{mailover.code=ok,mailover.provider.id=sendgrid,mailover.provider.kind=sendgrid}';

it('two mailers on one MeterProvider add up, and a re-instrumented mailer counts on', async () => {
  const otel = telemetry();
  const mailer = (): Mailer =>
    createMailer({
      providers: [
        sendgrid({ apiKey: sandbox.credentials.sendgrid.apiKey, endpoint: sandbox.endpoints.sendgrid }),
      ],
    });
  const [one, two] = [mailer(), mailer()];
  const stopOne = instrument(one, { meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider });
  const stopTwo = instrument(two, { meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider });
  await one.send(message);
  await two.send(message);
  await two.send(message);
  let points = await otel.metrics();
  expect([points[SENT], points[CALLS]]).toEqual([3, 3]);

  stopOne();
  stopTwo();
  await one.send(message); // not instrumented: not counted
  const again = instrument(one, { meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider });
  await one.send(message);
  points = await otel.metrics();
  expect([points[SENT], points[CALLS]]).toEqual([4, 4]);
  again();
  await one.close();
  await two.close();
  await otel.shutdown();
});
