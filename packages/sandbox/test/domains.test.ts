import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';

// The domain APIs through their official SDKs are tested in packages/doctor; here, what an SDK
// hides: the status and body of a refusal, and the query parameters Postmark requires.
describe('sandbox domain and identity APIs: refusals in each provider format', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ domains: [{ name: 'Example.COM' }] });
  });
  afterAll(() => sandbox?.close());

  it('SendGrid: a wrong key is 401 with an errors array; the right one lists the domain, lower case', async () => {
    const url = `${sandbox.endpoints.sendgrid}v3/whitelabel/domains?domain=example.com`;
    const refused = await fetch(url, { headers: { authorization: 'Bearer SG.wrong' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ errors: [{ message: expect.any(String) }] });
    const listed = await fetch(url, {
      headers: { authorization: `Bearer ${sandbox.credentials.sendgrid.apiKey}` },
    });
    expect(await listed.json()).toMatchObject([
      { domain: 'example.com', valid: true, automatic_security: true },
    ]);
  });

  it('Mailgun: a wrong key is a plain-text 401 Forbidden; an unknown domain a JSON 404', async () => {
    const basic = (key: string) => `Basic ${Buffer.from(`api:${key}`).toString('base64')}`;
    const refused = await fetch(`${sandbox.endpoints.mailgun}/v4/domains/example.com`, {
      headers: { authorization: basic('key-wrong') },
    });
    expect([refused.status, await refused.text()]).toEqual([401, 'Forbidden']);
    const unknown = await fetch(`${sandbox.endpoints.mailgun}/v4/domains/other.example`, {
      headers: { authorization: basic(sandbox.credentials.mailgun.apiKey) },
    });
    expect([unknown.status, await unknown.json()]).toEqual([404, { message: 'Domain not found' }]);
  });

  it('Postmark: the server token is not an account token; count and offset are required', async () => {
    const refused = await fetch(`${sandbox.endpoints.postmark}/domains?count=10&offset=0`, {
      headers: { 'x-postmark-account-token': sandbox.credentials.postmark.serverToken },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ ErrorCode: 10 });
    const token = { 'x-postmark-account-token': sandbox.credentials.postmark.accountToken! };
    const unpaged = await fetch(`${sandbox.endpoints.postmark}/domains`, { headers: token });
    expect([unpaged.status, ((await unpaged.json()) as { ErrorCode: number }).ErrorCode]).toEqual([422, 511]);
    const missing = await fetch(`${sandbox.endpoints.postmark}/domains/999`, { headers: token });
    expect([missing.status, ((await missing.json()) as { ErrorCode: number }).ErrorCode]).toEqual([422, 510]);
  });

  it('Resend: no key 401, a wrong key 403, a bad limit 422, an unknown id 404, each as {statusCode, name, message}', async () => {
    const base = sandbox.endpoints.resend.replace(/\/$/, '');
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const missing = await fetch(`${base}/domains`);
    expect([missing.status, await missing.json()]).toEqual([
      401,
      { statusCode: 401, name: 'missing_api_key', message: expect.any(String) },
    ]);
    const wrong = await fetch(`${base}/domains`, { headers: bearer('re_wrong') });
    expect([wrong.status, ((await wrong.json()) as { name: string }).name]).toEqual([403, 'invalid_api_key']);
    const key = bearer(sandbox.credentials.resend.apiKey);
    const tooMany = await fetch(`${base}/domains?limit=101`, { headers: key });
    expect([tooMany.status, ((await tooMany.json()) as { name: string }).name]).toEqual([
      422,
      'validation_error',
    ]);
    const listed = (await (await fetch(`${base}/domains`, { headers: key })).json()) as {
      object: string;
      has_more: boolean;
      data: { id: string; name: string; status: string }[];
    };
    expect(listed).toMatchObject({
      object: 'list',
      has_more: false,
      data: [{ name: 'example.com', status: 'verified' }],
    });
    const unknown = await fetch(`${base}/domains/no-such-id`, { headers: key });
    expect([unknown.status, ((await unknown.json()) as { name: string }).name]).toEqual([404, 'not_found']);
  });

  it('SES: an unsigned request is refused before any identity is looked up', async () => {
    const refused = await fetch(`${sandbox.endpoints.ses}/v2/email/identities/example.com`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException/);
  });
});
