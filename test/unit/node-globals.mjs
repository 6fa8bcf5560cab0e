// Runs test/unit under Node (npm run test:unit): node:test's describe, it and hooks as the mocha-style globals the files use.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

Object.assign(globalThis, { describe, it, before, after, beforeEach, afterEach });
