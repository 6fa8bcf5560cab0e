// Small helpers for the host's HTTP answers: CORS on every one, plain answers, bounded bodies.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** Lets pages of any origin use the host (docs/PROTOCOL.md, "Transports"). */
export function allowCors(response: ServerResponse): void {
  response.setHeader('access-control-allow-origin', '*');
  response.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
  response.setHeader('access-control-allow-headers', 'content-type');
  response.setHeader('access-control-max-age', '600');
}

export function answer(response: ServerResponse, status: number, body = '', type = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, body ? { 'content-type': type } : {});
  response.end(body);
}

/** The request body as text, or its size in bytes when it is over `limit`. */
export async function readBody(
  request: IncomingMessage,
  limit: number,
): Promise<{ text: string } | { tooLarge: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit, so the answer reaches a client still sending.
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? { tooLarge: size } : { text: Buffer.concat(chunks).toString('utf8') };
}
