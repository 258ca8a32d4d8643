/**
 * `yo containerize`: detect the app, settle the stack model, then run every
 * checklist stage in order. The questions are in lib/model/questions.ts and
 * each stage's files in generators/<stage>/files.ts.
 */
import { OrchestratorGenerator } from './orchestrator.js';

export default class AppGenerator extends OrchestratorGenerator {
  constructor(args: string[], options: any) {
    super(args, options);
    this.description = 'Containerize this repository: Dockerfiles, Compose, dev loop, CI/CD, Kubernetes and Helm, docs.';
  }

  async initializing() {
    this.acquireInitializing();
    await this.composeStages();
  }
}
