// The alternative to Switchboard, in a tab: a WebSocket per tab with a plain sequential retry loop over the hosts.
// It does what the Flowplayer cluster plugin does: try host 1, give it connectTimeout, try host 2, and so on.

export interface LoopOptions {
  hosts: string[];
  connectTimeout: number;
  message(topic: string, data: unknown): void;
  /** The connected host was lost (closed, or silent for 2 × its heartbeat). */
  disconnected(): void;
}

interface Frame {
  op: string;
  topic?: string;
  seq?: number;
  data?: unknown;
  heartbeat?: number;
}

export class SequentialLoop {
  /** Live topics and the last seq seen, to resume from on the next host, as Switchboard does. */
  private readonly topics = new Map<string, number>();
  private socket: WebSocket | undefined;
  private connected = false;
  private stopped = false;
  private failures = 0;
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(private readonly options: LoopOptions) {}

  start(): void {
    this.attempt(0);
  }

  subscribe(topic: string): void {
    if (this.topics.has(topic)) return;
    this.topics.set(topic, 0);
    if (this.connected) this.send({ op: 'sub', topic });
  }

  stop(): void {
    this.stopped = true;
    this.drop();
  }

  private attempt(index: number): void {
    if (this.stopped) return;
    const { hosts, connectTimeout } = this.options;
    const socket = new WebSocket(`${hosts[index]!.replace(/^http/, 'ws')}/ws`);
    this.socket = socket;
    let last = performance.now();
    // Whichever comes first, an error or connectTimeout, moves on to the next host.
    const next = () => {
      this.drop();
      this.failures++;
      // A whole round refused: wait connectTimeout rather than spin.
      const wait = this.failures % hosts.length === 0 ? connectTimeout : 0;
      this.later(() => this.attempt((index + 1) % hosts.length), wait);
    };
    this.later(() => !this.connected && next(), connectTimeout);
    socket.onopen = () => socket.send(JSON.stringify({ op: 'hello', v: 1 }));
    socket.onclose = () => {
      if (!this.connected) return next();
      this.connected = false;
      this.options.disconnected();
      next();
    };
    socket.onmessage = ({ data }: MessageEvent<string>) => {
      last = performance.now();
      const frame = JSON.parse(data) as Frame;
      if (frame.op === 'msg') {
        const seen = this.topics.get(frame.topic!);
        if (seen === undefined || frame.seq! <= seen) return;
        this.topics.set(frame.topic!, frame.seq!);
        this.options.message(frame.topic!, frame.data);
      } else if (frame.op === 'welcome') {
        this.clearTimers();
        this.connected = true;
        this.failures = 0;
        for (const [topic, seq] of this.topics)
          this.send(seq > 0 ? { op: 'sub', topic, from: seq } : { op: 'sub', topic });
        const beat = frame.heartbeat!;
        this.timers.push(setInterval(() => this.send({ op: 'ping', t: Date.now() }), beat));
        // Dead after 2 × heartbeat of silence, checked often so detection costs what Switchboard's does.
        const watch = setInterval(() => {
          if (performance.now() - last < 2 * beat) return;
          clearInterval(watch);
          socket.onclose?.(new CloseEvent('close'));
        }, 10);
        this.timers.push(watch);
      }
    };
  }

  private send(frame: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Forgets the current socket; a blackholed one would take long to close, so nothing waits for it. */
  private drop(): void {
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.onopen = socket.onclose = socket.onmessage = null;
    socket.close();
  }

  private later(run: () => void, ms: number): void {
    this.timers.push(setTimeout(run, ms));
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }
}
