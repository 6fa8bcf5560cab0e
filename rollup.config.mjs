// rollup: the page shim and the worker for browsers, the reference server for Node, all into dist/.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

// Comlink and idb-keyval are bundled in: the worker is loaded by URL, and the page entry works without a bundler.
const browser = (input, file) => ({
  input,
  output: [
    { file: `dist/${file}.js`, format: 'es', sourcemap: true },
    // Terser packs tighter than esbuild here; the bundled libraries' licenses go to dist/THIRD-PARTY-NOTICES.txt.
    { file: `dist/${file}.min.js`, format: 'es', plugins: [terser({ module: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } })] },
  ],
  plugins: [nodeResolve({ browser: true }), esbuild({ target: 'es2022' })],
});

export default [
  browser('src/index.ts', 'switchboard'),
  browser('worker/shared-worker.ts', 'switchboard-worker'),
  {
    input: { index: 'server/index.ts', cli: 'server/cli.ts' },
    output: { dir: 'dist/server', format: 'es', sourcemap: true },
    external: (id) => id.startsWith('node:') || id === 'ws' || id === 'ioredis',
    plugins: [esbuild({ target: 'node20', platform: 'node' })],
  },
  // The page `npm start` serves; it runs the failover loop in the page until the broker demo replaces it.
  {
    input: 'demo/demo.ts',
    output: { file: 'dist/demo.js', format: 'es', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), esbuild({ target: 'es2022' })],
  },
];
