/** Write a simulator's or the view's answer to the HTTP response: a body object goes out as JSON. */
import type { ServerResponse } from 'node:http';
import type { SandboxResponse } from './types.js';

export function writeAnswer(response: ServerResponse, answer: SandboxResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | Buffer | undefined;
  if (answer.body === undefined) payload = undefined;
  else if (typeof answer.body === 'string' || Buffer.isBuffer(answer.body)) payload = answer.body;
  else {
    payload = JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json';
  }
  response.writeHead(answer.status, headers);
  response.end(payload);
}
