// ConfigError: a bad config, named by the path of the bad field. Its own file so the page shim stays small.

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}
