// The build's version: the page and the worker check they match, and the default worker name carries it.

export const VERSION = '0.1.0';
