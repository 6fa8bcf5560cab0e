// Prints the min+gzip size of the page entry and the worker against their budgets, fails past a budget,
// and writes the licenses of the libraries bundled into them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const budgets = [
  { file: 'dist/switchboard.min.js', what: 'page entry (with Comlink)', budget: 3 * 1024 },
  { file: 'dist/switchboard-worker.min.js', what: 'worker (with Comlink, idb-keyval)', budget: 12 * 1024 },
];

let over = false;
for (const { file, what, budget } of budgets) {
  const size = gzipSync(readFileSync(file), { level: 9 }).length;
  const verdict = size <= budget ? 'within' : 'OVER';
  over ||= size > budget;
  console.log(`size: ${what}: ${size} B min+gzip (gzip -9 of ${file}), ${verdict} its budget of ${budget} B`);
}

const notices = ['comlink', 'idb-keyval'].map((name) => {
  const { version, license } = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8'));
  const file = readdirSync(`node_modules/${name}`).find((f) => /^licen[cs]e/i.test(f));
  return `${name} ${version} (${license})\n\n${readFileSync(`node_modules/${name}/${file}`, 'utf8')}`;
});
writeFileSync('dist/THIRD-PARTY-NOTICES.txt', `Bundled into dist/switchboard*.js:\n\n${notices.join('\n\n')}`);

if (over) {
  console.error('size: a bundle is over its budget (see above)');
  process.exit(1);
}
