/**
 * An authentic webhook (its signature checks out) may still name a message, a recipient or a
 * provider it has no business with. Nothing such an event says may send mail, teach the routing
 * anything, or change a message's state. docs/security.md, "What an authentic event may change".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMailer, memoryStore, type Store } from '../src/index.js';
import {
  type MockWebhookEvent,
  mockProvider,
  mockWebhooks,
  VirtualClock,
  mockWebhookRequest,
} from '../src/testing/index.js';

const GREYLISTED = '450 4.2.0 Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help';

function setup(store?: Store, greylisting = {}) {
  const clock = new VirtualClock({ auto: false, random: () => 0.5 });
  const make = (id: string, ip: 'rotating' | 'fixed') =>
    mockProvider({ id, ip, clock, webhooks: mockWebhooks({ provider: id }) });
  const esp = make('esp', 'rotating');
  const other = make('other', 'rotating');
  const relay = make('relay', 'fixed');
  const mailer = createMailer({
    providers: [esp, other, relay],
    clock,
    greylisting,
    ...(store ? { store } : {}),
  });
  const learned: string[] = [];
  const loops: string[] = [];
  mailer.on('domain-learned', (event) => learned.push(event.domain));
  mailer.on('greylist-loop', (event) => loops.push(event.recipient));
  const post = async (provider: string, events: MockWebhookEvent[]) => {
    const response = await mailer.webhooks.handle(provider, mockWebhookRequest(events));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { clock, esp, other, relay, mailer, post, learned, loops };
}

const message = {
  from: 'app@example.com',
  to: ['ada@example.edu', 'bob@other.example'],
  subject: 'Your code',
  text: '123456',
};

/** Deferrals numbered 1…n from n different /24s: a loop by every rule, were it attributed. */
const loopOf = (recipient: string, ids: { mailoverId?: string; providerMessageId?: string }, time: number) =>
  [1, 2, 3].map(
    (attempt): MockWebhookEvent => ({
      type: 'deferred',
      recipient,
      time,
      smtp: GREYLISTED,
      attempt,
      sendingIp: `127.${attempt}.0.9`,
      ...ids,
    }),
  );

describe('an authentic event changes only a (message, recipient) its provider sent', () => {
  it('a recipient the message never had gets nothing re-sent, and its domain is not learned', async () => {
    const { mailer, esp, relay, post, learned, clock } = setup();
    const sent = await mailer.send(message);
    const { body } = await post('esp', loopOf('eve@attacker.example', { mailoverId: sent.id }, clock.now()));
    await mailer.idle();
    expect(body).toMatchObject({ ok: true, stored: 0, unmatched: 3 });
    expect(relay.calls).toHaveLength(0);
    expect(learned).toEqual([]);
    const next = await mailer.send({ ...message, to: 'someone@attacker.example' });
    expect(next.provider).toBe('esp');
    expect(esp.calls).toHaveLength(2);
    expect(Object.keys((await mailer.status(sent.id))!.recipients).sort()).toEqual([
      'ada@example.edu',
      'bob@other.example',
    ]);
  });

  it('events for a message id that does not exist complete no loop and teach no domain', async () => {
    const { mailer, relay, post, learned, loops, clock } = setup();
    const { body } = await post(
      'esp',
      loopOf('ada@example.edu', { mailoverId: '4f3c1e9a-0000-4000-8000-000000000000' }, clock.now()),
    );
    await clock.advance(60 * 60_000);
    await mailer.idle();
    expect(body).toMatchObject({ stored: 0, unmatched: 3 });
    expect(loops).toEqual([]);
    expect(learned).toEqual([]);
    expect(relay.calls).toHaveLength(0);
    expect((await mailer.send(message)).provider).toBe('esp');
  });

  it('another configured provider cannot speak for a message it did not send', async () => {
    const { mailer, relay, post, learned, clock } = setup();
    const sent = await mailer.send(message);
    await post('other', loopOf('ada@example.edu', { mailoverId: sent.id }, clock.now()));
    await post('other', [{ type: 'bounced', recipient: 'bob@other.example', mailoverId: sent.id }]);
    await mailer.idle();
    expect(relay.calls).toHaveLength(0);
    expect(learned).toEqual([]);
    const status = await mailer.status(sent.id);
    expect(status?.history.map((entry) => entry.type)).toEqual(['accepted']);
    expect(status?.recipients['bob@other.example']?.state).toBe('accepted');
  });

  it('the fixed-IP provider that re-sent to a recipient may report on that recipient only', async () => {
    const { mailer, relay, post, clock } = setup();
    const sent = await mailer.send(message);
    await post('esp', loopOf('ada@example.edu', { mailoverId: sent.id }, clock.now()));
    await mailer.idle();
    expect(relay.calls.map((call) => call.context.recipients)).toEqual([['ada@example.edu']]);
    const { body } = await post('relay', [
      { type: 'delivered', recipient: 'ada@example.edu', mailoverId: sent.id },
      { type: 'bounced', recipient: 'bob@other.example', mailoverId: sent.id },
    ]);
    expect(body).toMatchObject({ stored: 1, unmatched: 1 });
    const status = await mailer.status(sent.id);
    expect(status?.recipients['ada@example.edu']).toMatchObject({ state: 'delivered', provider: 'relay' });
    expect(status?.recipients['bob@other.example']?.state).toBe('accepted');
  });

  it('a recipient spelled differently by the provider is the message’s own, in the message’s spelling', async () => {
    const { mailer, relay, post, clock } = setup();
    const sent = await mailer.send({ ...message, to: 'Ada@Example.EDU' });
    await post('esp', loopOf('ADA@EXAMPLE.EDU', { mailoverId: sent.id }, clock.now()));
    await mailer.idle();
    expect(relay.calls.map((call) => call.context.recipients)).toEqual([['Ada@example.edu']]);
  });

  it('a recipient named __proto__ is an unmatched address, not a way into status()’s prototype', async () => {
    const { mailer, post } = setup();
    const sent = await mailer.send(message);
    const { body } = await post('esp', [
      { type: 'bounced', recipient: '__proto__', mailoverId: sent.id },
      { type: 'bounced', recipient: 'constructor', mailoverId: sent.id },
    ]);
    expect(body).toMatchObject({ stored: 0, unmatched: 2 });
    const recipients = (await mailer.status(sent.id))!.recipients;
    expect(Object.getPrototypeOf(recipients)).toBeNull();
    expect(Object.keys(recipients).sort()).toEqual(['ada@example.edu', 'bob@other.example']);
    expect(recipients['ada@example.edu']?.state).toBe('accepted');
  });

  it('property: forged combinations of message, recipient and provider never send or learn anything', async () => {
    const recipient = fc.oneof(
      fc.constantFrom('eve@attacker.example', 'ada@example.edu.attacker.example', '__proto__', ''),
      fc.emailAddress(),
    );
    const scenario = fc.record({
      provider: fc.constantFrom('esp', 'other', 'relay'),
      idKind: fc.constantFrom('real', 'unknown', 'pmid-real', 'pmid-unknown'),
      recipient,
      realRecipient: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(scenario, { minLength: 1, maxLength: 6 }), async (forged) => {
        const { mailer, relay, post, learned, loops, clock } = setup();
        const sent = await mailer.send(message);
        for (const item of forged) {
          const address = item.realRecipient ? 'ada@example.edu' : item.recipient;
          // The legitimate combinations: the accepting provider, about its own recipient, or about
          // the whole message when its record names no recipient.
          const legitimate =
            item.provider === 'esp' &&
            (item.realRecipient || address === '') &&
            (item.idKind === 'real' || item.idKind === 'pmid-real');
          if (legitimate) continue;
          const ids =
            item.idKind === 'real'
              ? { mailoverId: sent.id }
              : item.idKind === 'unknown'
                ? { mailoverId: crypto.randomUUID() }
                : item.idKind === 'pmid-real'
                  ? { providerMessageId: sent.providerMessageId }
                  : { providerMessageId: 'esp-999' };
          const { status } = await post(item.provider, loopOf(address, ids, clock.now()));
          expect(status).toBe(200);
        }
        await clock.advance(2 * 60 * 60_000);
        await mailer.idle();
        expect(relay.calls).toHaveLength(0);
        expect(loops).toEqual([]);
        expect(learned).toEqual([]);
        const status = await mailer.status(sent.id);
        expect(status?.history.map((entry) => entry.type)).toEqual(['accepted']);
        expect(Object.keys(status!.recipients).sort()).toEqual(['ada@example.edu', 'bob@other.example']);
      }),
      { numRuns: 60 },
    );
  });
});

