/**
 * Action references, read from templates/actions/action.yml (a composite action of
 * `uses:` lines, where Dependabot keeps SHAs and version comments current) instead
 * of being hard-coded in workflow templates.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ACTIONS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates', 'actions', 'action.yml');

export interface ActionPin {
  /** owner/name, e.g. 'actions/checkout'. */
  action: string;
  /** The 40-character commit SHA. */
  sha: string;
  /** The release the SHA is, e.g. 'v4.2.2'. */
  version: string;
}

let cache: Map<string, ActionPin> | undefined;

export function actionPins(): Map<string, ActionPin> {
  if (cache) return cache;
  cache = new Map();
  for (const line of readFileSync(ACTIONS_FILE, 'utf8').split('\n')) {
    const m = /^\s*-\s*uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})\s+#\s*(v\S+)\s*$/.exec(line);
    if (m) cache.set(m[1]!, { action: m[1]!, sha: m[2]!, version: m[3]! });
  }
  return cache;
}

/** `uses:` value for an action: 'actions/checkout@<sha> # v4.2.2'. */
export function uses(action: string): string {
  const pin = actionPins().get(action);
  if (!pin) throw new Error(`No action pin "${action}" in ${ACTIONS_FILE}`);
  return `${pin.action}@${pin.sha} # ${pin.version}`;
}
