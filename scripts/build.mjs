// Build: compile TypeScript to dist/, carry templates and USAGE files along,
// and give each generator the dist/generators/<name>/index.js entry point that
// yeoman-environment looks up (sources have no index.ts, so `yo` never finds
// an uncompiled .ts generator after `npm link`).
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

for (const name of readdirSync(join(root, 'generators'))) {
  const src = join(root, 'generators', name);
  const out = join(dist, 'generators', name);
  if (!existsSync(join(src, 'generator.ts'))) continue;
  for (const extra of ['templates', 'USAGE']) {
    if (existsSync(join(src, extra))) cpSync(join(src, extra), join(out, extra), { recursive: true });
  }
  writeFileSync(join(out, 'index.js'), "export { default } from './generator.js';\n");
}
// Each language pack's templates (lib/languages/<lang>/*.ejs), beside its compiled modules.
for (const lang of readdirSync(join(root, 'lib', 'languages'), { withFileTypes: true })) {
  if (!lang.isDirectory()) continue;
  for (const file of readdirSync(join(root, 'lib', 'languages', lang.name))) {
    if (file.endsWith('.ejs')) cpSync(join(root, 'lib', 'languages', lang.name, file), join(dist, 'lib', 'languages', lang.name, file));
  }
}
if (existsSync(join(root, 'templates'))) cpSync(join(root, 'templates'), join(dist, 'templates'), { recursive: true });
// The bin, bundled into one file (the compiled modules stay beside it for yo and the tests).
execFileSync(process.execPath, [join(root, 'scripts', 'bundle', 'bundle.mjs')], { stdio: 'inherit' });
chmodSync(join(dist, 'bin', 'containerize.js'), 0o755);
console.log('built dist/');
