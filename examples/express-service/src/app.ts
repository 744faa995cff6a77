/**
 * The HTTP API as an Express app, built around a mailer it is given: testable without listening,
 * and free of configuration (see config.ts) and process concerns (see server.ts).
 */
import { finished } from 'node:stream/promises';
import { type Mailer, type MessageInput, SendError, ValidationError } from '@mailover/core';
import express, { type ErrorRequestHandler, type Express, type Response, type Router } from 'express';
import { InFlight } from './in-flight.js';
import type { Logger } from './logger.js';
import { logMailerEvents } from './mailer-logs.js';

export interface AppOptions {
  readonly mailer: Mailer;
  /** Where log lines go. */
  readonly logger: Logger;
  /** Tracks sends under way for graceful shutdown. Default: a fresh tracker. */
  readonly inFlight?: InFlight;
  /** Give up on one `POST /send` after this many ms, across retries and failovers. Default 30 000. */
  readonly sendDeadlineMs?: number;
  /** Largest JSON body of `POST /send` (attachments are base64 inside it). Default `'10mb'`. */
  readonly maxSendBody?: string;
  /** More routes, mounted after the API's own (the sandbox helpers use it). Default: none. */
  readonly extraRoutes?: Router;
}

/** Build the service's Express app. Subscribes the logger to the mailer's events. */
export function createApp(options: AppOptions): Express {
  const { mailer, logger } = options;
  const inFlight = options.inFlight ?? new InFlight();
  const sendDeadlineMs = options.sendDeadlineMs ?? 30_000;
  logMailerEvents(mailer, logger);

  const app = express();
  app.disable('x-powered-by');

  // Webhooks first: their signatures cover the raw bytes, which a JSON parser would consume.
  app.post('/webhooks/:provider', (request, response) => {
    mailer.webhooks.node(request.params.provider)(request, response);
  });

  app.get('/healthz', (_request, response) => {
    response.json({ ok: !inFlight.closing, providers: mailer.providers.map((provider) => provider.id) });
  });

  app.get('/messages/:id', async (request, response) => {
    const status = await mailer.status(request.params.id);
    if (!status) {
      response.status(404).json({ error: 'not_found', message: `no message with id '${request.params.id}'` });
      return;
    }
    response.json(status);
  });

  app.post('/send', express.json({ limit: options.maxSendBody ?? '10mb' }), async (request, response) => {
    if (inFlight.closing) {
      response.setHeader('connection', 'close');
      response.status(503).json({ error: 'shutting_down', message: 'the service is shutting down; retry' });
      return;
    }
    // Counted until the answer is written, so a shutdown never cuts a finished send's reply.
    await inFlight.track(send(request.body as MessageInput, response));
  });

  if (options.extraRoutes) app.use(options.extraRoutes);
  app.use((_request, response) => {
    response.status(404).json({ error: 'not_found', message: 'no such route' });
  });
  app.use(handleError(logger));
  return app;

  async function send(message: MessageInput, response: Response): Promise<void> {
    try {
      response.json(await mailer.send(message, { deadline: sendDeadlineMs }));
    } catch (error) {
      sendFailure(response, error, logger);
    }
    await finished(response).catch(() => {});
  }
}

/** A failed send, as an HTTP answer a client can act on. */
function sendFailure(response: Response, error: unknown, logger: Logger): void {
  if (ValidationError.isInstance(error)) {
    response.status(400).json({ error: error.code, message: error.message, issues: error.issues });
    return;
  }
  if (SendError.isInstance(error)) {
    response.status(sendErrorStatus(error.code)).json({
      error: error.code,
      message: error.message,
      id: error.id,
      attempts: error.attempts,
      possiblyDelivered: error.possiblyDelivered,
    });
    return;
  }
  // Not a mailover outcome: a bug or a store outage. Its text stays in the log, out of the answer.
  logger({
    level: 'error',
    event: 'send-crashed',
    error: error instanceof Error ? error.message : String(error),
  });
  response
    .status(500)
    .json({ error: 'internal', message: 'the send failed unexpectedly; see the service log' });
}

/**
 * 422 when the message itself was refused (a provider found it invalid, or the recipient is
 * suppressed: another provider would not help); 504 at the deadline; 502 when the providers failed.
 */
function sendErrorStatus(code: SendError['code']): number {
  if (code === 'invalid_message' || code === 'recipient_suppressed') return 422;
  if (code === 'deadline_exceeded') return 504;
  return 502;
}

/** Body-parser failures (bad JSON, too large) carry their status; anything else is a 500. */
function handleError(logger: Logger): ErrorRequestHandler {
  return (error, _request, response, _next) => {
    const status = typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
    if (status === 500) {
      logger({
        level: 'error',
        event: 'http-error',
        error: error instanceof Error ? error.message : String(error),
      });
    }
    response.status(status).json({
      error: status === 500 ? 'internal' : (error.type ?? 'bad_request'),
      message: status === 500 ? 'internal error' : (error.message ?? 'bad request'),
    });
  };
}
