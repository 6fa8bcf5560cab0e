// The reference server as the build ships it (dist/server), typed by its source.

type ServerModule = typeof import('../server/index.ts');

export type { Host } from '../server/index.ts';

const built = new URL('../dist/server/index.js', import.meta.url).href;
const server = (await import(built)) as ServerModule;

export const { startServer, MemoryBackplane } = server;
