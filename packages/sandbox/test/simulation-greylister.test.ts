import { describe, expect, it } from 'vitest';
import { GREYLISTER_CLASSES } from '../src/simulation/greylister-classes.js';
import { Greylister, type GreylisterSpec } from '../src/simulation/greylister.js';

const MINUTE = 60_000;
const sender = 'bounces+abc123@mta.example';
const recipient = 'user@school.example';

const exactIp: GreylisterSpec = {
  name: 'test',
  keying: 'ip',
  delayMs: 5 * MINUTE,
  windowMs: 60 * MINUTE,
  reply: ({ recipient: to }) => `450 4.2.0 <${to}>: Greylisted`,
};

const attempt = (minutes: number, ip = '127.1.0.1', from = sender) => ({
  time: minutes * MINUTE,
  ip,
  sender: from,
  recipient,
});

describe('Greylister (postgrey semantics)', () => {
  it('defers a new triplet with its reply text, defers an early retry, passes a retry after d', () => {
    const greylister = new Greylister(exactIp);
    expect(greylister.check(attempt(0))).toEqual({
      accept: false,
      reason: 'new',
      reply: `450 4.2.0 <${recipient}>: Greylisted`,
    });
    expect(greylister.check(attempt(4))).toMatchObject({ accept: false, reason: 'early' });
    expect(greylister.check(attempt(5))).toMatchObject({ accept: true, reason: 'passed' });
    expect(greylister.check(attempt(6))).toMatchObject({ accept: true, reason: 'known' });
  });

  it('starts over when the retry misses the window, and passes d after the restart', () => {
    const greylister = new Greylister(exactIp);
    greylister.check(attempt(0));
    expect(greylister.check(attempt(61))).toMatchObject({ accept: false, reason: 'window-missed' });
    expect(greylister.check(attempt(65))).toMatchObject({ accept: false, reason: 'early' });
    expect(greylister.check(attempt(66))).toMatchObject({ accept: true, reason: 'passed' });
  });

  it('keyed on the exact IP, a retry from another address is a new triplet', () => {
    const greylister = new Greylister(exactIp);
    greylister.check(attempt(0, '127.1.0.1'));
    expect(greylister.check(attempt(10, '127.1.0.2'))).toMatchObject({ accept: false, reason: 'new' });
  });

  it('keyed on the /24, another IP of the same /24 passes but another /24 does not', () => {
    const greylister = new Greylister({ ...exactIp, keying: 'network24' });
    greylister.check(attempt(0, '127.1.3.10'));
    expect(greylister.check(attempt(10, '127.1.4.10'))).toMatchObject({ accept: false, reason: 'new' });
    expect(greylister.check(attempt(10, '127.1.3.99'))).toMatchObject({ accept: true, reason: 'passed' });
  });

  it('keyed on no IP (rspamd body key), any address passes after d', () => {
    const greylister = new Greylister(GREYLISTER_CLASSES.rspamd);
    greylister.check(attempt(0, '127.1.0.1'));
    expect(greylister.check(attempt(5, '127.9.9.9'))).toMatchObject({ accept: true });
  });

  it('auto-whitelists an IP after N passes counted once an hour, for every sender', () => {
    const greylister = new Greylister({
      ...exactIp,
      autoWhitelist: { passes: 2, scope: 'ip', countOncePerMs: 60 * MINUTE },
    });
    const pass = (start: number, from: string) => {
      greylister.check(attempt(start, '127.1.0.1', from));
      return greylister.check(attempt(start + 5, '127.1.0.1', from));
    };
    expect(pass(0, 'a@x.example').accept).toBe(true);
    expect(pass(10, 'b@x.example').accept).toBe(true); // within the hour: not counted
    expect(greylister.check(attempt(30, '127.1.0.1', 'c@x.example')).reason).toBe('new');
    expect(pass(120, 'd@x.example').accept).toBe(true); // the second counted pass
    expect(greylister.check(attempt(200, '127.1.0.1', 'e@x.example'))).toMatchObject({
      accept: true,
      reason: 'whitelisted',
    });
    // The whitelist is for that IP only.
    expect(greylister.check(attempt(200, '127.1.0.2', 'e@x.example')).reason).toBe('new');
  });

  it('an SPF-aware greylister never greylists the provider', () => {
    const greylister = new Greylister(GREYLISTER_CLASSES['spf-aware']);
    expect(greylister.check(attempt(0))).toEqual({ accept: true, reason: 'bypass' });
  });

  it('each class defers with its own real reply text', () => {
    const context = { time: 0, ip: '127.1.0.1', sender, recipient };
    const reply = (name: keyof typeof GREYLISTER_CLASSES) =>
      new Greylister(GREYLISTER_CLASSES[name]).check(context).reply;
    expect(reply('postgrey')).toBe(
      `450 4.2.0 <${recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/school.example.html`,
    );
    expect(reply('milter-greylist')).toBe('451 4.7.1 Greylisting in action, please come back later');
    expect(reply('spamd')).toBe('451 Temporary failure, please try again later.');
    expect(reply('rspamd')).toBe('451 4.7.1 Try again later');
    expect(reply('greylistd')).toContain(`127.1.0.1 is not yet authorized to deliver mail from <${sender}>`);
  });
});
