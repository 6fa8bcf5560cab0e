// rollup: the page shim and the worker for browsers, the reference server for Node, all into dist/.
import nodeResolve from '@rollup/plugin-node-resolve';
import esbuild, { minify } from 'rollup-plugin-esbuild';

const browser = (input, file) => ({
  input,
  output: [
    { file: `dist/${file}.js`, format: 'es', sourcemap: true },
    { file: `dist/${file}.min.js`, format: 'es', plugins: [minify()] },
  ],
  plugins: [esbuild({ target: 'es2022' })],
});

export default [
  browser('src/index.ts', 'switchboard'),
  {
    input: { index: 'server/index.ts', cli: 'server/cli.ts' },
    output: { dir: 'dist/server', format: 'es', sourcemap: true },
    external: (id) => id.startsWith('node:') || id === 'ws',
    plugins: [esbuild({ target: 'node20', platform: 'node' })],
  },
  // The page `npm start` serves; it runs the failover loop in the page until the broker demo replaces it.
  {
    input: 'demo/demo.ts',
    output: { file: 'dist/demo.js', format: 'es', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), esbuild({ target: 'es2022' })],
  },
];
