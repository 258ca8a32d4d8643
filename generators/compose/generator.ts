/**
 * `yo containerize:compose`: run-loop priorities come from StageGenerator; this
 * stage's files are declared in ./files.ts.
 */
import { StageGenerator } from '../../lib/generator/stage.js';
import type { StackModel } from '../../lib/model/types.js';
import { files } from './files.js';

export default class ComposeGenerator extends StageGenerator {
  readonly stage = 'compose';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write compose.yaml for the whole app, backing services included.';
  }

  render(model: StackModel) {
    return files(model);
  }
}
