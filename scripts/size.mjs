// Prints the min+gzip size of the page entry and the worker against their budgets, fails past a budget,
// and writes the licenses of the libraries bundled into them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { bundleSizes } from './bundle-sizes.mjs';

let over = false;
for (const { file, what, budget, size } of bundleSizes()) {
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
