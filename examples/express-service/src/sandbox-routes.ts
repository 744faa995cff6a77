/**
 * Sandbox mode only: play the provider's part by hand. `POST /_sandbox/messages/:id/events` builds
 * the signed webhook the accepting provider would send about that message and POSTs it to this
 * service's own `/webhooks/:provider`, over HTTP, through the same verification as a real one.
 */
import type { Mailer } from '@mailover/core';
import type { SandboxEventSpec } from '@mailover/sandbox';
import { Router } from 'express';
import { buildSandboxWebhook, type SandboxMode } from './sandbox-mode.js';

const EVENT_TYPES: readonly SandboxEventSpec['type'][] = ['delivered', 'deferred', 'bounced', 'dropped'];

/** The sandbox helper routes; `baseUrl()` is where this service listens. */
export function sandboxRoutes(mode: SandboxMode, mailer: Mailer, baseUrl: () => string): Router {
  const router = Router();
  router.get('/_sandbox/messages', (_request, response) => {
    response.json(
      mode.sandbox.messages.map((message) => ({
        provider: message.provider,
        providerMessageId: message.providerMessageId,
        to: message.to.map((address) => address.address),
        subject: message.subject,
      })),
    );
  });
  router.post('/_sandbox/messages/:id/events', async (request, response) => {
    const type = String(request.query.type ?? 'delivered') as SandboxEventSpec['type'];
    if (!EVENT_TYPES.includes(type)) {
      response.status(400).json({ error: 'bad_type', message: `type is one of ${EVENT_TYPES.join(', ')}` });
      return;
    }
    const found = await mailer.status(request.params.id);
    // Only a message a provider accepted has a provider message id to send events about.
    const status = found?.state === 'sent' ? found : undefined;
    const reply = typeof request.query.reply === 'string' ? request.query.reply : undefined;
    const webhook = status && buildSandboxWebhook(mode, status.providerMessageId, type, reply);
    if (!status || !webhook) {
      response.status(404).json({ error: 'not_found', message: 'no such message in the sandbox' });
      return;
    }
    const answer = await fetch(`${baseUrl()}/webhooks/${status.provider}`, {
      method: 'POST',
      headers: webhook.headers,
      body: webhook.body,
    });
    response.status(answer.ok ? 200 : 502).json({
      provider: status.provider,
      type,
      webhook: { status: answer.status, body: await answer.json().catch(() => undefined) },
    });
  });
  return router;
}
