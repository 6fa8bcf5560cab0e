// Topic message rates from message counts read over time, and how the inspector words durations and events.

import { expect } from '@esm-bundle/chai';
import { duration, describe as line } from '../../src/inspector/format.ts';
import { RateMeter } from '../../src/inspector/rates.ts';

describe('inspector rates and wording', () => {
  it('measures messages per second over the last window of samples', () => {
    const meter = new RateMeter(5000);
    expect(meter.update(0, [{ topic: 'a', messages: 0 }]).get('a'), 'one sample: no rate yet').to.equal(0);
    expect(meter.update(1000, [{ topic: 'a', messages: 10 }]).get('a')).to.equal(10);
    expect(meter.update(2000, [{ topic: 'a', messages: 40 }]).get('a')).to.equal(20);
    // Past the window, old samples go: the rate follows the recent pace.
    for (let at = 3000; at <= 12_000; at += 1000) meter.update(at, [{ topic: 'a', messages: 40 + (at - 2000) / 1000 }]);
    expect(meter.update(13_000, [{ topic: 'a', messages: 51 }]).get('a')).to.equal(1);
  });

  it('gives a new topic a rate from when it appeared, and none when its count starts over in a new worker', () => {
    const meter = new RateMeter();
    meter.update(0, [{ topic: 'a', messages: 100 }]);
    const rates = meter.update(2000, [
      { topic: 'a', messages: 2 },
      { topic: 'b', messages: 6 },
    ]);
    expect(rates.get('a')).to.equal(0);
    expect(rates.get('b'), 'seen once').to.equal(0);
    expect(
      meter
        .update(4000, [
          { topic: 'a', messages: 4 },
          { topic: 'b', messages: 10 },
        ])
        .get('b'),
    ).to.equal(2);
  });

  it('words durations and events', () => {
    expect([850, 4200, 185_000, 7_440_000].map(duration)).to.deep.equal(['850 ms', '4.2 s', '3 min 5 s', '2 h 4 min']);
    expect(
      line({ event: 'connectFailed', detail: { host: 'http://a', index: 0, type: 'ws', reason: 'refused' } }),
    ).to.equal('http://a (#0) over ws: refused');
    expect(line({ event: 'gap', detail: { topic: 't', from: 5, to: 9 } })).to.equal('t: seq 5 to 9 lost');
    expect(line({ event: 'failed', detail: { rounds: 3 } })).to.equal('3 rounds failed');
  });
});
