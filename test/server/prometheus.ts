// A tiny reader of the Prometheus text format, for tests: each sample by name and labels, and the declared types.

export interface Scrape {
  /** Sample values by `name` or `name{label="value",...}`, labels as the host wrote them. */
  samples: Map<string, number>;
  /** The `# TYPE` of each metric family. */
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)(\s+\d+)?$/;

/** Parses the text; throws naming the first line that is neither a comment nor a sample. */
export function parsePrometheus(text: string): Scrape {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a Prometheus sample line: ${line}`);
    // As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case; prom-client writes "Nan".
    const text = sample[3]!.toLowerCase();
    const value =
      text === 'nan' ? Number.NaN : /^[+-]?inf$/.test(text) ? Number(text.replace('inf', 'Infinity')) : Number(text);
    if (Number.isNaN(value) && text !== 'nan') throw new Error(`not a sample value: ${line}`);
    samples.set(`${sample[1]}${sample[2] ?? ''}`, value);
  }
  return { samples, types };
}
