// Config parsing: every form of DESIGN.md, the defaults, and a ConfigError naming each bad field.

import { expect } from '@esm-bundle/chai';
import { ConfigError, type PlanNode, parseConfig } from '../../shared/config.ts';

/** The plan as nested arrays of "kind:" and host URLs, to compare shapes at a glance. */
function shape(node: PlanNode): unknown {
  return node.kind === 'host' ? node.host.url : { [node.kind]: node.children.map(shape) };
}

function errorOf(config: unknown): string {
  try {
    parseConfig(config);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has the defaults of DESIGN.md', () => {
    const settings = parseConfig({ hosts: ['http://a'] });
    expect(settings).to.include({
      connectTimeout: 2000,
      connectCount: 3,
      failureExpiry: 2000,
      reconnectDelay: 1000,
      maxReconnectDelay: 30000,
      sendQueueLimit: 1000,
      replayLimit: 100,
      idleTimeout: 30000,
      loadBalance: false,
    });
    expect(settings.retryStatuses).to.deep.equal([502, 503, 504]);
    expect(settings.hosts[0]!.types).to.deep.equal(['ws', 'http', 'poll']);
    expect(parseConfig({ servers: ['http://a'] }).loadBalance).to.equal(true);
  });

  it('reads StreamLink arrays as alternating balance and ordered groups, at any depth', () => {
    const settings = parseConfig({
      servers: [
        ['rttp://p1', 'rttp://b1'],
        ['rttp://p2', ['rttp://x', 'rttp://y']],
      ],
    });
    expect(shape(settings.plan)).to.deep.equal({
      balance: [
        { ordered: ['http://p1', 'http://b1'] },
        { ordered: ['http://p2', { balance: ['http://x', 'http://y'] }] },
      ],
    });
  });

  it('reads {balance} and {ordered} outright', () => {
    const settings = parseConfig({
      servers: { ordered: ['http://a', { balance: ['http://b', ['http://c', 'http://d']] }] },
    });
    expect(shape(settings.plan)).to.deep.equal({
      ordered: ['http://a', { balance: ['http://b', { ordered: ['http://c', 'http://d'] }] }],
    });
  });

  it('reads Flowplayer hosts as one group, ordered unless loadBalance', () => {
    const plain = parseConfig({ hosts: ['http://a/video', 'http://b/video'] });
    expect(shape(plain.plan)).to.deep.equal({ balance: ['http://a/video', 'http://b/video'] });
    expect(plain.loadBalance).to.equal(false);
    expect(parseConfig({ hosts: ['http://a'], loadBalance: true }).loadBalance).to.equal(true);
  });

  it('numbers hosts depth first and keeps each as configured', () => {
    const settings = parseConfig({
      servers: [
        ['rttp://p1:8080', { url: 'https://b1/x/', types: ['poll', 'http'] }],
        [{ host: 'p2.example:9000', types: ['rttp'] }, 'rttps://b2'],
      ],
    });
    expect(settings.hosts.map((h) => [h.index, h.host, h.url, h.types.join()])).to.deep.equal([
      [0, 'rttp://p1:8080', 'http://p1:8080', 'ws,http,poll'],
      [1, 'https://b1/x/', 'https://b1/x', 'poll,http'],
      [2, 'p2.example:9000', 'http://p2.example:9000', 'ws,http,poll'],
      [3, 'rttps://b2', 'https://b2', 'ws,http,poll'],
    ]);
  });

  it('applies config-level types to hosts that name none', () => {
    const settings = parseConfig({ hosts: ['http://a', { url: 'http://b', types: ['ws'] }], types: ['poll'] });
    expect(settings.hosts.map((h) => h.types)).to.deep.equal([['poll'], ['ws']]);
  });

  const bad: [string, unknown, string][] = [
    [
      'an unknown connection type',
      { servers: [['http://a'], ['http://b', { url: 'http://c', types: ['ws', 'http', 'wss'] }]] },
      'servers[1][1].types[2]: unknown connection type "wss" (expected ws, http, poll or rttp)',
    ],
    ['a config that is not an object', 'http://a', 'config: expected an object, got "http://a"'],
    [
      'both servers and hosts',
      { servers: ['http://a'], hosts: ['http://b'] },
      'config: has both "servers" and "hosts"; use one (servers for StreamLink groups, hosts for a flat list)',
    ],
    [
      'neither servers nor hosts',
      { connectTimeout: 100 },
      'config: needs "servers" (StreamLink groups) or "hosts" (a flat list of base URLs)',
    ],
    [
      'an unknown key, with the nearest known one',
      { hosts: ['http://a'], conectTimeout: 5 },
      'conectTimeout: unknown option (did you mean "connectTimeout"?)',
    ],
    [
      'an unknown key like nothing known',
      { hosts: ['http://a'], colour: 'red' },
      'colour: unknown option (expected one of servers, hosts, loadBalance, connectTimeout, connectCount, failureExpiry, reconnectDelay, maxReconnectDelay, types, sendQueueLimit, replayLimit, idleTimeout, retryStatuses)',
    ],
    [
      'an unknown key in a server',
      { hosts: [{ url: 'http://a', tipes: ['ws'] }] },
      'hosts[0].tipes: unknown option (did you mean "types"?)',
    ],
    ['an empty group', { servers: [['http://a'], []] }, 'servers[1]: is an empty group (expected at least one server)'],
    ['empty hosts', { hosts: [] }, 'hosts: is empty (expected at least one server)'],
    [
      'an empty {balance}',
      { servers: { balance: [] } },
      'servers.balance: is an empty group (expected at least one server)',
    ],
    [
      'a group that is not an array',
      { servers: { ordered: 'http://a' } },
      'servers.ordered: expected an array of servers or groups, got "http://a"',
    ],
    [
      'a server of the wrong type',
      { servers: [['http://a', 42]] },
      'servers[0][1]: expected a server: a URL string, {url, types} or {host, types}, got 42',
    ],
    [
      'a server with neither url nor host',
      { hosts: [{ types: ['ws'] }] },
      'hosts[0]: expected a server with "url" or "host"',
    ],
    ['a url that is not a string', { hosts: [{ url: 8080 }] }, 'hosts[0].url: expected a string, got 8080'],
    [
      'a bad URL',
      { hosts: ['http://a', 'not a url'] },
      'hosts[1]: "not a url" is not a valid URL (expected e.g. "https://feed.example.com")',
    ],
    [
      'an unsupported scheme',
      { hosts: ['ws://a'] },
      'hosts[0]: unsupported scheme "ws" in "ws://a" (expected http, https, rttp or rttps)',
    ],
    [
      'a base URL with a query',
      { hosts: ['http://a/?x=1'] },
      'hosts[0]: "http://a/?x=1" has a query or fragment (expected a base URL)',
    ],
    [
      'nested groups in hosts',
      { hosts: [['http://a']] },
      'hosts[0]: expected a server (hosts is a flat list; use "servers" for groups)',
    ],
    [
      'the same host twice',
      {
        servers: [
          ['http://a', 'http://b'],
          ['http://c', 'rttp://a/'],
        ],
      },
      'servers[1][1]: host "rttp://a/" appears twice (first at servers[0][0])',
    ],
    [
      'types that are not an array',
      { hosts: ['http://a'], types: 'ws' },
      'types: expected an array of connection types, got "ws"',
    ],
    [
      'empty types',
      { hosts: [{ url: 'http://a', types: [] }] },
      'hosts[0].types: is empty (expected at least one of ws, http, poll or rttp)',
    ],
    [
      'a negative number',
      { hosts: ['http://a'], failureExpiry: -1 },
      'failureExpiry: expected a whole number of milliseconds, at least 0, got -1',
    ],
    [
      'NaN',
      { hosts: ['http://a'], connectTimeout: NaN },
      'connectTimeout: expected a whole number of milliseconds, at least 1, got NaN',
    ],
    [
      'a fraction',
      { hosts: ['http://a'], connectCount: 2.5 },
      'connectCount: expected a whole number of rounds, at least 1, got 2.5',
    ],
    [
      'a number as a string',
      { hosts: ['http://a'], reconnectDelay: '1000' },
      'reconnectDelay: expected a whole number of milliseconds, at least 0, got "1000"',
    ],
    [
      'zero rounds',
      { hosts: ['http://a'], connectCount: 0 },
      'connectCount: expected a whole number of rounds, at least 1, got 0',
    ],
    [
      'a maximum below the delay',
      { hosts: ['http://a'], reconnectDelay: 5000, maxReconnectDelay: 1000 },
      'maxReconnectDelay: must be at least reconnectDelay (5000), got 1000',
    ],
    [
      'a retry status that is not 5xx',
      { hosts: ['http://a'], retryStatuses: [503, 404] },
      "retryStatuses[1]: expected a 5xx HTTP status (a 4xx is the caller's to handle), got 404",
    ],
    [
      'loadBalance not a boolean',
      { hosts: ['http://a'], loadBalance: 'yes' },
      'loadBalance: expected true or false, got "yes"',
    ],
  ];
  for (const [what, config, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(errorOf(config)).to.equal(message);
    });
  }

  it('names the path of the bad field in ConfigError.path', () => {
    try {
      parseConfig({ servers: [['http://a', { url: 'http://b', types: ['tcp'] }]] });
      expect.fail('no ConfigError');
    } catch (error) {
      expect((error as ConfigError).path).to.equal('servers[0][1].types[0]');
    }
  });
});
