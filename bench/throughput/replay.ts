/**
 * The sandbox alone: capture the exact request each official SDK sends (method, path, headers,
 * body) on a throwaway loopback server, then replay those bytes to the sandbox with a bare
 * keep-alive HTTP client, so its capacity is measured without any SDK in the way.
 */
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxProviderKind } from '@mailover/sandbox';
import { rawSenderFor } from '../overhead/fixtures.js';
import type { SandboxProcess } from './sandbox-process.js';

export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** The request the SDK for `kind` sends, with paths as they would reach `sandbox`. */
export async function captureRequest(
  kind: SandboxProviderKind,
  sandbox: SandboxProcess,
): Promise<CapturedRequest> {
  let captured: CapturedRequest | undefined;
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        // Host stays as signed (SES's SigV4 covers it); the sandbox does not route by it.
        if (typeof value === 'string' && name !== 'connection') headers[name] = value;
      }
      captured = {
        method: incoming.method ?? 'POST',
        path: incoming.url ?? '/',
        headers,
        body: Buffer.concat(chunks),
      };
      response.writeHead(500).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  // Same path prefixes and credentials as the sandbox, another port: the SDK signs what it sends.
  const endpoints = Object.fromEntries(
    Object.entries(sandbox.endpoints).map(([name, url]) => [name, url.replace(/:\d+/, `:${port}`)]),
  ) as SandboxProcess['endpoints'];
  const send = await rawSenderFor(kind, { ...sandbox, endpoints });
  await send().catch(() => undefined); // the capture server answers 500: only the request matters
  server.close();
  if (!captured) throw new Error(`no ${kind} request captured`);
  return captured;
}

/** Replay `captured` to the sandbox `count` times, `concurrency` at once; resolves to requests/s. */
export async function replay(
  captured: CapturedRequest,
  sandbox: SandboxProcess,
  count: number,
  concurrency: number,
): Promise<{ requestsPerSecond: number; failures: number }> {
  const { hostname, port } = new URL(sandbox.url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failures = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const outgoing = request(
        {
          host: hostname,
          port,
          method: captured.method,
          path: captured.path,
          headers: captured.headers,
          agent,
        },
        (response) => {
          if ((response.statusCode ?? 500) >= 300) failures += 1;
          response.resume();
          response.on('end', resolve);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(captured.body);
    });
  const worker = async () => {
    while (next < count) {
      next += 1;
      await one();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { requestsPerSecond: count / seconds, failures };
}
