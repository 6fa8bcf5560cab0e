// `npm start`: three hosts on loopback sharing a backplane, one of them down, the demo feed, and the demo page.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryBackplane } from './backplane.ts';
import { controlHandler } from './control.ts';
import { startFeed } from './feed.ts';
import { Host } from './host.ts';
import { answer } from './http.ts';

export interface DemoOptions {
  /** The page's port; default 8000. */
  port?: number;
  /** Messages per second on each demo topic; default 2. */
  rate?: number;
  /** The project folder holding demo/ and dist/; default the one this file was built into. */
  root?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
};

export async function startDemo(
  options: DemoOptions = {},
): Promise<{ url: string; hosts: Host[]; stop(): Promise<void> }> {
  // Built to dist/server/, so the project is two folders up.
  const root = options.root ?? fileURLToPath(new URL('../../', import.meta.url));
  const backplane = new MemoryBackplane();
  const hosts = ['a', 'b', 'c'].map((name) => new Host({ name, backplane, heartbeat: 5000 }));
  for (const host of hosts) await host.listen();
  // One host down from the start, so the first round of a page shows a failover.
  await hosts[0]!.kill();
  const stopFeed = startFeed(backplane, { rate: options.rate ?? 2 });
  const control = controlHandler(hosts, '/control');

  const server = createServer((request, response) => {
    control(request, response).then(
      async (handled) => {
        if (handled) return;
        const path = new URL(request.url ?? '/', 'http://demo').pathname;
        const file = normalize(join(root, path === '/' ? 'demo/index.html' : path));
        const allowed = [join(root, 'demo') + sep, join(root, 'dist') + sep].some((folder) => file.startsWith(folder));
        if (!allowed) return answer(response, 404, 'not found');
        try {
          const body = await readFile(file);
          response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
          response.end(body);
        } catch {
          answer(response, 404, 'not found');
        }
      },
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 8000, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${address && typeof address === 'object' ? address.port : options.port}/`;
  return {
    url,
    hosts,
    async stop() {
      stopFeed();
      await Promise.all(hosts.map((host) => host.close()));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
