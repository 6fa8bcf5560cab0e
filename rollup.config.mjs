// rollup: the page shim and the worker for browsers, the reference server for Node, the inspector and its DevTools extension, the demo; all into dist/.
import { readFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

// Comlink and idb-keyval are bundled in: the worker is loaded by URL, and the page entry works without a bundler.
// What a page loads on first use (board.fetch) is a chunk of its own beside the entry.
const browser = (input, file) => ({
  input,
  output: [
    { dir: 'dist', entryFileNames: `${file}.js`, chunkFileNames: `${file}-[name].js`, format: 'es', sourcemap: true },
    // Terser packs tighter than esbuild here; the bundled libraries' licenses go to dist/THIRD-PARTY-NOTICES.txt.
    {
      dir: 'dist',
      entryFileNames: `${file}.min.js`,
      chunkFileNames: `${file}-[name].min.js`,
      format: 'es',
      plugins: [terser({ module: true, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } })],
    },
  ],
  plugins: [nodeResolve({ browser: true }), esbuild({ target: 'es2022' })],
});

export default [
  browser('src/index.ts', 'switchboard'),
  browser('worker/shared-worker.ts', 'switchboard-worker'),
  {
    input: { index: 'server/index.ts', cli: 'server/cli.ts' },
    output: { dir: 'dist/server', format: 'es', sourcemap: true },
    external: (id) =>
      id.startsWith('node:') || id === 'ws' || id === 'ioredis' || id === 'pino' || id === 'prom-client',
    plugins: [esbuild({ target: 'node20', platform: 'node' })],
  },
  // The inspector for pages: <switchboard-inspector> and installHook().
  {
    input: 'src/inspector/index.ts',
    output: { file: 'dist/switchboard-inspector.js', format: 'es', sourcemap: true },
    plugins: [esbuild({ target: 'es2022' })],
  },
  // The DevTools extension, loadable unpacked from dist/devtools/: its pages, their scripts, and the page hook.
  {
    input: { panel: 'src/inspector/panel-page.ts', devtools: 'src/inspector/devtools-page.ts' },
    output: { dir: 'dist/devtools', format: 'es' },
    plugins: [esbuild({ target: 'es2022' }), copy('devtools', ['manifest.json', 'devtools.html', 'panel.html'])],
  },
  // A content script cannot be a module.
  {
    input: 'src/inspector/hook-script.ts',
    output: { file: 'dist/devtools/hook.js', format: 'iife' },
    plugins: [esbuild({ target: 'es2022' })],
  },
  // The page `npm start` serves: connect() on the built worker, the demo feed, host controls and the inspector.
  {
    input: 'demo/demo.ts',
    output: { file: 'dist/demo.js', format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [nodeResolve({ browser: true }), esbuild({ target: 'es2022' })],
  },
];

/** Copies static files of `folder` beside the bundle. */
function copy(folder, files) {
  return {
    name: 'copy',
    generateBundle() {
      for (const file of files)
        this.emitFile({ type: 'asset', fileName: file, source: readFileSync(`${folder}/${file}`) });
    },
  };
}
