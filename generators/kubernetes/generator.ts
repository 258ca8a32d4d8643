/**
 * `yo containerize:kubernetes`: run-loop priorities come from StageGenerator; this
 * stage's files are declared in ./files.ts.
 */
import { StageGenerator } from '../../lib/generator/stage.js';
import type { StackModel } from '../../lib/model/types.js';
import { files } from './files.js';

export default class KubernetesGenerator extends StageGenerator {
  readonly stage = 'kubernetes';

  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Write plain Kubernetes manifests (kustomize base and overlays).';
  }

  render(model: StackModel) {
    return files(model);
  }
}
