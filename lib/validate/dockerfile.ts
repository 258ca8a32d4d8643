/**
 * Dockerfile linter used by the tests over every generated Dockerfile: the
 * generic checks of `dockerfile-utils` (the validator behind the VS Code
 * Docker extension) plus this project's rules, checked on the parse tree
 * from `dockerfile-ast`. Both packages are devDependencies: this module is
 * for tests and must not be imported by runtime code.
 *
 * Our rules:
 *  - `# syntax=docker/dockerfile:1` is the first line;
 *  - every FROM is pinned (`scratch`, the built-in empty image, needs no pin): a tag (or digest) that is not `latest`, after
 *    resolving global ARG defaults; stage references are fine;
 *  - a stage named `dev` exists and the last stage is named `runtime`;
 *  - the runtime stage sets a numeric non-root USER (uid:gid 10001:10001 by
 *    default) itself, after its last RUN; the dev stage runs as that user too;
 *  - the dependency layer comes before the source: in each stage that copies
 *    the whole source (`COPY . <dest>`), a dependency install (RUN) or a copy
 *    from a stage that ran one comes earlier in the stage or its ancestors;
 *    dependency installs use a BuildKit cache mount (a stage named `manifests`
 *    that copies the context only to delete all but the manifests is exempt);
 *  - no ARG or ENV whose name looks like a secret (PASSWORD, SECRET, TOKEN,
 *    KEY, CREDENTIALS...);
 *  - CMD, ENTRYPOINT and HEALTHCHECK CMD are in exec (JSON) form;
 *  - the runtime stage EXPOSEs exactly the model's port (none for a worker)
 *    and carries the OCI title label;
 *  - only syntax buildah 1.28 understands (no heredocs, COPY --link/--parents,
 *    ADD --checksum, RUN --network), so the end-to-end tier can build it.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { CONTAINER_GID, CONTAINER_UID } from '../model/derive.js';
import { LANGUAGE_PACKS } from '../languages/index.js';

export interface DockerfileExpectations {
  /** The model's port: EXPOSE must list exactly it; null: no EXPOSE. Undefined: not checked. */
  port?: number | null;
  /** True when the service has dependencies to install (a package manager). */
  dependencies?: boolean;
  uid?: number;
  gid?: number;
}

/**
 * dockerfile-utils settings: every check is on (warnings count as problems).
 * `instructionCasing` and the like are already defaults; nothing is ignored.
 */
const SETTINGS: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

/** Commands that install dependencies from manifests: each language pack's `dependencyInstall`. */
export const DEPENDENCY_INSTALL = new RegExp(`\\b(${LANGUAGE_PACKS.flatMap((p) => (p.dependencyInstall ? [p.dependencyInstall.source] : [])).join('|')})\\b`);

/** ARG/ENV names that look like they carry a secret. */
export const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|AUTH|(^|_)KEY($|_))/i;

interface Stage {
  name: string | null;
  /** The FROM image as written. */
  from: string;
  /** Index of the parent stage when FROM names an earlier stage. */
  parent: number | null;
  instructions: Instruction[];
}

interface FlagLike {
  getName(): string;
  getValue(): string | null;
}

/** The `--flag[=value]` options of an instruction (RUN --mount, COPY --from, ...), by name. */
function flags(instr: Instruction): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const getFlags = (instr as unknown as { getFlags?: () => FlagLike[] }).getFlags;
  for (const f of getFlags ? getFlags.call(instr) : []) out.set(f.getName(), [...(out.get(f.getName()) ?? []), f.getValue() ?? '']);
  return out;
}

/** Arguments after the flags (dockerfile-ast leaves the flags out). */
function operands(instr: Instruction): string[] {
  return instr.getArguments().map((a) => a.getValue());
}

/** Text of the instruction's arguments with line continuations joined. */
function argText(instr: Instruction): string {
  return (instr.getArgumentsContent() ?? '').replace(/\\\r?\n/g, ' ');
}

function isExecForm(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('[')) return false;
  try {
    const v = JSON.parse(t);
    return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
  } catch {
    return false;
  }
}

function resolveArgs(text: string, args: Map<string, string>): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_m, a: string | undefined, def: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    return args.get(name) ?? def ?? '';
  });
}

/** A FROM reference is pinned when it has a tag other than latest, or a digest. */
export function pinProblem(ref: string): string | null {
  if (!ref) return 'resolves to an empty image name';
  // The empty image is built in: there is nothing to pull, so nothing to pin.
  if (ref === 'scratch') return null;
  if (ref.includes('@sha256:')) return null;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  if (colon < 0) return `"${ref}" has no tag (an implicit latest)`;
  const tag = ref.slice(colon + 1);
  if (tag === '' || tag === 'latest') return `"${ref}" uses the latest tag`;
  return null;
}

