// Joining a path to a host's base URL, as Flowplayer's cluster resolver does: base URL + the clip's path.

import { SwitchboardError } from './errors.ts';

/** `path` on the host at `base` ("/a" and "a" alike, against a base with or without a trailing slash). */
export function onHost(base: string, path: string, call: string): string {
  if (typeof path !== 'string')
    throw new SwitchboardError('invalid-argument', `${call}: path must be a string, got ${typeof path}`);
  if (/^[a-z][a-z\d+.-]*:|^\/\//i.test(path)) {
    throw new SwitchboardError(
      'invalid-argument',
      `${call}: "${path}" is an absolute URL; give a path on the hosts, such as "/video/clip.mp4"`,
    );
  }
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
