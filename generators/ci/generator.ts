/**
 * `yo containerize:ci`: run-loop priorities come from StageGenerator; this
 * stage's files are declared in ./files.ts.
 */
import { StageGenerator } from '../../lib/generator/stage.js';
import type { StackModel } from '../../lib/model/types.js';
import { files } from './files.js';

export default class CiGenerator extends StageGenerator {
  readonly stage = 'ci';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write GitHub Actions workflows that build and test the images.';
  }

  render(model: StackModel) {
    return files(model);
  }
}
