/**
 * The whole service: settings and providers from the environment (or the sandbox), a mailer, the
 * app, an HTTP server, and a graceful shutdown. server.ts only adds process signals to this.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMailer, type Mailer } from '@mailover/core';
import { createApp } from './app.js';
import {
  type Environment,
  hasKeys,
  liveProviders,
  PROVIDER_KINDS,
  readSettings,
  type ServiceSettings,
} from './config.js';
import { InFlight } from './in-flight.js';
import { jsonLogger, type Logger } from './logger.js';
import { type SandboxMode, startSandboxMode } from './sandbox-mode.js';
import { sandboxRoutes } from './sandbox-routes.js';

export interface ServiceOptions {
  /** Where settings and keys come from. Default: `process.env`. */
  readonly env?: Environment;
  /** Where log lines go. Default: JSON lines on stdout. */
  readonly logger?: Logger;
}

export interface Service {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly mailer: Mailer;
  /** Set when running against the sandbox (no keys): its faults, messages and webhook keys. */
  readonly sandboxMode?: SandboxMode;
  /** Stop accepting, let sends under way finish, then close the mailer and the sandbox. Idempotent. */
  shutdown(): Promise<void>;
}

/** Start the service and listen. Resolves once it accepts connections. */
export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? jsonLogger();
  const settings = readSettings(env);
  const live = !settings.forceSandbox && PROVIDER_KINDS.some((kind) => hasKeys(env, kind));
  const sandboxMode = live ? undefined : await startSandboxMode(settings);
  try {
    return await serve(env, settings, logger, sandboxMode);
  } catch (error) {
    // Startup failed after the sandbox started (a port in use, a bad key): don't leave it running.
    await sandboxMode?.sandbox.close();
    throw error;
  }
}

async function serve(
  env: Environment,
  settings: ServiceSettings,
  logger: Logger,
  sandboxMode: SandboxMode | undefined,
): Promise<Service> {
  const providers = sandboxMode?.providers ?? liveProviders(env, settings);
  if (providers.length === 0) throw new Error('MAILOVER_PROVIDERS lists no provider whose keys are set');
  const mailer = createMailer({ providers });
  const inFlight = new InFlight();
  let url = '';
  const app = createApp({
    mailer,
    logger,
    inFlight,
    sendDeadlineMs: settings.sendDeadlineMs,
    ...(sandboxMode ? { extraRoutes: sandboxRoutes(sandboxMode, mailer, () => url) } : {}),
  });
  const server = createServer(app);
  await listen(server, settings.port, settings.host);
  const { port } = server.address() as AddressInfo;
  url = `http://${settings.host}:${port}`;
  logger({
    level: 'info',
    event: 'listening',
    url,
    mode: sandboxMode ? 'sandbox' : 'live',
    // Sandbox mode: the sandbox's web view (messages, timelines, faults at a click).
    ...(sandboxMode ? { sandboxView: `${sandboxMode.sandbox.url}/` } : {}),
    providers: providers.map((provider) => provider.id),
    webhooks: providers.filter((provider) => provider.webhooks).map((provider) => provider.id),
  });

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      logger({ level: 'info', event: 'shutdown', inFlight: inFlight.size });
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await inFlight.drain();
      // Every answer is written: drop keep-alive connections that would hold the server open.
      server.closeAllConnections();
      await closed;
      await mailer.close();
      await sandboxMode?.sandbox.close();
      logger({ level: 'info', event: 'stopped' });
    })();
    return stopping;
  };
  return { url, mailer, shutdown, ...(sandboxMode ? { sandboxMode } : {}) };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
