import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, nsdUnavailableReason, startNsd } from '../../../test/dns-server/nsd.js';
import { MxHosts } from '../src/greylisting/mx-hosts.js';
import { queryMx } from '../src/greylisting/mx-query.js';
import { createMailer, type GreylistPolicy, memoryStore, type Store } from '../src/index.js';
import {
  type MockWebhookEvent,
  mockProvider,
  mockWebhooks,
  VirtualClock,
  mockWebhookRequest,
} from '../src/testing/index.js';

const unavailable = nsdUnavailableReason();
if (unavailable) console.log(`MX-aware greylisting memory SKIPPED: ${unavailable}`);

const GREYLISTED = '450 4.2.0 <x>: Recipient address rejected: Greylisted';

/** Two universities behind one filtering service, one domain with its own MX, and a null MX. */
const ZONES = {
  'uni-a.test': ['@ MX 10 mx1.filter.test.', '@ MX 20 backup.filter.test.'],
  'uni-b.test': ['@ MX 10 MX1.Filter.Test.', '@ MX 30 backup.filter.test.'],
  'own.test': ['@ MX 10 mail.own.test.', 'mail A 127.0.0.1'],
  'nomail.test': ['@ MX 0 .'],
  'filter.test': ['mx1 A 127.0.0.1', 'backup A 127.0.0.1'],
};

