// The README's first command: copy the bundled example app to a scratch
// folder, run the built generator on it non-interactively, and say where the
// output is. Usage: node scripts/example.mjs [example-name] [target-dir]
import { cpSync, existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = process.argv[2] ?? 'taskboard';
const source = join(root, 'examples', example);
const target = resolve(process.argv[3] ?? join(root, 'example-output', example));
if (!existsSync(source)) {
  console.error(`No example "${example}" in ${join(root, 'examples')}`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true, filter: (p) => !p.includes('node_modules') });
console.log(`Copied examples/${example} to ${relative(process.cwd(), target) || '.'}\n`);

const bin = join(root, 'dist', 'bin', 'containerize.js');
const run = spawnSync(process.execPath, [bin, '--yes'], { cwd: target, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
console.log(`\nDone. The containerized example is in ${target}`);
console.log(`Its stack model is ${join(target, '.yo-rc.json')}; run it again there to see a re-run change nothing.`);