describe('greylisting evidence stays small', () => {
  function countingStore() {
    const inner = memoryStore();
    const appends: string[] = [];
    const reads: string[] = [];
    const store: Store = {
      get: (key) => inner.get(key),
      set: (key, value, ttl) => inner.set(key, value, ttl),
      claim: (key, value, ttl) => inner.claim(key, value, ttl),
      delete: (key) => inner.delete(key),
      append: (key, value, ttl) => {
        if (key.startsWith('grey:')) appends.push(key);
        return inner.append(key, value, ttl);
      },
      list: (key) => {
        if (key.startsWith('grey:')) reads.push(key);
        return inner.list(key);
      },
    };
    return { store, inner, appends, reads };
  }

  const deferrals = (id: string, recipient: string, count: number, time: number, numbered: boolean) =>
    Array.from(
      { length: count },
      (_, index): MockWebhookEvent => ({
        type: 'deferred',
        recipient,
        mailoverId: id,
        time,
        smtp: GREYLISTED,
        // Without an attempt number or IP (as SES reports), repeats of one time count as one attempt.
        ...(numbered ? { attempt: index + 1 } : { eventId: `defer-${index}` }),
      }),
    );

  it('stops reading and growing the evidence once the failover is claimed', async () => {
    const { store, appends, reads } = countingStore();
    const { mailer, post, clock, relay } = setup(store, { deferrals: 3, distinctNetworks: 0 });
    const sent = await mailer.send(message);
    await post('esp', deferrals(sent.id, 'bob@other.example', 100, clock.now(), true));
    await mailer.idle();
    expect(relay.calls).toHaveLength(1);
    // The loop is claimed at the third deferral: nothing after it is appended or read again.
    expect(appends).toHaveLength(3);
    expect(reads).toHaveLength(3);
  });

  it('caps the evidence of a recipient whose deferrals do not (yet) make a loop', async () => {
    const { store, inner, appends, reads } = countingStore();
    const { mailer, post, clock, relay } = setup(store, { deferrals: 2, distinctNetworks: 0 });
    const sent = await mailer.send(message);
    await post('esp', deferrals(sent.id, 'ada@example.edu', 300, clock.now(), false));
    await mailer.idle();
    expect(relay.calls).toHaveLength(0); // one attempt, repeated: not a loop by count
    const kept = await inner.list(`grey:${sent.id}:ada@example.edu`);
    expect(kept.length).toBe(2 + 32);
    expect(appends.length).toBe(2 + 32);
    expect(reads.length).toBe(2 + 32);
    // The window rule still fires from the scheduled re-check, on the evidence kept.
    await clock.advance(31 * 60_000);
    await mailer.idle();
    expect(relay.calls).toHaveLength(1);
  });
});
