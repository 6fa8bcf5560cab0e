// The ws transport against a real reference-server host.

import { transportSuite } from '../../support/transport-suite.ts';

transportSuite('ws');
