import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NEVER_ABORTED } from '../src/adapter-kit.js';
import { callTimeouts, slackMs } from '../src/provider-kit/timeout.js';

describe('callTimeouts', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts a call with a TimeoutError no sooner than timeoutMs after it started, and at most the slack later', () => {
    const timeouts = callTimeouts(1000);
    expect(slackMs(1000)).toBe(50);
    const first = timeouts.start(NEVER_ABORTED);
    vi.advanceTimersByTime(40);
    // Same window as the first call: the later start bounds how soon it may end.
    const second = timeouts.start(NEVER_ABORTED);
    vi.advanceTimersByTime(999);
    expect(second.signal.aborted).toBe(false);
    expect(first.signal.aborted).toBe(false);
    vi.advanceTimersByTime(11);
    for (const call of [first, second]) {
      expect(call.signal.aborted).toBe(true);
      expect(call.timedOut()).toBe(true);
      expect((call.reason as DOMException).name).toBe('TimeoutError');
      expect(call.reason).toBe(call.signal.reason);
    }
  });

  it('starts a new window once the slack has passed, with its own timer', () => {
    const timeouts = callTimeouts(1000);
    const first = timeouts.start(NEVER_ABORTED);
    vi.advanceTimersByTime(51);
    const second = timeouts.start(NEVER_ABORTED);
    vi.advanceTimersByTime(999);
    expect(first.signal.aborted).toBe(true);
    expect(second.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(second.signal.aborted).toBe(false);
    vi.advanceTimersByTime(50);
    expect(second.timedOut()).toBe(true);
  });

  it('leaves a call that ended alone', () => {
    const timeouts = callTimeouts(1000);
    const done = timeouts.start(NEVER_ABORTED);
    const running = timeouts.start(NEVER_ABORTED);
    done.end();
    vi.advanceTimersByTime(2000);
    expect(done.signal.aborted).toBe(false);
    expect(done.timedOut()).toBe(false);
    expect(running.timedOut()).toBe(true);
  });

  it("aborts with the engine's reason when the engine's signal aborts first, and is then no timeout", () => {
    const timeouts = callTimeouts(1000);
    const engine = new AbortController();
    const call = timeouts.start(engine.signal);
    const reason = new Error('deadline');
    engine.abort(reason);
    expect(call.signal.aborted).toBe(true);
    expect(call.signal.reason).toBe(reason);
    vi.advanceTimersByTime(2000);
    expect(call.timedOut()).toBe(false);
    expect(call.signal.reason).toBe(reason);
  });

  it("starts aborted on an aborted engine signal, and drops its listener on the engine's signal when it ends", () => {
    const timeouts = callTimeouts(1000);
    const aborted = new AbortController();
    aborted.abort('stop');
    expect(timeouts.start(aborted.signal).signal.reason).toBe('stop');
    const engine = new AbortController();
    const call = timeouts.start(engine.signal);
    expect(getEventListeners(engine.signal, 'abort')).toHaveLength(1);
    call.end();
    expect(getEventListeners(engine.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(NEVER_ABORTED, 'abort')).toHaveLength(0);
  });

  it('refuses a timeout that is missing, not finite, zero or negative, naming the option', () => {
    for (const bad of [undefined, Number.NaN, Number.POSITIVE_INFINITY, 0, -5])
      expect(() => callTimeouts(bad as number), String(bad)).toThrow(/callTimeouts.*timeoutMs/);
  });

  it('keeps the slack to a twentieth of the timeout, at most a second', () => {
    expect(slackMs(400)).toBe(20);
    expect(slackMs(30_000)).toBe(1000);
    expect(slackMs(1)).toBe(1);
  });
});
