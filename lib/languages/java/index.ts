/** The Java pack: Maven or Gradle (with or without a wrapper), Spring Boot, Quarkus, Micronaut; a JRE runtime. */
import type { ServiceModel } from '../../model/types.js';
import { noTests } from '../../render/devloop.js';
import { jvm, profile, TMP } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { javaDetector, JAVA, javaFramework, javaPackageManager } from './detect.js';
import { javaDevVolumes, javaDockerfile, javaHealth } from './dockerfile.js';

function testCommand(svc: ServiceModel): string {
  const gradle = javaPackageManager(svc) === 'gradle';
  const [wrapper, tool] = gradle ? ['./gradlew', 'gradle'] : ['./mvnw', 'mvn'];
  const args = gradle ? 'test' : '-B test';
  return `if [ ! -d src/test ]; then ${noTests('no src/test folder')}; elif [ -x ${wrapper} ]; then exec ${wrapper} ${args}; else exec ${tool} ${args}; fi`;
}

export const javaPack: LanguagePack = {
  language: 'java',
  frameworks: JAVA.frameworks,
  packageManagers: JAVA.packageManagers,
  detector: javaDetector,
  dockerfile: javaDockerfile,
  health: javaHealth,
  dependencyInstall: /dependency:go-offline|gradlew? dependencies/,
  // The dev container compiles (and may start a framework's dev mode) when it starts.
  slowStart: true,
  devVolumes: javaDevVolumes,
  devEnv: () => ({}),
  debugPort: null,
  editorExtensions: ['vscjava.vscode-java-pack'],
  testCommand,
  ignore: () => ['# Java: build output and tool caches', 'target', 'build', '.gradle', 'out', '*.class', '.classpath', '.project', '.settings'],
  // hsperfdata and Tomcat's work folders are in /tmp; the JVM may take minutes to start on small CPU limits.
  runtime: () => profile(jvm, TMP, 60),
  readOnlyRoot: () => false,
  // Spring Boot's actuator (2.3 and later) serves both probe groups below its health endpoint,
  // enabled by itself on Kubernetes (it sees KUBERNETES_SERVICE_HOST; elsewhere
  // MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true).
  probePaths: (svc, health) => {
    const actuator = health.replace(/\/+$/, '');
    return javaFramework(svc) === 'spring-boot' && /\/health$/.test(actuator) ? { readiness: `${actuator}/readiness`, liveness: `${actuator}/liveness` } : null;
  },
};
