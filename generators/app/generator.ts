/**
 * `yo containerize`: detect the app, settle the stack model, then run every
 * checklist stage in order. Run-loop priorities only; the questions are in
 * lib/model/questions.ts and each stage's files in generators/<stage>/files.ts.
 */
import { ContainerizeGenerator } from '../../lib/generator/base.js';
import { STAGES } from './stages.js';

export default class AppGenerator extends ContainerizeGenerator {
  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Containerize this repository: Dockerfiles, Compose, dev loop, CI/CD, Kubernetes and Helm, docs.';
  }

  async initializing() {
    this.acquireInitializing();
    // Compose the stages now, in checklist order; they run their `writing`
    // after this generator's `configuring` has stored the model.
    const passthrough = { ...this.options, composed: true };
    for (const stage of STAGES) {
      await this.composeWith({ Generator: stage.Generator, path: stage.path }, passthrough as any);
    }
  }

  async prompting() {
    await this.acquirePrompting();
  }

  configuring() {
    this.acquireConfiguring();
  }

  transform() {
    this.refuseSilentOverwrites();
  }

  end() {
    this.printSummary();
  }
}
