/**
 * `yo containerize:docs`: run-loop priorities come from StageGenerator; this
 * stage's files are declared in ./files.ts.
 */
import { StageGenerator } from '../../lib/generator/stage.js';
import type { StackModel } from '../../lib/model/types.js';
import { files } from './files.js';

export default class DocsGenerator extends StageGenerator {
  readonly stage = 'docs';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write onboarding docs for the team.';
  }

  render(model: StackModel) {
    return files(model);
  }
}
