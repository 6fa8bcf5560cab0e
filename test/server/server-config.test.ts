// Server: switchboard-server's configuration from flags, SWITCHBOARD_* variables and a --config file, and its errors.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'switchboard-config-'));

/** Runs the CLI to its end: its exit code, and what it printed. */
function cli(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

function printed(args: string[], env: Record<string, string> = {}): Record<string, unknown> {
  const run = cli([...args, '--print-config'], env);
  assert.equal(run.code, 0, run.err);
  return JSON.parse(run.out) as Record<string, unknown>;
}

test('--print-config shows the defaults, every option by name', () => {
  const config = printed([]);
  assert.equal(config.port, 8001);
  assert.equal(config.drainDeadline, 10_000);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.logFormat, 'json');
  assert.equal(config.redis, null);
  assert.deepEqual(config.refuse, []);
});

test('flags win over variables, variables over the file', () => {
  const path = file(
    'layers.json',
    JSON.stringify({ port: 9001, name: 'from-file', heartbeat: 1000, refuse: ['poll'] }),
  );
  const config = printed(['--config', path, '--port', '9003'], {
    SWITCHBOARD_PORT: '9002',
    SWITCHBOARD_NAME: 'from-env',
    SWITCHBOARD_FORBID: 'secret/,admin/',
  });
  assert.deepEqual(
    [config.port, config.name, config.heartbeat, config.refuse, config.forbid],
    [9003, 'from-env', 1000, ['poll'], ['secret/', 'admin/']],
  );
  assert.equal(printed([], { SWITCHBOARD_CONFIG: path }).name, 'from-file');
});

test('--print-config output is a config file the CLI takes back', () => {
  const path = file('printed.json', cli(['--port', '9100', '--print-config']).out);
  assert.equal(printed(['--config', path]).port, 9100);
});

test('a bad value names where it came from, what was expected, and what arrived', () => {
  const cases: [string[], Record<string, string>, string][] = [
    [['--port', 'eighty'], {}, '--port: expected a port, 0 to 65535, got "eighty"'],
    [[], { SWITCHBOARD_PORT: '70000' }, 'SWITCHBOARD_PORT: expected a port, 0 to 65535, got "70000"'],
    [[], { SWITCHBOARD_LOG_LEVEL: 'loud' }, 'SWITCHBOARD_LOG_LEVEL: expected one of debug, info, warn, error, silent'],
    [['--refuse', 'ws,smoke'], {}, '--refuse: expected a list of ws, http and poll, got "ws,smoke"'],
    [['--redis', 'localhost:6379'], {}, '--redis: expected a Redis URL such as redis://127.0.0.1:6379'],
    [['--drain-deadline=-5'], {}, '--drain-deadline: expected a whole number of milliseconds, at least 0'],
    [['--prot', '1'], {}, '--prot: unknown option (did you mean "--port"?)'],
    [[], { SWITCHBOARD_PROT: '1' }, 'SWITCHBOARD_PROT: unknown variable (did you mean SWITCHBOARD_PORT?)'],
  ];
  for (const [args, env, message] of cases) {
    const run = cli(args, env);
    assert.equal(run.code, 1, `${args.join(' ')} ${JSON.stringify(env)}`);
    assert.ok(run.err.includes(message), `${message}\nin: ${run.err}`);
  }
});

test('a bad config file names the file and the key', () => {
  const cases: [string, string][] = [
    ['{"port": "8001"}', ': port: expected a port, 0 to 65535, got "8001"'],
    ['{"logLevl": "debug"}', ': logLevl: unknown option (did you mean "logLevel"?)'],
    ['{"forbid": [1]}', ': forbid: expected a list of topic prefixes, got an array'],
    ['[1]', ': expected an object of options, such as {"port": 8001}, got an array'],
    ['{port: 1}', ': is not JSON ('],
  ];
  for (const [text, message] of cases) {
    const path = file('bad.json', text);
    const run = cli(['--config', path]);
    assert.equal(run.code, 1);
    assert.ok(run.err.includes(`${path}${message}`), `${message}\nin: ${run.err}`);
  }
  const missing = cli(['--config', join(folder, 'missing.json')]);
  assert.match(missing.err, /missing\.json: cannot be read \(ENOENT/);
});

test('--help lists every option with its variable and default', () => {
  const run = cli(['--help']);
  assert.equal(run.code, 0);
  for (const text of [
    '--drain-deadline MS',
    'SWITCHBOARD_DRAIN_DEADLINE',
    '(default 10000)',
    '--metrics-port',
    '--log-format',
  ])
    assert.ok(run.out.includes(text), text);
});
