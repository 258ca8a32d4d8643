import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { javaDetector } from '../../../lib/languages/java/detect.js';
import { writeTree } from '../../helpers/tree.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'languages');
const fixture = (name: string) => openRepo(join(FIXTURES, name));
const temp = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'java-'));
  writeTree(root, files);
  return openRepo(root);
};
const START = { value: ['java', '-jar', '/app/app.jar'], source: 'default' };

const pom = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
${body}
</project>
`;

describe('javaDetector', () => {
  it('matches Maven and Gradle folders only', () => {
    assert.equal(javaDetector.matches(fixture('java-spring-maven'), '.'), true);
    assert.equal(javaDetector.matches(fixture('java-gradle-kotlin'), '.'), true);
    assert.equal(javaDetector.matches(fixture('java-maven-multimodule'), 'api'), true);
    assert.equal(javaDetector.matches(fixture('java-maven-multimodule'), 'api/src'), false);
    assert.equal(javaDetector.matches(temp({ 'settings.gradle.kts': 'include("a")\n' }), '.'), true);
  });

  it('reads a Spring Boot Maven app with actuator and an application.yml port', () => {
    const f = javaDetector.detect(fixture('java-spring-maven'), '.');
    assert.equal(f.language, 'java');
    assert.deepEqual(f.languageVersion, { value: '17', source: 'pom.xml:17' });
    assert.deepEqual(f.framework, { value: 'spring-boot', source: 'pom.xml:7' });
    assert.deepEqual(f.packageManager, { value: 'maven', source: 'pom.xml' });
    assert.deepEqual(f.lockfile, { value: null, source: 'default' });
    assert.deepEqual(f.build, { value: './mvnw -B package -DskipTests', source: 'mvnw' });
    assert.deepEqual(f.entry, { value: 'target/orders-0.0.1-SNAPSHOT.jar', source: 'pom.xml:12' });
    assert.deepEqual(f.start, START);
    assert.deepEqual(f.port, { value: 8081, source: 'src/main/resources/application.yml:10' });
    assert.deepEqual(f.healthPath, { value: '/actuator/health', source: 'pom.xml:26' });
    assert.equal(f.library, false);
    assert.equal(f.worker, undefined);
    // The commented-out h2 and the test-scoped starter are left out.
    assert.deepEqual(f.dependencies, [
      'spring-boot-starter-web',
      'org.springframework.boot:spring-boot-starter-web',
      'spring-boot-starter-actuator',
      'org.springframework.boot:spring-boot-starter-actuator',
      'spring-boot-starter-data-jpa',
      'org.springframework.boot:spring-boot-starter-data-jpa',
      'postgresql',
      'org.postgresql:postgresql',
    ]);
    // Test sources are left out; a package folder named `out` is kept.
    assert.deepEqual(f.sourceFiles, [
      'src/main/java/com/example/orders/OrdersApplication.java',
      'src/main/java/com/example/orders/adapter/out/PaymentsClient.java',
      'src/main/java/com/example/orders/web/OrderController.java',
      'src/main/resources/application.yml',
      'pom.xml',
      '.env.example',
    ]);
  });

  it('reads a Gradle Kotlin DSL app with a toolchain, a version catalog and a lockfile', () => {
    const f = javaDetector.detect(fixture('java-gradle-kotlin'), '.');
    assert.deepEqual(f.languageVersion, { value: '21', source: 'build.gradle.kts:13' });
    assert.deepEqual(f.framework, { value: 'spring-boot', source: 'build.gradle.kts:2' });
    assert.deepEqual(f.packageManager, { value: 'gradle', source: 'build.gradle.kts' });
    assert.deepEqual(f.lockfile, { value: 'gradle.lockfile', source: 'gradle.lockfile' });
    assert.deepEqual(f.build, { value: './gradlew bootJar --no-daemon', source: 'build.gradle.kts:2' });
    assert.deepEqual(f.entry, { value: 'build/libs/*.jar', source: 'build.gradle.kts:2' });
    assert.deepEqual(f.start, START);
    assert.deepEqual(f.port, { value: 9090, source: 'src/main/resources/application.properties:2' });
    // The actuator line is commented out: no health path.
    assert.equal(f.healthPath, undefined);
    assert.deepEqual(f.dependencies, [
      'spring-boot-starter-webflux',
      'org.springframework.boot:spring-boot-starter-webflux',
      'jackson-module-kotlin',
      'com.fasterxml.jackson.module:jackson-module-kotlin',
      'spring-kafka',
      'org.springframework.kafka:spring-kafka',
      'r2dbc-postgresql',
      'org.postgresql:r2dbc-postgresql',
    ]);
    assert.deepEqual(f.sourceFiles, [
      'src/main/kotlin/com/example/inventory/InventoryApplication.kt',
      'src/main/resources/application.properties',
      'build.gradle.kts',
      'settings.gradle.kts',
    ]);
  });

  describe('a folder with both pom.xml and a Gradle build', () => {
    it('follows the wrapper that is present (gradlew)', () => {
      const f = javaDetector.detect(fixture('java-misleading'), '.');
      assert.deepEqual(f.packageManager, { value: 'gradle', source: 'gradlew' });
      assert.deepEqual(f.languageVersion, { value: '17', source: 'build.gradle:11' });
      assert.deepEqual(f.framework, { value: null, source: 'default' });
      assert.deepEqual(f.build, { value: './gradlew shadowJar --no-daemon', source: 'build.gradle:4' });
      assert.deepEqual(f.entry, { value: 'build/libs/*-all.jar', source: 'build.gradle:4' });
      assert.deepEqual(f.start, START);
      assert.equal(f.port, undefined);
      assert.equal(f.library, false);
      assert.deepEqual(f.dependencies, ['HikariCP', 'com.zaxxer:HikariCP', 'mysql-connector-j', 'com.mysql:mysql-connector-j']);
    });

    const richPom = pom(`  <groupId>a</groupId><artifactId>svc</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>g</groupId><artifactId>one</artifactId></dependency>
    <dependency><groupId>g</groupId><artifactId>two</artifactId></dependency>
  </dependencies>`);
    const main = { 'src/main/java/a/Main.java': 'class Main { public static void main(String[] a) {} }\n' };

    it('follows mvnw when only Maven has a wrapper', () => {
      const f = javaDetector.detect(temp({ 'pom.xml': richPom, 'build.gradle': "plugins { id 'java' }\n", mvnw: '', ...main }), '.');
      assert.deepEqual(f.packageManager, { value: 'maven', source: 'mvnw' });
      assert.deepEqual(f.build, { value: './mvnw -B package -DskipTests', source: 'mvnw' });
    });

    it('without wrappers, picks the build file that declares more', () => {
      const gradle = "plugins { id 'java' }\ndependencies {\n  implementation 'g:one:1'\n  implementation 'g:two:1'\n  runtimeOnly 'g:three:1'\n}\n";
      const f = javaDetector.detect(temp({ 'pom.xml': richPom, 'build.gradle': gradle, ...main }), '.');
      assert.deepEqual(f.packageManager, { value: 'gradle', source: 'build.gradle' });
      assert.deepEqual(f.build, { value: 'gradle build -x test --no-daemon', source: 'build.gradle' });
      const g = javaDetector.detect(temp({ 'pom.xml': richPom, 'build.gradle': "dependencies {\n  implementation 'g:one:1'\n}\n", ...main }), '.');
      assert.deepEqual(g.packageManager, { value: 'maven', source: 'pom.xml' });
    });

    it('breaks a tie in favour of Maven', () => {
      const gradle = "dependencies {\n  implementation 'g:one:1'\n  implementation 'g:two:1'\n}\n";
      const f = javaDetector.detect(temp({ 'pom.xml': richPom, 'build.gradle': gradle, mvnw: '', gradlew: '', ...main }), '.');
      assert.deepEqual(f.packageManager, { value: 'maven', source: 'pom.xml' });
    });
  });

  describe('a Maven multi-module build', () => {
    const repo = fixture('java-maven-multimodule');

    it('marks the aggregator a library, with the shared Java version', () => {
      const f = javaDetector.detect(repo, '.');
      assert.equal(f.library, true);
      assert.deepEqual(f.languageVersion, { value: '21', source: 'pom.xml:22' });
      assert.deepEqual(f.packageManager, { value: 'maven', source: 'pom.xml' });
      assert.deepEqual(f.sourceFiles, ['pom.xml']);
      assert.deepEqual(f.dependencies, []);
    });

    it('builds a web module from the aggregator, inheriting version and parent', () => {
      const f = javaDetector.detect(repo, 'api');
      assert.equal(f.library, false);
      assert.deepEqual(f.languageVersion, { value: '21', source: 'pom.xml:22' });
      assert.deepEqual(f.framework, { value: 'spring-boot', source: 'api/pom.xml:31' });
      assert.deepEqual(f.packageManager, { value: 'maven', source: 'api/pom.xml' });
      assert.deepEqual(f.build, { value: '../mvnw -B -f ../pom.xml -pl api -am package -DskipTests', source: 'pom.xml:17' });
      assert.deepEqual(f.entry, { value: 'target/shop-api-1.2.0.jar', source: 'api/pom.xml:9' });
      assert.deepEqual(f.start, START);
      assert.deepEqual(f.port, { value: 8082, source: 'api/src/main/resources/application.properties:2' });
      assert.deepEqual(f.healthPath, { value: '/manage/health', source: 'api/pom.xml:23' });
      assert.ok(f.dependencies.includes('com.acme.shop:common'));
      assert.deepEqual(f.sourceFiles, [
        'api/src/main/java/com/acme/shop/api/ShopApi.java',
        'api/src/main/resources/application.properties',
        'api/pom.xml',
      ]);
    });

    it('marks a module without a main class a library', () => {
      const f = javaDetector.detect(repo, 'common');
      assert.equal(f.library, true);
      assert.equal(f.port, undefined);
      assert.equal(f.worker, undefined);
    });

    it('marks a Spring Boot module without a web starter a worker, honouring <finalName>', () => {
      const f = javaDetector.detect(repo, 'notifier');
      assert.equal(f.library, false);
      assert.equal(f.worker, true);
      assert.deepEqual(f.port, { value: null, source: 'default' });
      assert.deepEqual(f.entry, { value: 'target/notifier.jar', source: 'notifier/pom.xml:24' });
      assert.deepEqual(f.build, { value: '../mvnw -B -f ../pom.xml -pl notifier -am package -DskipTests', source: 'pom.xml:18' });
    });
  });

  it('resolves compiler-plugin properties and legacy 1.x versions', () => {
    const repo = temp({
      'pom.xml': pom(`  <groupId>a</groupId><artifactId>legacy</artifactId><version>2.0</version>
  <properties>
    <jdk>1.8</jdk>
  </properties>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-compiler-plugin</artifactId>
        <configuration>
          <release>\${jdk}</release>
        </configuration>
      </plugin>
    </plugins>
  </build>`),
      'src/main/java/a/App.java': 'public class App { public static void main(String[] args) {} }\n',
    });
    const f = javaDetector.detect(repo, '.');
    assert.deepEqual(f.languageVersion, { value: '8', source: 'pom.xml:6' });
    assert.deepEqual(f.build, { value: 'mvn -B package -DskipTests', source: 'pom.xml' });
    assert.deepEqual(f.entry, { value: 'target/legacy-2.0.jar', source: 'pom.xml:4' });
    assert.deepEqual(f.framework, { value: null, source: 'default' });
  });

  it('defaults the Java version to 21 and the jar to a glob when the pom says nothing', () => {
    const f = javaDetector.detect(temp({ 'pom.xml': pom('  <artifactId>x</artifactId>'), 'src/main/java/Main.java': 'class Main { static void main(String[] a) {} }\n' }), '.');
    assert.deepEqual(f.languageVersion, { value: '21', source: 'default' });
    assert.deepEqual(f.entry, { value: 'target/*.jar', source: 'default' });
  });

  it('builds Quarkus as an uber-jar with its health endpoint and port', () => {
    const repo = temp({
      'pom.xml': pom(`  <groupId>org.acme</groupId>
  <artifactId>greeter</artifactId>
  <version>1.0.0-SNAPSHOT</version>
  <properties>
    <maven.compiler.release>21</maven.compiler.release>
  </properties>
  <dependencies>
    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest</artifactId></dependency>
    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-smallrye-health</artifactId></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>io.quarkus.platform</groupId><artifactId>quarkus-maven-plugin</artifactId></plugin>
    </plugins>
  </build>`),
      'src/main/java/org/acme/GreetingResource.java': '@Path("/hello") public class GreetingResource {}\n',
      'src/main/resources/application.properties': 'quarkus.http.port=${HTTP_PORT:8181}\n',
    });
    const f = javaDetector.detect(repo, '.');
    assert.deepEqual(f.languageVersion, { value: '21', source: 'pom.xml:8' });
    assert.deepEqual(f.framework, { value: 'quarkus', source: 'pom.xml:16' });
    assert.equal(f.library, false);
    assert.deepEqual(f.build, { value: 'mvn -B package -DskipTests -Dquarkus.package.jar.type=uber-jar', source: 'pom.xml' });
    assert.deepEqual(f.entry, { value: 'target/greeter-1.0.0-SNAPSHOT-runner.jar', source: 'pom.xml:5' });
    assert.deepEqual(f.port, { value: 8181, source: 'src/main/resources/application.properties:1' });
    assert.deepEqual(f.healthPath, { value: '/q/health', source: 'pom.xml:12' });
  });

  it('treats a Gradle root that only includes subprojects as a library and builds subprojects with the root wrapper', () => {
    const repo = temp({
      'settings.gradle': "rootProject.name = 'shop'\ninclude 'api', 'lib'\n",
      'build.gradle': "subprojects {\n  apply plugin: 'java'\n  java { toolchain { languageVersion = JavaLanguageVersion.of(17) } }\n}\n",
      gradlew: '',
      'api/build.gradle': "plugins {\n  id 'org.springframework.boot' version '3.3.0'\n}\ndependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-web'\n}\n",
      'api/src/main/java/shop/Api.java': '@SpringBootApplication public class Api { public static void main(String[] a) {} }\n',
    });
    const root = javaDetector.detect(repo, '.');
    assert.equal(root.library, true);
    assert.deepEqual(root.build, { value: './gradlew build -x test --no-daemon', source: 'settings.gradle:2' });
    const api = javaDetector.detect(repo, 'api');
    assert.equal(api.library, false);
    assert.deepEqual(api.languageVersion, { value: '17', source: 'build.gradle:3' });
    assert.deepEqual(api.framework, { value: 'spring-boot', source: 'api/build.gradle:2' });
    assert.deepEqual(api.build, { value: '../gradlew bootJar --no-daemon', source: 'api/build.gradle:2' });
    assert.deepEqual(api.port, { value: 8080, source: 'default' });
  });
});
