// Switchboard's page entry: the public types and config checking (connect() and Board arrive with the broker).

export { ConfigError, parseConfig, DEFAULTS } from './config.ts';
export type { ConnectionType, Group, Server, SwitchboardConfig } from './config.ts';
