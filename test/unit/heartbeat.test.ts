// The heartbeat on a fake clock: when it pings, when it calls a connection dead, and that stop() ends both.

import { expect } from '@esm-bundle/chai';
import { startHeartbeat } from '../../worker/transports/heartbeat.ts';
import { FakeClock } from '../support/fake-clock.ts';

const H = 1000;

/** A heartbeat of H on a fake clock, counting its pings and deaths. */
function setup() {
  const clock = new FakeClock();
  const counts = { pings: 0, deaths: 0 };
  const heartbeat = startHeartbeat(
    clock,
    H,
    () => counts.pings++,
    () => counts.deaths++,
  );
  return { clock, counts, heartbeat };
}

describe('heartbeat', () => {
  it('pings every H', async () => {
    const { clock, counts, heartbeat } = setup();
    await clock.advance(H - 1);
    expect(counts.pings).to.equal(0);
    await clock.advance(1);
    expect(counts.pings).to.equal(1);
    // Arrivals keep it alive; they do not move the ping schedule.
    for (let beat = 2; beat <= 5; beat++) {
      heartbeat.alive();
      await clock.advance(H);
      expect(counts.pings).to.equal(beat);
    }
    expect(counts.deaths).to.equal(0);
    heartbeat.stop();
  });

  it('dead after 2 × H of silence, and only once', async () => {
    const { clock, counts } = setup();
    await clock.advance(2 * H - 1);
    expect(counts.deaths).to.equal(0);
    await clock.advance(1);
    expect(counts.deaths).to.equal(1);
    // Dead means stopped: nothing is left to run, no more pings and no second death.
    expect(clock.pending).to.equal(0);
    const pings = counts.pings;
    await clock.advance(10 * H);
    expect(counts).to.deep.equal({ pings, deaths: 1 });
  });

  it('alive() pushes death out to 2 × H after the last arrival', async () => {
    const { clock, counts, heartbeat } = setup();
    await clock.advance(1500);
    heartbeat.alive();
    // The first watch falls due at 2 × H, finds an arrival 500 ms ago, and waits out the rest.
    await clock.advance(2 * H - 1);
    expect(counts.deaths).to.equal(0);
    heartbeat.alive();
    await clock.advance(2 * H - 1);
    expect(counts.deaths).to.equal(0);
    await clock.advance(1);
    expect(counts.deaths).to.equal(1);
  });

  it('stop() ends pings and the watch: no timer is left', async () => {
    const { clock, counts, heartbeat } = setup();
    await clock.advance(H);
    heartbeat.stop();
    expect(clock.pending).to.equal(0);
    await clock.advance(10 * H);
    expect(counts).to.deep.equal({ pings: 1, deaths: 0 });
  });

  it('a ping that ends the connection stops the heartbeat from inside', async () => {
    const clock = new FakeClock();
    let pings = 0;
    const heartbeat = startHeartbeat(
      clock,
      H,
      () => {
        pings++;
        heartbeat.stop();
      },
      () => expect.fail('dead after stop'),
    );
    await clock.advance(H);
    expect(clock.pending).to.equal(0);
    await clock.advance(10 * H);
    expect(pings).to.equal(1);
  });
});
