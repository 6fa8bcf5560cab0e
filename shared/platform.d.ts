// What every place shared code runs (pages, workers, Node) has, but plain ES does not declare: URL and timers.

declare class URL {
  constructor(url: string, base?: string);
  readonly href: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly search: string;
  readonly hash: string;
}
declare function setTimeout(run: () => void, ms: number): unknown;
declare function clearTimeout(timer: unknown): void;
