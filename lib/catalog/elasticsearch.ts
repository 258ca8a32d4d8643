import { userinfo } from './common.js';
import { PASSWORD, type BackingRecord } from './types.js';

export const elasticsearch: BackingRecord = {
  kind: 'elasticsearch',
  pin: 'elasticsearch',
  port: 9200,
  // HTTPS on the same port (Elastic Cloud and OpenSearch services also answer on 443).
  tlsPort: 9200,
  uid: 1000,
  gid: 1000,
  signals: {
    libraries: [
      '@elastic/elasticsearch', 'elasticsearch',
      'elasticsearch-dsl',
      'spring-boot-starter-data-elasticsearch', 'elasticsearch-java',
      'elasticsearch/elasticsearch', 'searchkick',
      'elastic.clients.elasticsearch', 'nest',
    ],
    goModules: ['github.com/elastic/go-elasticsearch'],
    // Clients use http(s)://, which names no kind by itself.
    schemes: /(?!)/,
    envNames: /(^|_)(ELASTICSEARCH|ELASTIC)(_|$)|^ES_(URL|HOST|HOSTS|NODE|NODES)$/,
    hints: ['ELASTICSEARCH', 'ELASTIC', 'ES', 'SEARCH'],
  },
  auth: 'clients',
  user: 'elastic',
  databases: false,
  passwordVar: 'ELASTIC_PASSWORD',
  passwordFile: true,
  // ES_SETTING_A_B__C sets a.b_c: portable env names (dots are not valid everywhere).
  serverEnv: (c) => ({
    ES_JAVA_OPTS: '-Xms512m -Xmx512m',
    ES_SETTING_DISCOVERY_TYPE: 'single-node',
    ES_SETTING_XPACK_SECURITY_ENABLED: c.auth ? 'true' : 'false',
    ...(c.auth ? { ES_SETTING_XPACK_SECURITY_HTTP_SSL_ENABLED: 'false', ES_SETTING_XPACK_SECURITY_TRANSPORT_SSL_ENABLED: 'false' } : {}),
  }),
  args: () => [],
  dataDir: () => '/usr/share/elasticsearch/data',
  size: '8Gi',
  // Elasticsearch logs to /usr/share/elasticsearch/logs; the entrypoint creates the keystore
  // (the bootstrap password) in the configuration folder, which must keep the image's
  // elasticsearch.yml, jvm.options and log4j2.properties: a seeded copy (as Elastic's own
  // operator does with an init container).
  writableDirs: ['/tmp', '/usr/share/elasticsearch/logs'],
  seedDirs: ['/usr/share/elasticsearch/config'],
  readOnlyRootFilesystem: true,
  resources: { requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '256Mi' }, limits: { cpu: '1', memory: '2Gi', 'ephemeral-storage': '2Gi' } },
  externalInProduction: true,
  slowStart: true,
  seeded: true,
  health: (c) =>
    `curl -fsS ${c.auth ? `-u "elastic:${PASSWORD}" ` : ''}'http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=5s' > /dev/null`,
  url: (c, scheme) => `${scheme ?? 'http'}://${userinfo(c)}${c.name}:${c.port}`,
  address: (c) => `${c.name}:${c.port}`,
  framework: {
    'spring-boot': (c) => ({
      SPRING_ELASTICSEARCH_URIS: `http://${c.name}:${c.port}`,
      ...(c.auth ? { SPRING_ELASTICSEARCH_PASSWORD: PASSWORD, SPRING_ELASTICSEARCH_USERNAME: c.user! } : {}),
    }),
  },
  note: 'Single node; security on (user "elastic") when every client can carry the password, HTTP without TLS inside the stack.',
};
