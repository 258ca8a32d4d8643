/** Java's Dockerfile recipe: the data ./Dockerfile.ejs lays out (Maven or Gradle, wrapper or not; a JRE runtime). */
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceModel, StackModel } from '../../model/types.js';
import { imagePin } from '../../catalog/images.js';
import { common, envBlock, labels, shellQuote, tail, versioned, type BaseImage, type HealthKind } from '../../render/dockerfile-kit.js';
import { watchLoop } from '../../render/devloop.js';
import type { DockerfileRecipe } from '../types.js';
import { javaFramework, javaPackageManager } from './detect.js';

/** The JRE image (Ubuntu) has bash. */
export const javaHealth = (): HealthKind => 'bash';

/** The build's output and Gradle's project cache, in the source folder. */
export const javaDevVolumes = (svc: ServiceModel): string[] => (javaPackageManager(svc) === 'gradle' ? ['/app/build', '/app/.gradle'] : ['/app/target']);

/** Images whose tag ends with the Java version (maven:3.9-eclipse-temurin-21, gradle:8.10-jdk21). */
function javaTagged(key: string, argName: string, version: string): BaseImage {
  const { repository, tag } = imagePin(key);
  const templ = tag.replace(/\d+$/, `\${${argName}}`);
  return { arg: `${argName}=${version}`, from: `${repository}:${templ}`, resolved: `${repository}:${templ.replace(`\${${argName}}`, version)}` };
}


/**
 * Where the build writes its runnable jar and a `find` name pattern that matches it
 * whatever the version: the model's entry ('target/orders-1.0.0.jar', from pom.xml) names
 * the version of the day, and a bump in pom.xml must not break the image build. Only the
 * folder and the kind of jar are kept: `*-runner.jar` (Quarkus), `*-all.jar` (Shadow),
 * `*.war`, else `*.jar`; an entry that is already a glob is kept as written.
 */
export function jarPattern(entry: string): { dir: string; name: string } {
  const dir = posix.dirname(entry);
  const base = posix.basename(entry);
  if (base.includes('*')) return { dir, name: base };
  const kind = /(-runner|-all)?\.(jar|war)$/.exec(base);
  return { dir, name: kind ? `*${kind[1] ?? ''}.${kind[2]}` : base };
}

/**
 * The runnable jars a build left in the entry's folder: the name pattern, without the
 * companions builds write next to them (Gradle's `-plain.jar`, Maven's `-sources`, `-javadoc`
 * and `-tests` jars, the Shade plugin's `original-*.jar`; Spring Boot's `.jar.original` does
 * not end in .jar). Expands to the paths, one per line.
 */
function findJars(entry: string): string {
  const { dir, name } = jarPattern(entry);
  const skip = ['*-plain.jar', '*-sources.jar', '*-javadoc.jar', '*-tests.jar', 'original-*'].map((n) => `! -name ${shellQuote(n)}`).join(' ');
  return `find ${shellQuote(dir)} -maxdepth 1 -type f -name ${shellQuote(name)} ${skip}`;
}

/** Copies the one runnable jar the build wrote to `to`, or fails naming what it found. */
function copyJar(entry: string, to: string): string {
  const { dir, name } = jarPattern(entry);
  const why = `expected one runnable jar (${dir}/${name}) from the build, found:`;
  return `set -- $(${findJars(entry)}) && if [ "$#" -ne 1 ]; then echo "${why} $*" >&2; exit 1; fi && cp "$1" ${to}`;
}

function javaContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const gradle = javaPackageManager(svc) === 'gradle';
  const buildImage = gradle ? javaTagged('gradle', 'JAVA_VERSION', svc.languageVersion) : javaTagged('maven', 'JAVA_VERSION', svc.languageVersion);
  const runtime = versioned('java', 'JAVA_VERSION', svc.languageVersion);
  const build = svc.build ?? (gradle ? 'gradle build -x test --no-daemon' : 'mvn -B package -DskipTests');
  const wrapper = /^\.\/(mvnw|gradlew)\b/.exec(build)?.[1] ?? null;
  const tool = gradle ? (wrapper ? './gradlew' : 'gradle') : wrapper ? './mvnw' : 'mvn';
  const entry = svc.entry ?? (gradle ? 'build/libs/*.jar' : 'target/*.jar');
  const manifests = gradle
    ? ['build.gradle*', 'settings.gradle*', 'gradle.propertie[s]', ...(wrapper ? ['gradlew'] : [])]
    : ['pom.xml', ...(wrapper ? ['mvnw'] : [])];
  const manifestDirs: [string, string][] = gradle ? [['gradl[e]', 'gradle/']] : wrapper ? [['.mvn/', '.mvn/']] : [];
  const cacheDir = gradle ? '/home/gradle/.gradle' : '/root/.m2';
  const resolve = gradle ? `${tool} dependencies --no-daemon > /dev/null` : `${tool} -B -q dependency:go-offline`;
  // One runnable jar (the detector's convention), found by its folder and kind, not its versioned name.
  const pickJar = copyJar(entry, '/out/app.jar');
  const springBoot = javaFramework(svc) === 'spring-boot';
  // The dev loop of a plain Java app: rebuild, then run what the build wrote.
  const devRun = ['sh', '-c', `exec java -jar "$(${findJars(entry)} | head -n 1)"`];
  const layers = ['dependencies', 'spring-boot-loader', 'snapshot-dependencies', 'application'];
  // Spring Boot >= 3.3 splits the jar into layers (dependencies change rarely, the application often);
  // older versions keep the whole jar in the application layer. Either way /app/app.jar runs.
  const extract = springBoot
    ? [
        `mkdir -p ${layers.map((l) => `/out/layers/${l}`).join(' ')}`,
        '(cd /out && java -Djarmode=tools -jar app.jar extract --layers --destination layers 2>/dev/null || cp app.jar layers/application/app.jar)',
      ]
    : [];
  const devCmd = gradle
    ? javaFramework(svc) === 'spring-boot'
      ? [tool, 'bootRun', '--no-daemon']
      : javaFramework(svc) === 'quarkus'
        ? [tool, 'quarkusDev', '--no-daemon', '-Dquarkus.http.host=0.0.0.0']
        : javaFramework(svc) === 'micronaut'
          ? [tool, 'run', '--continuous', '--no-daemon']
          : watchLoop(build, devRun, ['*.java', '*.kt', '*.gradle', '*.gradle.kts', '*.properties', '*.yml', '*.yaml'])
    : javaFramework(svc) === 'spring-boot'
      ? [tool, '-B', 'spring-boot:run']
      : javaFramework(svc) === 'quarkus'
        ? [tool, '-B', 'quarkus:dev', '-Dquarkus.http.host=0.0.0.0']
        : javaFramework(svc) === 'micronaut'
          ? [tool, '-B', 'mn:run']
          : watchLoop(build, devRun, ['*.java', '*.kt', 'pom.xml', '*.properties', '*.yml', '*.yaml']);
  const c = common(model, name, `Java ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, built with ${gradle ? 'Gradle' : 'Maven'}, run on a JRE`);
  const runtimeEnv: [string, string][] = svc.port !== null ? [['PORT', String(svc.port)]] : [];
  return {
    ...c,
    gradle,
    buildImage,
    runtime,
    tool,
    wrapper,
    manifests,
    manifestDirs,
    cacheDir,
    resolve,
    build,
    pickJar,
    springBoot,
    layers,
    extract,
    // Dev: dependencies inside the image (not in a cache mount), owned by the dev user.
    // The maven image sets MAVEN_CONFIG=/root/.m2, which older mvnw scripts pass to Maven as arguments.
    buildEnv: !gradle && wrapper ? envBlock([['MAVEN_CONFIG', '']]) : '',
    devRepoEnv: gradle
      ? envBlock([['GRADLE_USER_HOME', '/opt/gradle-home']])
      : envBlock([
          ['MAVEN_ARGS', '-Dmaven.repo.local=/opt/m2/repository'],
          ['MAVEN_USER_HOME', '/opt/m2'],
          ...(wrapper ? ([['MAVEN_CONFIG', '']] as [string, string][]) : []),
        ]),
    devRepoDir: gradle ? '/opt/gradle-home' : '/opt/m2',
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, runtime.resolved),
    devTail: tail(svc, { dev: true, cmd: devCmd, ownDirs: javaDevVolumes(svc) }),
    runtimeTail: tail(svc, { cmd: svc.start.length ? svc.start : ['java', '-jar', '/app/app.jar'], health: javaHealth() }),
  };
}

export const javaDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: javaContext(model, name),
});