describe.skipIf(unavailable !== undefined)('MX-aware greylisting memory, against NSD on loopback', () => {
  let server: DnsServer;
  beforeAll(async () => {
    server = await startNsd(ZONES, 600);
  });
  afterAll(() => server?.stop());

  function setup(
    policy: GreylistPolicy,
    store: Store = memoryStore(),
    clock = new VirtualClock({ auto: false }),
  ) {
    // A rotating-IP ESP first, a fixed-IP relay second.
    const providers = (
      [
        ['esp', 'rotating'],
        ['relay', 'fixed'],
      ] as const
    ).map(([id, ip]) => mockProvider({ id, ip, clock, webhooks: mockWebhooks({ provider: id }) }));
    const mailer = createMailer({ providers, clock, store, greylisting: policy });
    const defer = async (id: string, recipient: string) => {
      const event: MockWebhookEvent = {
        type: 'deferred',
        recipient,
        mailoverId: id,
        time: clock.now(),
        smtp: GREYLISTED,
      };
      const response = await mailer.webhooks.handle('esp', mockWebhookRequest([event]));
      expect(response.status).toBe(200);
      await mailer.idle();
    };
    return { clock, mailer, defer, store };
  }

  const send = (to: string) => ({ from: 'app@example.com', to, subject: 'Code', text: '123456' });

  it('a new domain behind a known greylisting MX goes to the fixed IP first, saying which rule routed it', async () => {
    const { mailer, defer } = setup({ deferrals: 1, mx: { resolver: server.address } });
    const learned: unknown[] = [];
    const routes: unknown[] = [];
    mailer.on('domain-learned', (event) => learned.push(event));
    mailer.on('domain-route', (event) => routes.push(event));

    const first = await mailer.send(send('ada@uni-a.test'));
    expect(first.provider).toBe('esp');
    await defer(first.id, 'ada@uni-a.test');
    // Only the most-preferred exchanger is remembered: a shared backup MX says little.
    expect(learned).toMatchObject([
      { domain: 'uni-a.test', provider: 'relay', mxHosts: ['mx1.filter.test'] },
    ]);
    const loopLine = (await mailer.status(first.id))?.history.find((entry) => entry.type === 'greylist-loop');
    expect(loopLine?.detail).toContain('uni-a.test (and its MX mx1.filter.test) now goes to relay first');

    // uni-b.test never looped, but its MX (spelled in another case) is the same host.
    const second = await mailer.send(send('bob@uni-b.test'));
    expect(second.provider).toBe('relay');
    expect(routes).toEqual([
      {
        id: second.id,
        domain: 'uni-b.test',
        provider: 'relay',
        rule: 'mx',
        mxHost: 'mx1.filter.test',
        learnedFrom: 'uni-a.test',
      },
    ]);
    const history = (await mailer.status(second.id))?.history ?? [];
    expect(history.map((entry) => entry.type)).toEqual(['accepted', 'routed']);
    expect(history[1]?.detail).toBe(
      "uni-b.test's MX mx1.filter.test greylisted uni-a.test before: fixed-IP provider first (rule: mx)",
    );

    // The looping domain itself is routed by the domain rule; a domain with its own MX is not routed.
    const third = await mailer.send(send('carol@uni-a.test'));
    expect(third.provider).toBe('relay');
    expect(routes.at(-1)).toMatchObject({ domain: 'uni-a.test', rule: 'domain' });
    expect((await mailer.send(send('dan@own.test'))).provider).toBe('esp');
    expect((await mailer.send(send('erin@nomail.test'))).provider).toBe('esp');
  });

  it('without MX memory, the second domain still has to loop first (domain memory only)', async () => {
    const { mailer, defer } = setup({ deferrals: 1 });
    const first = await mailer.send(send('ada@uni-a.test'));
    await defer(first.id, 'ada@uni-a.test');
    expect((await mailer.send(send('bob@uni-b.test'))).provider).toBe('esp');
  });

  it('works across instances sharing a Store', async () => {
    const store = memoryStore();
    const one = setup({ deferrals: 1, mx: { resolver: server.address } }, store);
    const two = setup({ deferrals: 1, mx: { resolver: server.address } }, store);
    const first = await one.mailer.send(send('ada@uni-a.test'));
    await one.defer(first.id, 'ada@uni-a.test');
    expect((await two.mailer.send(send('bob@uni-b.test'))).provider).toBe('relay');
  });

  it('DNS that does not answer never fails or reroutes a send', async () => {
    const { mailer, defer } = setup({ deferrals: 1, mx: { resolver: '127.0.0.1:9', timeoutMs: 100 } });
    const first = await mailer.send(send('ada@uni-a.test'));
    await defer(first.id, 'ada@uni-a.test');
    expect((await mailer.send(send('bob@uni-b.test'))).provider).toBe('esp');
    // Domain memory still works without DNS.
    expect((await mailer.send(send('carol@uni-a.test'))).provider).toBe('relay');
  });

  it('reads the TTL from the answer and caches the exchangers that long', async () => {
    const answer = await queryMx('uni-a.test', { host: '127.0.0.1', port: server.port }, 1000);
    expect(answer).toEqual({
      exchanges: [
        { preference: 10, exchange: 'mx1.filter.test' },
        { preference: 20, exchange: 'backup.filter.test' },
      ],
      ttlSeconds: 600,
    });
    const clock = new VirtualClock({ auto: false });
    let queries = 0;
    // The real UDP query to NSD, counted.
    const counted = (domain: string) => {
      queries++;
      return queryMx(domain, { host: '127.0.0.1', port: server.port }, 1000);
    };
    const hosts = new MxHosts(clock, 1000, undefined, counted);
    expect(await hosts.hosts('uni-a.test')).toEqual(['mx1.filter.test']);
    await clock.advance(599_000);
    expect(await hosts.hosts('uni-a.test')).toEqual(['mx1.filter.test']);
    expect(queries).toBe(1);
    await clock.advance(2_000);
    await hosts.hosts('uni-a.test');
    expect(queries).toBe(2);
    // An unknown domain is an answer (NXDOMAIN): no hosts, cached by the zone's negative TTL.
    expect(await hosts.hosts('nowhere.uni-a.test')).toEqual([]);
  });
});

describe('greylisting.mx options', () => {
  it('a resolver that is not an address, or a bad timeout, is a ConfigurationError naming the option', () => {
    const providers = [
      mockProvider({ id: 'esp', ip: 'rotating' }),
      mockProvider({ id: 'relay', ip: 'fixed' }),
    ];
    expect(() => createMailer({ providers, greylisting: { mx: { resolver: 'dns.example' } } })).toThrow(
      /greylisting\.mx\.resolver 'dns\.example'/,
    );
    expect(() => createMailer({ providers, greylisting: { mx: { timeoutMs: Number.NaN } } })).toThrow(
      /greylisting\.mx\.timeoutMs/,
    );
    expect(() => createMailer({ providers, greylisting: { mx: { timeoutMs: -5 } } })).toThrow(
      /greylisting\.mx\.timeoutMs/,
    );
  });
});
