/**
 * `yo containerize:docs`: the run loop is StageGenerator's; the files are declared in
 * ./files.ts. The one thing this stage reads from the tree is where its pages go: under
 * docs/, unless the repository already has a page of one of those names that is not ours
 * (no generated marker), and then all three go beside it in docs/containerize/, so their
 * links to each other hold and the user's own docs are never replaced.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StageGenerator } from '../../lib/generator/stage.js';
import { isGenerated } from '../../lib/model/marker.js';
import type { StackModel } from '../../lib/model/types.js';
import { DEFAULT_FOLDER, FALLBACK_FOLDER, files } from './files.js';
import { PAGES } from './plan.js';

/** A page at `rel` that someone other than this generator wrote. */
const theirs = (root: string, rel: string): boolean => {
  const abs = join(root, rel);
  return existsSync(abs) && !isGenerated(readFileSync(abs, 'utf8'));
};

/** The folder the pages go in, and the user's pages that sent them there. */
export function docsFolder(root: string): { folder: string; yours: string[] } {
  const yours = Object.values(PAGES).map((page) => `${DEFAULT_FOLDER}/${page}`).filter((rel) => theirs(root, rel));
  if (yours.length === 0) return { folder: DEFAULT_FOLDER, yours };
  const taken = Object.values(PAGES).map((page) => `${FALLBACK_FOLDER}/${page}`).filter((rel) => theirs(root, rel));
  if (taken.length)
    throw new Error(`The docs stage has nowhere to write: ${[...yours, ...taken].join(', ')} are your own pages. Move one of ${taken.join(', ')} and run again.`);
  return { folder: FALLBACK_FOLDER, yours };
}

export default class DocsGenerator extends StageGenerator {
  readonly stage = 'docs';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write onboarding docs: a guide for new developers, an architecture diagram, an operations page.';
  }

  render(model: StackModel) {
    const { folder, yours } = docsFolder(this.destinationRoot());
    if (yours.length) this.log.info(`docs: ${yours.join(', ')} ${yours.length === 1 ? 'is' : 'are'} your own: the generated pages go beside them, in ${folder}/.`);
    return files(model, folder);
  }
}
