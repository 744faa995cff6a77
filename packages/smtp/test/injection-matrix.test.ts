/**
 * Issue #12: what reaches an SMTP relay is exactly what was validated. Each hostile input goes
 * through the adapter (nodemailer) to a real SMTP server (`smtp-server`) on loopback, which
 * records the raw command lines and the raw message. The envelope (MAIL FROM / RCPT TO) and the
 * header block are checked byte for byte; what cannot be written as given is refused before any
 * connection is made. Messages are handed to the adapter directly (bypassing mailover's own
 * validation, which refuses most of these first) to test the adapter's line of defence.
 */
import type { NormalizedMessage } from '@mailover/core';
import { normalizedMessage, sendContext } from '@mailover/core/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { smtp } from '../src/index.js';

interface Transcript {
  /** Every command line the client sent, as the server read it. */
  readonly commands: string[];
  /** Each message's raw bytes, as the server received them. */
  readonly messages: Buffer[];
}

const transcript: Transcript = { commands: [], messages: [] };
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  const record = (meta: unknown, _format: unknown, line: unknown) => {
    if ((meta as { tnx?: string } | undefined)?.tnx === 'command') transcript.commands.push(String(line));
  };
  const quiet = () => undefined;
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: { trace: quiet, debug: record, info: quiet, warn: quiet, error: quiet, fatal: quiet } as never,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        transcript.messages.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  transcript.commands.length = 0;
  transcript.messages.length = 0;
});

const message = (overrides: Partial<NormalizedMessage> = {}) =>
  normalizedMessage({ id: 'mo-matrix', messageId: '<mo-matrix@example.test>', ...overrides });

async function send(input: NormalizedMessage, recipients?: readonly string[]) {
  const provider = smtp({ host: '127.0.0.1', port, pool: false });
  try {
    await provider.send(input, sendContext(recipients));
    return { ok: true as const };
  } catch (error) {
    return { ok: false as const, error, failure: provider.classifyError(error) };
  } finally {
    await provider.close();
  }
}

const envelope = () => transcript.commands.filter((line) => /^(MAIL FROM|RCPT TO):/i.test(line));

/** The raw header block of the one message received, as lines (CRLF split; folding kept). */
function headerBlock(): { raw: Buffer; lines: string[] } {
  expect(transcript.messages).toHaveLength(1);
  const raw = transcript.messages[0]!;
  const end = raw.indexOf('\r\n\r\n');
  const block = raw.subarray(0, end);
  return { raw: block, lines: block.toString('utf8').split('\r\n') };
}

