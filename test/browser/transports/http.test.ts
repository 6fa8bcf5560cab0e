// The http transport against a real reference-server host.

import { transportSuite } from '../../support/transport-suite.ts';

transportSuite('http');
