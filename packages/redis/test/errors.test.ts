import { MailoverError } from '@mailover/core';
import { describe, expect, it } from 'vitest';
import { redactUrl, toRedisError } from '../src/connection.js';

const url = 'redis://mailer:pa55-w0rd@cache.internal:6380/1';
const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6380'), { code: 'ECONNREFUSED' });

describe('toRedisError', () => {
  it('explains "not connected" with the last connection error, naming the server without its password', () => {
    const error = toRedisError(
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      'SET NX',
      url,
      ['pa55-w0rd'],
      refused,
    );
    expect(MailoverError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ name: 'RedisError', unavailable: true, code: 'ECONNREFUSED' });
    expect(error.url).toBe('redis://mailer:***@cache.internal:6380/1');
    expect(error.message).toBe(
      "Redis at redis://mailer:***@cache.internal:6380/1 is unavailable: SET NX failed: Stream isn't writeable and enableOfflineQueue options is false (last connection error: connect ECONNREFUSED 10.0.0.7:6380)",
    );
  });

  it('reports a refused command as such, even after an earlier connection error', () => {
    const error = toRedisError(
      new Error('WRONGTYPE Operation against a key holding the wrong kind of value'),
      'GET',
      url,
      ['pa55-w0rd'],
      refused,
    );
    expect(error).toMatchObject({ unavailable: false, code: 'WRONGTYPE' });
    expect(error.message).not.toContain('unavailable');
  });

  it('scrubs the password from whatever the underlying error said', () => {
    const error = toRedisError(new Error('WRONGPASS for pa55-w0rd'), 'AUTH', url, ['pa55-w0rd']);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('pa55-w0rd');
  });

  it('never echoes an unparsable URL, which may hold a password in any shape', () => {
    expect(redactUrl('not a url with s3cret')).toBe('(unparsable Redis URL)');
  });
});
