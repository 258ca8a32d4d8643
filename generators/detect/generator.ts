/**
 * `yo containerize:detect [dir]`: print what detection finds, with the file
 * and line each value came from. Writes nothing. `--json` prints the stack
 * model's shape with `evidence` (and backing services' `usedBy`) added.
 */
import { resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import Generator from 'yeoman-generator';
import { detectStack } from '../../lib/detect/stack.js';
import { formatDetection } from '../../lib/detect/report.js';
import { checkCommandLine, hideInstallOptions } from '../../lib/generator/base.js';

export default class DetectGenerator extends Generator<Record<string, any>, Generator['options'] & Record<string, any>> {
  constructor(args: string[], options: any) {
    super(args, options, { customInstallTask: true });
    hideInstallOptions(this as any);
    this.description = 'Print what detection finds in a repository, with evidence; writes nothing.';
    this.argument('dir', { type: String, required: false, description: 'Repository folder (default: the current folder)' });
    this.option('json', { type: Boolean, description: 'Print the detected model as JSON (with evidence) instead of a table' });
  }

  initializing() {
    checkCommandLine(this as never, 'detect');
    const dir = resolve(this.env.cwd ?? process.cwd(), this.options.dir ?? '.');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
    const detection = detectStack(dir);
    if (this.options.json) process.stdout.write(`${JSON.stringify(detection, null, 2)}\n`);
    else this.log(formatDetection(detection));
  }
}
