/** Issue #12: SMTP credentials never appear in an error; numeric options must be usable numbers. */
import { configurationErrorOf, normalizedMessage, sendContext } from '@mailover/core/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtp } from '../src/index.js';

const USER = 'relay-user';
const PASS = 'correct horse battery staple';
const PLAIN_BLOB = Buffer.from(`\u0000${USER}\u0000${PASS}`).toString('base64');

let server: SMTPServer;
let port: number;
beforeAll(async () => {
  server = new SMTPServer({
    authMethods: ['PLAIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // A hostile or chatty relay that echoes what it was sent, in its reply.
    onAuth(auth, _session, callback) {
      const echoed = Buffer.from(`\u0000${auth.username}\u0000${auth.password}`).toString('base64');
      callback(
        Object.assign(new Error(`Authentication failed for ${echoed} (${auth.password})`), {
          responseCode: 535,
        }),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const message = normalizedMessage({ id: 'mo-auth' });

const configurationError = (build: () => unknown) => configurationErrorOf(build).message;

describe('smtp: credentials never leak', () => {
  it('scrubs the password and the AUTH PLAIN blob from the error and its classification', async () => {
    const provider = smtp({ host: '127.0.0.1', port, pool: false, auth: { user: USER, pass: PASS } });
    const error = await provider.send(message, sendContext()).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await provider.close();
    const failure = provider.classifyError(error);
    expect(failure.code).toBe('auth_failed');
    const everything = JSON.stringify([
      failure,
      (error as Error).message,
      (error as { response?: string }).response,
      (error as Error).stack,
    ]);
    expect(everything).toContain('Authentication failed');
    expect(everything).not.toContain(PLAIN_BLOB);
    expect(everything).not.toContain(PASS);
    expect(everything).not.toContain(Buffer.from(PASS).toString('base64'));
  });
});

describe('smtp: options that must not fail open', () => {
  it('refuses NaN, infinite, negative or zero numbers, naming the option', () => {
    for (const timeoutMs of [Number.NaN, 0, -1, Number.POSITIVE_INFINITY]) {
      expect(configurationError(() => smtp({ timeoutMs }))).toMatch(/timeoutMs/);
    }
    for (const greylistingRetryAfterMs of [Number.NaN, -1]) {
      expect(configurationError(() => smtp({ greylistingRetryAfterMs }))).toMatch(/greylistingRetryAfterMs/);
    }
    for (const port of [Number.NaN, 0, 70_000, 25.5]) {
      expect(configurationError(() => smtp({ port }))).toMatch(/port/);
    }
    expect(configurationError(() => smtp({ maxConnections: Number.NaN }))).toMatch(/maxConnections/);
    expect(configurationError(() => smtp({ limits: { maxMessageBytes: Number.NaN } }))).toMatch(
      /limits\.maxMessageBytes/,
    );
  });

  it('refuses blank credentials (a password read from an unset variable)', () => {
    const unset: Record<string, string | undefined> = {};
    expect(configurationError(() => smtp({ auth: { user: USER, pass: unset.PASS as string } }))).toMatch(
      /auth\.pass/,
    );
    expect(configurationError(() => smtp({ auth: { user: ' ', pass: PASS } }))).toMatch(/auth\.user/);
  });
});
