/**
 * `yo containerize:dev`: run-loop priorities come from StageGenerator; this
 * stage's files are declared in ./files.ts.
 */
import { StageGenerator } from '../../lib/generator/stage.js';
import type { StackModel } from '../../lib/model/types.js';
import { files } from './files.js';

export default class DevGenerator extends StageGenerator {
  readonly stage = 'dev';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write the dev loop: hot reload in containers, devcontainer, make targets.';
  }

  render(model: StackModel) {
    return files(model);
  }
}
