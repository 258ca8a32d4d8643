/**
 * `yo containerize:dockerfile`: run-loop priorities come from StageGenerator; this
 * stage's files are declared in ./files.ts.
 */
import { StageGenerator } from '../../lib/generator/stage.js';
import type { StackModel } from '../../lib/model/types.js';
import { files } from './files.js';

export default class DockerfileGenerator extends StageGenerator {
  readonly stage = 'dockerfile';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write a Dockerfile and .dockerignore for every service.';
  }

  render(model: StackModel) {
    return files(model);
  }
}
