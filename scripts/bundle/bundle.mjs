// The `containerize` bin as one file (dist/bin/containerize.js): our compiled modules and
// every run-time dependency (yeoman-environment, yeoman-generator, lodash-es, inquirer...)
// bundled by esbuild. Loading about a thousand ESM files one by one is most of a run's
// start-up; one file that V8 parses lazily is not. Why each piece is here: docs/development.md
// ("The bundled bin").
//
// What bundling must keep working:
// - paths derived from `import.meta.url` (templates, pin files, USAGE, package.json): each
//   module's `import.meta.url` is rewritten to the URL of the file the module came from, so
//   `generators/dockerfile/templates/` is still found next to dist/generators/dockerfile/ (and a
//   language pack's Dockerfile.ejs next to dist/lib/languages/<lang>/);
//   a dependency's own URL (yeoman-environment reads its package.json) is found by walking up
//   node_modules folders from the bundle at run time, as Node's resolution would, so it also
//   holds when npm hoists the dependencies of an installed package;
// - `__dirname`/`__filename` in bundled CommonJS modules, the same way;
// - `require()` of Node's own modules from bundled CommonJS code (a `require` made with
//   createRequire in the banner).
// The unbundled modules stay in dist/ beside it: `yo containerize` loads dist/generators/*.
import { build } from 'esbuild';
import { readFileSync, renameSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(root, 'dist');
const entry = join(dist, 'bin', 'containerize.js');
const out = join(dist, 'bin', 'containerize.bundle.js');
const outDir = dirname(entry);

/** The path of `file` inside the nearest node_modules folder, e.g. "yeoman-environment/dist/store.js". */
function inNodeModules(file) {
  const i = file.lastIndexOf(`${sep}node_modules${sep}`);
  return i < 0 ? null : file.slice(i + '/node_modules/'.length).split(sep).join('/');
}

const paths = {
  name: 'module-paths',
  setup(b) {
    b.onLoad({ filter: /\.(m?js|cjs)$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      const usesUrl = text.includes('import.meta.url');
      // CommonJS's free __dirname/__filename (an ES module that declares its own keeps it).
      const usesDir = /(?<![.\w$])__(dirname|filename)\b/.test(text) && !/(const|let|var)\s+__(dirname|filename)\b/.test(text);
      if (!usesUrl && !usesDir) return undefined;
      const dep = inNodeModules(args.path);
      // Our own module: its place relative to the bundle is fixed (both are in dist/).
      const url = dep === null ? `new URL(${JSON.stringify(relative(outDir, args.path).split(sep).join('/'))}, import.meta.url).href` : `__containerizeModuleUrl(${JSON.stringify(dep)})`;
      if (usesUrl) text = text.replaceAll('import.meta.url', url);
      // Declared at the top of the module (never substituted in the text: ejs, for one, writes
      // `__filename` into the source of the functions it compiles from templates).
      if (usesDir) text = `var __filename = __containerizeFileURLToPath(${url}), __dirname = __containerizeDirname(__filename);\n${text}`;
      return { contents: text, loader: 'js' };
    });
  },
};

// fly-import installs generators from npm on the fly (pacote, arborist: 2 MB of code); the
// environment gets ./lazy-fly-import.mjs instead, which imports the real one (not bundled,
// resolved at run time) the first time it is used.
const lazyFlyImport = {
  name: 'lazy-fly-import',
  setup(b) {
    b.onResolve({ filter: /^fly-import$/ }, (args) =>
      args.importer.endsWith('lazy-fly-import.mjs') ? { path: 'fly-import', external: true } : { path: join(here, 'lazy-fly-import.mjs') },
    );
  },
};

const banner = `import { createRequire as __containerizeCreateRequire } from 'node:module';
import { existsSync as __containerizeExists } from 'node:fs';
import { dirname as __containerizeDirname, join as __containerizeJoin } from 'node:path';
import { fileURLToPath as __containerizeFileURLToPath, pathToFileURL as __containerizePathToFileURL } from 'node:url';
const require = __containerizeCreateRequire(import.meta.url);
/** A bundled dependency module's own URL: node_modules/<rel> found upward from the bundle, as Node resolves it. */
function __containerizeModuleUrl(rel) {
  for (let dir = __containerizeDirname(__containerizeFileURLToPath(import.meta.url)); ; dir = __containerizeDirname(dir)) {
    const candidate = __containerizeJoin(dir, 'node_modules', rel);
    if (__containerizeExists(candidate)) return __containerizePathToFileURL(candidate).href;
    if (__containerizeDirname(dir) === dir) return import.meta.url;
  }
}`;

const result = await build({
  entryPoints: [entry],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: banner },
  plugins: [lazyFlyImport, paths],
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
});
renameSync(out, entry);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`bundled dist/bin/containerize.js (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
