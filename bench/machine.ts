// The machine a benchmark ran on: CPU, cores, memory, load, Node and Chromium.

import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  load: string;
  node: string;
  chromium: string;
}

export function describeMachine(chromium: string): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    load: loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
    node: process.version,
    chromium: chromium.replace(/^(Headless)?Chrome\//, ''),
  };
}
