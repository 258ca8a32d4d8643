/**
 * `yo containerize:cd`: run-loop priorities come from StageGenerator; this
 * stage's files are declared in ./files.ts.
 */
import { StageGenerator } from '../../lib/generator/stage.js';
import type { StackModel } from '../../lib/model/types.js';
import { files } from './files.js';

export default class CdGenerator extends StageGenerator {
  readonly stage = 'cd';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write the GitHub Actions deployment pipeline to staging.';
  }

  render(model: StackModel) {
    return files(model);
  }
}
