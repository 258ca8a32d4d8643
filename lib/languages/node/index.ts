/** The Node pack: npm, yarn, pnpm (bun installs with npm); a server, a static build served by nginx, or a workspace member. */
import { posix } from 'node:path';
import { PORTABLE_SEGMENT } from '../../model/kinds.js';
import type { ServiceModel } from '../../model/types.js';
import { profile, small, TMP } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { nodeDetector, NODE, nodeFramework, nodePackageManager, type NodeFramework } from './detect.js';
import { nodeDockerfile, nodeHealth } from './dockerfile.js';
import { hasNodeDevServer, isNodeStatic, NODE_INSPECT_PORT, nodeDevVolumes, nodeTestCommand } from './dev.js';

/** Build outputs a Node build regenerates (kept when there is no build: then they are sources). */
function buildOutputs(svc: ServiceModel): string[] {
  if (!svc.build) return [];
  const out = new Set<string>(['dist', 'build', '.next', '.nuxt', '.output', '.svelte-kit', '.angular', '.turbo', '.vercel']);
  if (svc.outputDir) out.add(posix.normalize(svc.outputDir).split('/')[0]!);
  const file = svc.start.find((w, i) => i > 0 && /\.[cm]?js$/.test(w));
  if (file && file.includes('/')) out.add(posix.normalize(file).split('/')[0]!);
  // Only plain folder names become ignore lines: a start word is data, never a pattern (`!secrets`).
  return [...out].filter((d) => d !== '.' && d !== '..' && PORTABLE_SEGMENT.test(d)).sort();
}

/** Frameworks whose server writes below its own folder at run time (caches, ISR output). */
const WRITING_FRAMEWORKS: ReadonlySet<NodeFramework | null> = new Set<NodeFramework>(['next', 'nuxt', 'remix', 'gatsby']);

export const nodePack: LanguagePack = {
  language: 'node',
  frameworks: NODE.frameworks,
  packageManagers: NODE.packageManagers,
  detector: nodeDetector,
  dockerfile: nodeDockerfile,
  health: nodeHealth,
  dependencyInstall: /npm (ci|install)|yarn install|yarn workspaces focus|pnpm install/,
  slowStart: false,
  devVolumes: nodeDevVolumes,
  devEnv: () => ({ NODE_ENV: 'development' }),
  debugPort: NODE_INSPECT_PORT,
  editorExtensions: ['dbaeumer.vscode-eslint'],
  testCommand: nodeTestCommand,
  ignore: (svc) => [
    '# Node: dependencies are installed in the image; build output is rebuilt there',
    '**/node_modules',
    '.npm',
    '.pnpm-store',
    // yarn's zero-installs keep .yarn/cache in the repository
    ...(nodePackageManager(svc) === 'yarn' ? [] : ['.yarn/cache']),
    '.yarn/install-state.gz',
    '.eslintcache',
    '.cache',
    ...buildOutputs(svc),
  ],
  buildOutputs,
  // Next.js writes its image and fetch caches below .next/cache at run time.
  runtime: (svc) => profile(small, nodeFramework(svc) === 'next' ? [...TMP, '/app/.next/cache'] : TMP),
  readOnlyRoot: (svc) => !WRITING_FRAMEWORKS.has(nodeFramework(svc)),
  needsPort: (svc) => (isNodeStatic(svc) ? 'nginx serves its static build' : hasNodeDevServer(svc) ? `its dev container runs the ${nodeFramework(svc)} dev server on it` : null),
};
