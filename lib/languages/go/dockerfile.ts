/** Go's Dockerfile recipe: the data ./Dockerfile.ejs lays out (a static binary on scratch, or a cgo binary on slim Debian). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryName } from '../../model/derive.js';
import type { ServiceModel, StackModel } from '../../model/types.js';
import { cache, common, envBlock, fixedImage, GID, HOME, labels, lockInContext, PROBE_PATH, runBlock, shellQuote, tail, UID, versioned, type HealthKind } from '../../render/dockerfile-kit.js';
import { watchLoop } from '../../render/devloop.js';
import type { DockerfileRecipe } from '../types.js';

/** A static binary runs on scratch, where the probe built beside it checks its health; a cgo binary's Debian image has bash. */
export const goHealth = (svc: ServiceModel): HealthKind => (svc.linking !== 'dynamic' ? 'probe' : 'bash');

/**
 * The health probe of an image with nothing but a static binary (scratch: no shell, no curl,
 * no wget), as Go source: connect to 127.0.0.1:<port>, send a GET of <path>, exit 0 on a 2xx
 * status line. The build stage compiles it (standard library only, so it builds offline) into
 * a static binary of 1.6 MB. Single-quoted lines for `printf '%s\n'`: no single quote inside.
 */
const GO_PROBE = [
  'package main',
  'import ("bufio"; "net"; "os"; "strings"; "time")',
  'func main() {',
  'c, err := net.DialTimeout("tcp", "127.0.0.1:"+os.Args[1], 4*time.Second)',
  'if err != nil { os.Exit(1) }',
  'c.SetDeadline(time.Now().Add(4 * time.Second))',
  'c.Write([]byte("GET " + os.Args[2] + " HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n"))',
  'status, _ := bufio.NewReader(c).ReadString(10)',
  'if f := strings.Fields(status); len(f) < 2 || !strings.HasPrefix(f[1], "2") { os.Exit(1) }',
  '}',
];

// ---- go

/** The binary the Go build writes: `go build -o /out/<name> <entry>`; start is ['./<name>'] (a file name: the model validator checks it). */
export const goBinary = (svc: ServiceModel): string => binaryName(svc)!;

function goContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('go', 'GO_VERSION', svc.languageVersion);
  const bin = goBinary(svc);
  const entry = svc.entry ?? '.';
  const hasModule = !/\.go(\s|$)/.test(entry); // without go.mod the entry lists the main package's files
  const build = svc.build && /^go build\b/.test(svc.build) ? svc.build : `go build -o /out/${bin} ${shellQuote(entry)}`;
  const prodBuild = build.replace(/^go build\b/, `go build -trimpath -ldflags="-s -w"`);
  // A program without cgo is a static binary: it runs on an empty image (scratch) with the CA
  // certificates, time zone data and passwd entry it may need copied in. cgo needs glibc: slim Debian.
  const isStatic = svc.linking !== 'dynamic';
  const probe = isStatic && svc.port !== null && svc.healthPath !== null;
  const summary = isStatic ? 'a static binary on an empty (scratch) runtime image' : 'a cgo binary on a minimal Debian runtime';
  const c = common(model, name, `Go ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, ${summary}`);
  const runtimeEnv: [string, string][] = svc.port !== null ? [['PORT', String(svc.port)]] : [];
  const passwd = [
    'mkdir -p /out/etc',
    `echo 'app:x:${UID}:${GID}:app:${HOME}:/sbin/nologin' > /out/etc/passwd`,
    `echo 'app:x:${GID}:' > /out/etc/group`,
  ];
  const probeBuild = [
    'mkdir -p /tmp/probe',
    `printf '%s\\n' ${GO_PROBE.map((l) => `'${l}'`).join(' \\\n      ')} > /tmp/probe/main.go`,
    `go build -trimpath -ldflags="-s -w" -o /out/healthcheck /tmp/probe/main.go`,
  ];
  return {
    ...c,
    base,
    isStatic,
    cgo: isStatic ? '0' : '1',
    runtimeImage: isStatic ? 'scratch' : fixedImage('debian'),
    bin,
    hasModule,
    manifests: ['go.mod', ...(lockInContext(svc) ? [lockInContext(svc)!] : [])],
    prodBuild,
    staticFiles: isStatic ? runBlock(probe ? [cache('/root/.cache/go-build')] : [], [...passwd, ...(probe ? probeBuild : [])]) : null,
    probe,
    probePath: PROBE_PATH,
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, '${RUNTIME_IMAGE}'),
    devTail: tail(svc, { dev: true, cmd: watchLoop(`go build -o ${HOME}/${bin} ${shellQuote(entry)}`, [`${HOME}/${bin}`], ['*.go', 'go.mod', 'go.sum']) }),
    runtimeTail: tail(svc, { cmd: [`./${bin}`], health: goHealth(svc) }),
  };
}

export const goDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: goContext(model, name),
});