function userProblem(value: string, uid: number, gid: number): string | null {
  const m = /^(\d+)(?::(\d+))?$/.exec(value.trim());
  if (!m) return `USER ${value} is not numeric (uid:gid): Kubernetes runAsNonRoot needs a numeric user`;
  if (Number(m[1]) === 0) return 'USER is root';
  if (Number(m[1]) !== uid || (m[2] !== undefined && Number(m[2]) !== gid)) return `USER ${value} is not ${uid}:${gid}, the uid the Kubernetes securityContext uses`;
  return null;
}

export function lintDockerfile(text: string, expect: DockerfileExpectations = {}): string[] {
  const uid = expect.uid ?? CONTAINER_UID;
  const gid = expect.gid ?? CONTAINER_GID;
  const problems: string[] = [];
  const at = (instr: Instruction, msg: string) => problems.push(`line ${instr.getRange().start.line + 1}: ${msg}`);

  // ---- dockerfile-utils
  for (const d of validate(text, SETTINGS)) {
    problems.push(`line ${d.range.start.line + 1}: [dockerfile-utils ${d.severity === 1 ? 'error' : 'warning'}] ${d.message}`);
  }

  // ---- parse
  const dockerfile = DockerfileParser.parse(text);
  if (!/^# syntax=docker\/dockerfile:1\s*$/.test(text.split('\n')[0] ?? '')) problems.push('line 1: must be "# syntax=docker/dockerfile:1"');

  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instr of dockerfile.getInstructions()) {
    const kw = instr.getKeyword();
    if (kw === 'FROM') {
      const ops = operands(instr);
      const asIndex = ops.findIndex((o) => o.toUpperCase() === 'AS');
      const name = asIndex >= 0 ? (ops[asIndex + 1] ?? null) : null;
      const from = ops[0] ?? '';
      const parent = stages.findIndex((s) => s.name !== null && s.name === from);
      stages.push({ name, from, parent: parent >= 0 ? parent : null, instructions: [] });
      continue;
    }
    if (stages.length === 0) {
      if (kw === 'ARG') {
        for (const op of operands(instr)) {
          const [k, ...v] = op.split('=');
          globalArgs.set(k!, v.join('=').replace(/^"(.*)"$/, '$1'));
        }
      } else at(instr, `${kw} before the first FROM`);
      continue;
    }
    stages[stages.length - 1]!.instructions.push(instr);
  }
  if (stages.length === 0) return [...problems, 'no FROM instruction'];

  // ---- pinned bases
  for (const s of stages) {
    if (s.parent !== null) continue;
    const ref = resolveArgs(s.from, globalArgs);
    if (stages.some((o) => o.name === ref)) continue;
    const p = pinProblem(ref);
    if (p) problems.push(`FROM ${s.from}: ${p}`);
  }

  // ---- stage names
  const names = stages.map((s) => s.name);
  const runtime = stages[stages.length - 1]!;
  if (runtime.name !== 'runtime') problems.push(`the last stage must be named "runtime" (is ${runtime.name ?? 'unnamed'})`);
  const dev = stages.find((s) => s.name === 'dev');
  if (!dev) problems.push('no stage named "dev"');
  if (new Set(names.filter(Boolean)).size !== names.filter(Boolean).length) problems.push('duplicate stage names');

  const chain = (s: Stage): Stage[] => (s.parent === null ? [s] : [...chain(stages[s.parent]!), s]);
  const all = (s: Stage): Instruction[] => chain(s).flatMap((x) => x.instructions);
  const effective = (s: Stage, kw: string): Instruction | undefined => all(s).filter((i) => i.getKeyword() === kw).pop();

  // ---- users
  const runtimeUsers = runtime.instructions.filter((i) => i.getKeyword() === 'USER');
  const lastUser = runtimeUsers[runtimeUsers.length - 1];
  if (!lastUser) problems.push('the runtime stage sets no USER (it would run as the base image user, often root)');
  else {
    const p = userProblem(argText(lastUser), uid, gid);
    if (p) at(lastUser, p);
    const lastRun = runtime.instructions.filter((i) => i.getKeyword() === 'RUN').pop();
    if (lastRun && lastRun.getRange().start.line > lastUser.getRange().start.line) at(lastRun, 'RUN after the final USER of the runtime stage');
  }
  if (dev) {
    const u = effective(dev, 'USER');
    if (!u) problems.push('the dev stage sets no USER');
    else {
      const p = userProblem(argText(u), uid, gid);
      if (p) at(u, `dev stage: ${p}`);
    }
  }

  // ---- dependency layer before the source
  const isInstall = (i: Instruction) => i.getKeyword() === 'RUN' && DEPENDENCY_INSTALL.test(argText(i));
  const installStages = new Set<string>();
  for (const s of stages) if (s.name && all(s).some(isInstall)) installStages.add(s.name);
  const anyInstall = stages.some((s) => s.instructions.some(isInstall));
  if (expect.dependencies && !anyInstall) problems.push('no dependency install (npm ci, pip install, go mod download, ...) found');
  for (const s of stages) {
    const instrs = all(s);
    const sourceCopy = instrs.findIndex((i) => i.getKeyword() === 'COPY' && !flags(i).has('from') && operands(i).length === 2 && operands(i)[0] === '.');
    if (sourceCopy < 0 || !anyInstall) continue;
    // A workspace's `manifests` stage copies the context only to delete all but the manifests.
    if (s.name === 'manifests' && instrs.some((i) => i.getKeyword() === 'RUN' && /\bfind\b[\s\S]*-delete\b/.test(argText(i)))) continue;
    const before = instrs.slice(0, sourceCopy);
    const hasDeps = before.some(
      (i) => isInstall(i) || (i.getKeyword() === 'COPY' && (flags(i).get('from') ?? []).some((f) => installStages.has(f))),
    );
    // A stage with no install anywhere in its line (e.g. a static site) has nothing to order.
    const needsDeps = instrs.some(isInstall) || expect.dependencies;
    if (needsDeps && !hasDeps) at(instrs[sourceCopy]!, `stage ${s.name ?? '(unnamed)'}: the whole source is copied before the dependencies are installed`);
    const lateInstall = instrs.slice(sourceCopy).filter(isInstall);
    if (!hasDeps && lateInstall.length) at(lateInstall[0]!, 'dependency install after the source copy');
  }
  for (const s of stages) {
    // The dev stage keeps its dependencies in the image on purpose (a cache mount's content
    // is not part of the image), so it is exempt.
    if (s.name === 'dev') continue;
    for (const i of s.instructions.filter(isInstall)) {
      if (!(flags(i).get('mount') ?? []).some((m) => /type=cache/.test(m))) at(i, 'dependency install without a BuildKit cache mount');
    }
  }

  // ---- secrets
  for (const i of dockerfile.getInstructions()) {
    const kw = i.getKeyword();
    if (kw !== 'ARG' && kw !== 'ENV') continue;
    for (const prop of (i as unknown as { getProperties(): { getName(): string }[] }).getProperties()) {
      const n = prop.getName();
      if (SECRET_NAME.test(n)) at(i, `${kw} ${n} looks like a secret: pass secrets at run time or as a build secret mount`);
    }
  }

  // ---- exec form
  for (const i of dockerfile.getInstructions()) {
    const kw = i.getKeyword();
    if (kw === 'CMD' || kw === 'ENTRYPOINT') {
      if (!isExecForm(argText(i))) at(i, `${kw} is not in exec (JSON) form: signals would go to a shell, not the app`);
    }
    if (kw === 'HEALTHCHECK') {
      const m = /\bCMD\s+([\s\S]*)$/.exec(argText(i));
      if (m && !isExecForm(m[1]!)) at(i, 'HEALTHCHECK CMD is not in exec (JSON) form');
    }
  }
  if (!effective(runtime, 'CMD') && !effective(runtime, 'ENTRYPOINT') && runtime.parent === null) {
    // An external base image brings its own CMD; ours always state it.
    problems.push('the runtime stage states no CMD');
  }

  // ---- EXPOSE and labels of the runtime stage
  if (expect.port !== undefined) {
    const exposed = runtime.instructions
      .filter((i) => i.getKeyword() === 'EXPOSE')
      .flatMap((i) => operands(i).map((p) => Number(p.split('/')[0])));
    const want = expect.port === null ? [] : [expect.port];
    if (JSON.stringify(exposed) !== JSON.stringify(want)) problems.push(`runtime stage EXPOSE ${exposed.join(' ') || '(none)'}, model port ${expect.port ?? '(none)'}`);
  }
  if (!runtime.instructions.some((i) => i.getKeyword() === 'LABEL' && /org\.opencontainers\.image\.title=/.test(argText(i)))) {
    problems.push('the runtime stage has no org.opencontainers.image.title label');
  }

  // ---- syntax buildah 1.28 cannot build
  for (const i of dockerfile.getInstructions()) {
    const kw = i.getKeyword();
    const f = flags(i);
    if ((kw === 'RUN' || kw === 'COPY') && /<<-?\s*["']?\w+/.test(argText(i))) at(i, 'heredoc (not supported by buildah 1.28)');
    if (kw === 'COPY' && (f.has('link') || f.has('parents') || f.has('exclude'))) at(i, 'COPY --link/--parents/--exclude (not supported by buildah 1.28)');
    if (kw === 'ADD' && f.has('checksum')) at(i, 'ADD --checksum (not supported by buildah 1.28)');
    if (kw === 'RUN' && f.has('network')) at(i, 'RUN --network (not supported by buildah 1.28)');
  }
  return problems;
}
