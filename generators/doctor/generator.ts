/**
 * `containerize doctor` / `yo containerize:doctor`: check this machine for what the stack
 * in .yo-rc.json needs (lib/doctor/checks.ts), print a pass/fail table with the fix of each
 * failure, and fail the run (exit status 1) when a check failed. Writes nothing.
 */
import Generator from 'yeoman-generator';
import { hideInstallOptions } from '../../lib/generator/base.js';
import { formatReport, runDoctor } from '../../lib/doctor/checks.js';
import { realMachine, type Machine } from '../../lib/doctor/runner.js';
import { ConfigError, migrate } from '../../lib/model/migrate.js';
import { canonical } from '../../lib/model/merge.js';
import { CONFIG_KEY } from '../../lib/model/types.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class DoctorFailed extends Error {
  constructor(readonly failed: number) {
    super(`${failed} check${failed === 1 ? '' : 's'} failed (see the table above for the fixes)`);
    this.name = 'DoctorFailed';
  }
}

export default class DoctorGenerator extends Generator<Record<string, any>, Generator['options'] & Record<string, any>> {
  constructor(args: string[], options: any) {
    super(args, options, { customInstallTask: true });
    hideInstallOptions(this as any);
    this.description = "Check this machine for what the stack needs (container engine and Compose, git, make, kubectl, helm, free ports, secret files); writes nothing.";
    this.option('skip-deploy', { type: Boolean, description: 'Leave out kubectl and helm (a machine that only runs the dev stack)' });
    /** Tests hand a fake Machine here (lib/doctor/runner.ts). */
    this.option('machine', { type: Object as any, hide: true, description: 'internal: the Machine doctor checks through' });
    /** Tests hand a sink here; a real run prints to stdout. */
    this.option('stdout', { type: Object as any, hide: true, description: 'internal: where the table goes' });
  }

  async default() {
    const root = this.destinationRoot();
    const file = join(root, '.yo-rc.json');
    let entry: unknown;
    if (existsSync(file)) {
      try {
        entry = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null)?.[CONFIG_KEY];
      } catch (error) {
        throw new ConfigError(`${file} is not valid JSON (${(error as Error).message}).`);
      }
    }
    if (entry === undefined) throw new ConfigError(`No stack model in ${file}: run \`containerize\` (or \`yo containerize\`) in this repository first.`);
    const model = canonical(migrate(entry, file));
    const machine: Machine = (this.options.machine as Machine | undefined) ?? realMachine;
    const rows = await runDoctor(model, root, machine, { skipDeploy: Boolean(this.options.skipDeploy) });
    // The table is this command's output (like `detect --json`): stdout, where a script reads it; Yeoman's log is stderr.
    const stdout: { write(text: string): unknown } = this.options.stdout ?? process.stdout;
    stdout.write(`Checking this machine for ${model.name} (from .yo-rc.json):\n\n${formatReport(rows)}\n`);
    const failed = rows.filter((r) => r.status === 'fail').length;
    if (failed) throw new DoctorFailed(failed);
  }
}
