/**
 * Spring Cloud shapes (held-out spring-petclinic-microservices): services call each other by
 * their `spring.application.name` (a gateway route to lb://customers-service, a config import
 * of http://config-server:8888 in a profile's document), so a Spring service in a folder of its
 * own is named by it, and the hosts in its Spring configuration are its dependencies. A fixture
 * written for this project, in that shape.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectStack } from '../../lib/detect/stack.js';
import { writeTree } from '../helpers/tree.js';

const pom = (artifact: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.2</version></parent>
  <groupId>org.example.shop</groupId>
  <artifactId>${artifact}</artifactId>
  <properties><java.version>17</java.version></properties>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>${extra}
  </dependencies>
</project>
`;
const main = (pkg: string) => `package org.example.${pkg};\n\nimport org.springframework.boot.SpringApplication;\nimport org.springframework.boot.autoconfigure.SpringBootApplication;\n\n@SpringBootApplication\npublic class App {\n  public static void main(String[] args) { SpringApplication.run(App.class, args); }\n}\n`;

const TREE: Record<string, string> = {
  'shop-gateway/pom.xml': pom('shop-gateway'),
  'shop-gateway/src/main/java/org/example/gateway/App.java': main('gateway'),
  'shop-gateway/src/main/resources/application.yml': [
    'spring:',
    '  application:',
    '    name: api-gateway',
    '  profiles:',
    '    active: production',
    '  cloud:',
    '    gateway:',
    '      routes:',
    '        - id: customers',
    '          uri: lb://customers-service',
    '          predicates:',
    '            - Path=/api/customer/**',
    'server:',
    '  port: 8080',
    '---',
    'spring:',
    '  config:',
    '    activate:',
    '      on-profile: docker',
    '    import: configserver:http://config-server:8888',
  ].join('\n'),
  'shop-customers/pom.xml': pom('shop-customers'),
  'shop-customers/src/main/java/org/example/customers/App.java': main('customers'),
  'shop-customers/src/main/resources/application.yml': 'spring:\n  application:\n    name: customers-service\nserver:\n  port: 8081\n',
  'shop-config/pom.xml': pom('shop-config'),
  'shop-config/src/main/java/org/example/config/App.java': main('config'),
  'shop-config/src/main/resources/application.properties': 'spring.application.name=config-server\nserver.port=8888\n',
  'shop-legacy/pom.xml': pom('shop-legacy'),
  'shop-legacy/src/main/java/org/example/legacy/App.java': main('legacy'),
  // A placeholder is no name: the folder names it.
  'shop-legacy/src/main/resources/application.yml': 'spring:\n  application:\n    name: ${APP_NAME:legacy}\nserver:\n  port: 8090\n',
};

describe('Spring Cloud: services named as their peers call them', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'spring-cloud-'));
    writeTree(root, TREE);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('a Spring service in a folder of its own is named by spring.application.name (properties or YAML, a placeholder left out)', () => {
    const d = detectStack(root);
    assert.deepEqual(Object.keys(d.services).sort(), ['api-gateway', 'config-server', 'customers-service', 'shop-legacy']);
    assert.equal(d.services['api-gateway']!.path, 'shop-gateway');
  });

  it('the hosts in its Spring configuration are its dependencies: a gateway route (lb://) and a profile\'s config import', () => {
    const d = detectStack(root);
    assert.deepEqual([...d.services['api-gateway']!.dependsOn].sort(), ['config-server', 'customers-service']);
    assert.match(d.services['api-gateway']!.evidence['dependsOn.customers-service']!, /^shop-gateway\/src\/main\/resources\/application\.yml:10$/);
    assert.match(d.services['api-gateway']!.evidence['dependsOn.config-server']!, /application\.yml:20$/);
    assert.deepEqual(d.services['customers-service']!.dependsOn, []);
  });

  it('a document that only sets spring.profiles.active is not a profile\'s document: its port counts', () => {
    assert.equal(detectStack(root).services['api-gateway']!.port, 8080);
  });
});
