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

  it('SES: an unsigned request is refused before any identity is looked up', async () => {
    const refused = await fetch(`${sandbox.endpoints.ses}/v2/email/identities/example.com`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException/);
  });
});