/** The header named `name`, with its folded continuation lines, exactly as written. */
function header(lines: string[], name: string): string | undefined {
  const start = lines.findIndex((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && /^[ \t]/.test(lines[end]!)) end += 1;
  return lines.slice(start, end).join('\r\n');
}

/** No control character in the header block but CRLF line ends and TAB; no C1, no U+2028/2029. */
function expectNoRawControls(raw: Buffer): void {
  const text = raw.toString('utf8');
  const withoutLineEnds = text.replaceAll('\r\n', '');
  for (const character of withoutLineEnds) {
    const code = character.codePointAt(0)!;
    const control =
      (code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    expect(control, `U+${code.toString(16)} in the header block`).toBe(false);
  }
}

async function expectRefused(input: NormalizedMessage, recipients?: readonly string[]) {
  const result = await send(input, recipients);
  expect(result.ok).toBe(false);
  expect(result.ok ? undefined : result.failure).toMatchObject({
    code: 'invalid_message',
    outcome: 'not_sent',
  });
  // Refused before any connection: no command reached the relay.
  expect(envelope()).toEqual([]);
  expect(transcript.messages).toEqual([]);
}

describe('smtp injection matrix: quoted local parts stay one mailbox', () => {
  const hostile = [
    '"evil@x.com"@example.org',
    '"a,b@evil.com"@example.org',
    '"a;b"@example.org',
    '"a\\"b"@example.org',
    '"x)(y"@example.org',
  ];
  for (const address of hostile) {
    it(`${address}: one RCPT TO with exactly these bytes, and the To: header as written`, async () => {
      await send(message({ to: [{ address }, { address: 'ok@example.org' }] }));
      expect(envelope()).toEqual([
        'MAIL FROM:<app@example.test>',
        `RCPT TO:<${address}>`,
        'RCPT TO:<ok@example.org>',
      ]);
      // smtp-server refuses some of these in RCPT (two "@"); the other recipient still gets the copy.
      const { raw, lines } = headerBlock();
      expect(header(lines, 'To')).toBe(`To: ${address}, ok@example.org`);
      expectNoRawControls(raw);
    });
  }

  it('a quoted sender stays one MAIL FROM', async () => {
    await send(message({ from: { address: '"x@evil.com"@example.test', name: 'App' } }));
    expect(envelope()[0]).toBe('MAIL FROM:<"x@evil.com"@example.test>');
    expect(transcript.messages).toEqual([]); // smtp-server refuses the two "@" in MAIL FROM
  });

  it('a display name with , " < > @ stays a name: the envelope holds only the mailbox', async () => {
    await send(message({ to: [{ address: 'ok@example.org', name: 'Evil, "Boss" <boss@evil.com>' }] }));
    expect(envelope()).toEqual(['MAIL FROM:<app@example.test>', 'RCPT TO:<ok@example.org>']);
    const { raw, lines } = headerBlock();
    expect(header(lines, 'To')).toBe('To: "Evil, \\"Boss\\" <boss@evil.com>" <ok@example.org>');
    expectNoRawControls(raw);
  });

  for (const address of [
    '"a<b"@example.org',
    '"a>b"@example.org',
    '"a\u000bb"@example.org',
    ' ok@example.org',
  ]) {
    it(`${JSON.stringify(address)}: refused, as nodemailer would rewrite it into another address`, async () => {
      await expectRefused(message({ to: [{ address }] }));
    });
  }

  it('a re-send goes only to the stored message\u2019s recipients', async () => {
    await expectRefused(message(), ['evil@attacker.test']);
    await send(message({ to: [{ address: 'ok@example.org' }, { address: 'two@example.org' }] }), [
      'TWO@example.org',
    ]);
    expect(envelope()).toEqual(['MAIL FROM:<app@example.test>', 'RCPT TO:<two@example.org>']);
  });
});

describe('smtp injection matrix: control characters never reach the header block raw', () => {
  const controls: Array<[string, string]> = [
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF + header', '\r\nBcc: victim@example.org'],
    ['VT', '\u000b'],
    ['FF', '\u000c'],
    ['ESC', '\u001b'],
    ['NUL', '\u0000'],
    ['DEL', '\u007f'],
    ['NEL', '\u0085'],
    ['U+2028', '\u2028'],
    ['U+2029', '\u2029'],
  ];
  for (const [label, control] of controls) {
    it(`${label} in the subject, a display name, a custom header value, a tag: refused`, async () => {
      await expectRefused(message({ subject: `Hi${control}there` }));
      await expectRefused(message({ to: [{ address: 'ok@example.org', name: `Ada${control}Lovelace` }] }));
      await expectRefused(message({ from: { address: 'app@example.test', name: `App${control}` } }));
      await expectRefused(message({ headers: { 'X-Trace': `abc${control}def` } }));
      await expectRefused(message({ tags: [`t${control}`] }));
    });
  }

  it('a header name that is not a field name is refused', async () => {
    await expectRefused(message({ headers: { 'X-A\r\nBcc': 'victim@example.org' } }));
    await expectRefused(message({ headers: { 'X A': 'b' } }));
  });

  it('TAB and non-ASCII text are written, encoded, never raw controls', async () => {
    await send(message({ subject: 'Grüße\tan alle', headers: { 'X-Trace': 'a\tb' } }));
    const { raw, lines } = headerBlock();
    expect(header(lines, 'Subject')).toMatch(/^Subject: =\?UTF-8\?Q\?Gr=C3=BC=C3=9Fe/);
    expect(header(lines, 'X-Trace')).toBe('X-Trace: a\tb');
    expectNoRawControls(raw);
  });
});

describe('smtp injection matrix: international addresses', () => {
  it('an IDN domain (A-label) reaches the envelope and the header as given', async () => {
    await send(message({ to: [{ address: 'ada@xn--bcher-kva.example' }] }));
    expect(envelope()).toEqual(['MAIL FROM:<app@example.test>', 'RCPT TO:<ada@xn--bcher-kva.example>']);
    expect(header(headerBlock().lines, 'To')).toBe('To: ada@xn--bcher-kva.example');
  });

  it('a UTF-8 local part is sent with SMTPUTF8, byte for byte', async () => {
    await send(message({ to: [{ address: 'josé@example.org' }] }));
    expect(envelope()).toEqual(['MAIL FROM:<app@example.test> SMTPUTF8', 'RCPT TO:<josé@example.org>']);
    const { raw, lines } = headerBlock();
    expect(header(lines, 'To')).toBe('To: josé@example.org');
    expectNoRawControls(raw);
  });
});
