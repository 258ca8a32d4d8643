/**
 * The cross-language scanners on small files, one idiom per line, in every
 * language we support. Files are written to a temporary folder per test.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openRepo } from '../../lib/detect/repo.js';
import { isSecretName } from '../../lib/model/secrets.js';
import { collectEnv, scanEnvReads, scanHealth, scanHosts, scanPort, scanService } from '../../lib/detect/scan.js';
import type { RepoView } from '../../lib/detect/types.js';

function tree(files: Record<string, string>): RepoView {
  const root = mkdtempSync(join(tmpdir(), 'scan-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, dirname(rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return openRepo(root);
}

/** Port found for a one-file service. */
function portOf(file: string, text: string, extra: Record<string, string> = {}) {
  const repo = tree({ [file]: text, ...extra });
  const reads = scanEnvReads(repo, [file]);
  return scanPort(repo, '.', [file], reads).port;
}

/** name -> default (undefined when none) of the env reads in one file. */
function readsOf(file: string, text: string): Record<string, string | null | undefined> {
  const repo = tree({ [file]: text });
  return Object.fromEntries(scanEnvReads(repo, [file]).map((r) => [r.name, r.value]));
}

describe('scan: listening port', () => {
  const cases: [string, string, number][] = [
    ['index.js', "const app = require('express')();\napp.listen(3000);\n", 3000],
    ['index.js', 'const port = process.env.PORT || 8080;\napp.listen(port);\n', 8080],
    ['index.ts', 'await app.listen({ port: Number(process.env.PORT ?? 4000), host: "0.0.0.0" });\n', 4000],
    ['index.js', 'const PORT = parseInt(process.env.PORT, 10) || 3001;\n', 3001],
    ['index.js', 'const PORT = 7000;\nserver.listen(PORT);\n', 7000],
    ['main.go', 'func main() {\n\thttp.ListenAndServe(":8080", nil)\n}\n', 8080],
    ['main.go', 'r := gin.Default()\nr.Run(":9000")\n', 9000],
    ['main.go', 'port := os.Getenv("PORT")\nif port == "" {\n\tport = "8081"\n}\nhttp.ListenAndServe(":"+port, nil)\n', 8081],
    ['main.go', 'srv := &http.Server{Addr: ":8082"}\nsrv.ListenAndServe()\n', 8082],
    ['app.py', 'import os\nport = int(os.environ.get("PORT", "8000"))\n', 8000],
    ['app.py', 'if __name__ == "__main__":\n    app.run(host="0.0.0.0", port=5001)\n', 5001],
    ['main.py', 'uvicorn.run(app, host="0.0.0.0", port=8001)\n', 8001],
    ['app.rb', "set :port, 4567\n", 4567],
    ['Program.cs', 'var port = Environment.GetEnvironmentVariable("PORT") ?? "5005";\n', 5005],
    ['Program.cs', 'builder.WebHost.UseUrls("http://*:5006");\n', 5006],
    ['src/main.rs', 'HttpServer::new(|| App::new()).bind(("0.0.0.0", 8088))?.run().await\n', 8088],
    ['src/main.rs', 'let port = std::env::var("PORT").unwrap_or_else(|_| "3005".to_string());\n', 3005],
    ['src/main.rs', 'let listener = tokio::net::TcpListener::bind("0.0.0.0:3006").await.unwrap();\n', 3006],
    ['index.php', "$port = getenv('PORT') ?: 8090;\n", 8090],
    ['App.java', 'Javalin.create().start(7070);\n', 7070],
  ];
  for (const [file, text, port] of cases) {
    it(`${file}: ${text.split('\n').find((l) => /\d{4}/.test(l))!.trim()} -> ${port}`, () => {
      const found = portOf(file, text);
      assert.equal(found?.value, port);
      assert.equal(found?.strength, 'code');
      assert.match(found!.source, new RegExp(`^${file.replace('.', '\\.')}:\\d+$`));
    });
  }

  it('a port variable counts only in a file that starts a server', () => {
    assert.equal(portOf('defaults.ts', 'export const DEFAULT_PORT = 8080;\n'), null);
    assert.equal(portOf('main.ts', 'const DEFAULT_PORT = 8080;\nserver.listen(DEFAULT_PORT);\n')?.value, 8080);
  });

  it('ignores client ports: Redis(port=6379), Addr: "redis:6379", redis port: 6379', () => {
    assert.equal(portOf('app.py', 'r = redis.Redis(host="redis", port=6379)\n'), null);
    assert.equal(portOf('main.go', 'rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})\n'), null);
    assert.equal(portOf('db.js', "const client = createClient({ socket: { host: 'redis', port: 6379 } });\n"), null);
  });

  it('ignores commented-out code, tests and tool configs', () => {
    assert.equal(portOf('index.js', '// app.listen(3000)\n/*\napp.listen(3001)\n*/\n'), null);
    const repo = tree({ 'vite.config.ts': 'export default { server: { port: 5173 } }\n', 'a.test.js': 'app.listen(1234)\n' });
    assert.equal(scanService(repo, '.', ['vite.config.ts', 'a.test.js']).port, null);
  });

  it('config files when code has no port: Procfile, application.properties/yml, .env, Dockerfile EXPOSE', () => {
    const viaConfig = (files: Record<string, string>) => {
      const repo = tree(files);
      return scanPort(repo, '.', [], []).port;
    };
    assert.deepEqual(viaConfig({ Procfile: 'web: gunicorn app:app --bind 0.0.0.0:8005\n' }), { value: 8005, source: 'Procfile:1', strength: 'config' });
    assert.equal(viaConfig({ 'src/main/resources/application.properties': 'spring.application.name=x\nserver.port=${PORT:8086}\n' })?.source, 'src/main/resources/application.properties:2');
    assert.deepEqual(viaConfig({ 'src/main/resources/application.yml': 'spring:\n  application:\n    name: x\nserver:\n  port: 8087\n' }), {
      value: 8087,
      source: 'src/main/resources/application.yml:5',
      strength: 'config',
    });
    assert.equal(viaConfig({ '.env.sample': '# comment\nPORT=4001\n' })?.value, 4001);
    assert.equal(viaConfig({ Dockerfile: 'FROM node:22\nEXPOSE 3002\n' })?.source, 'Dockerfile:2');
  });

  it('code beats config', () => {
    const found = portOf('index.js', 'app.listen(3000);\n', { '.env.example': 'PORT=4000\n', Dockerfile: 'EXPOSE 5000\n' });
    assert.equal(found?.value, 3000);
  });
});

describe('scan: environment variables', () => {
  it('reads in every language, with the defaults written in code', () => {
    assert.deepEqual(readsOf('a.js', "const a = process.env.A_URL || 'http://x:1';\nconst b = process.env['B_NAME'] ?? \"bee\";\nconst { C_LEVEL = 'info', D_FLAG } = process.env;\n"), {
      A_URL: 'http://x:1',
      B_NAME: 'bee',
      C_LEVEL: 'info',
      D_FLAG: undefined,
    });
    assert.deepEqual(readsOf('a.py', 'a = os.environ["A_URL"]\nb = os.environ.get("B_NAME", "bee")\nc = os.getenv("C_LEVEL", "info")\nd = os.getenv("D_FLAG") or "on"\ne = env("E_MODE", default="fast")\n'), {
      A_URL: undefined,
      B_NAME: 'bee',
      C_LEVEL: 'info',
      D_FLAG: 'on',
      E_MODE: 'fast',
    });
    assert.deepEqual(readsOf('main.go', 'a := os.Getenv("A_URL")\nb, ok := os.LookupEnv("B_NAME")\nc := getEnv("C_LEVEL", "info")\n'), {
      A_URL: undefined,
      B_NAME: undefined,
      C_LEVEL: 'info',
    });
    assert.deepEqual(readsOf('config.go', 'type Config struct {\n\tRedisURL string `env:"REDIS_URL" envDefault:"redis://redis:6379"`\n\tPort int `envconfig:"PORT" default:"8080"`\n}\n'), {
      REDIS_URL: 'redis://redis:6379',
      PORT: '8080',
    });
    assert.deepEqual(readsOf('app.module.ts', "const url = this.configService.get<string>('MONGO_URL', 'mongodb://mongo/app');\nconfig.get('FEATURE_X');\n"), {
      MONGO_URL: 'mongodb://mongo/app',
      FEATURE_X: undefined,
    });
    assert.deepEqual(readsOf('App.java', 'String a = System.getenv("A_URL");\nString b = System.getenv().getOrDefault("B_NAME", "bee");\n@Value("${C_LEVEL:info}")\n'), {
      A_URL: undefined,
      B_NAME: 'bee',
      C_LEVEL: 'info',
    });
    assert.deepEqual(readsOf('app.rb', "a = ENV['A_URL']\nb = ENV.fetch('B_NAME', 'bee')\nc = ENV.fetch('C_LEVEL') { 'info' }\nd = ENV['D_FLAG'] || 'on'\n"), {
      A_URL: undefined,
      B_NAME: 'bee',
      C_LEVEL: 'info',
      D_FLAG: 'on',
    });
    assert.deepEqual(readsOf('index.php', "$a = getenv('A_URL');\n$b = $_ENV['B_NAME'] ?? 'bee';\n$c = env('C_LEVEL', 'info');\n"), {
      A_URL: undefined,
      B_NAME: 'bee',
      C_LEVEL: 'info',
    });
    assert.deepEqual(readsOf('Program.cs', 'var a = Environment.GetEnvironmentVariable("A_URL");\nvar b = Environment.GetEnvironmentVariable("B_NAME") ?? "bee";\n'), {
      A_URL: undefined,
      B_NAME: 'bee',
    });
    assert.deepEqual(readsOf('main.rs', 'let a = env::var("A_URL").unwrap();\nlet b = std::env::var("B_NAME").unwrap_or("bee".into());\n'), {
      A_URL: undefined,
      B_NAME: 'bee',
    });
  });

  it('never keeps a default for a secret, and marks it secret', () => {
    const repo = tree({ 'a.js': "const p = process.env.DB_PASSWORD || 'postgres';\nconst k = process.env.STRIPE_API_KEY || 'sk_test';\n" });
    const env = collectEnv(repo, '.', scanEnvReads(repo, ['a.js']));
    assert.deepEqual(env, {
      DB_PASSWORD: { value: null, secret: true, source: 'a.js:1' },
      STRIPE_API_KEY: { value: null, secret: true, source: 'a.js:2' },
    });
  });

  it('fills defaults from .env.example (not from .env), skips PORT, keeps HOST', () => {
    const repo = tree({
      'a.js': 'const h = process.env.HOST;\nconst p = process.env.PORT;\nconst l = process.env.LOG_LEVEL;\nconst t = process.env.API_TOKEN;\nconst z = process.env.ZONE;\n',
      '.env.example': 'HOST=0.0.0.0\nPORT=3000\nLOG_LEVEL=debug\nAPI_TOKEN=abc\n',
      '.env': 'ZONE=my-personal-zone\n',
    });
    const env = collectEnv(repo, '.', scanEnvReads(repo, ['a.js']));
    assert.deepEqual(Object.keys(env), ['API_TOKEN', 'HOST', 'LOG_LEVEL', 'ZONE']);
    assert.deepEqual(env.HOST, { value: '0.0.0.0', secret: false, source: '.env.example:1' });
    assert.deepEqual(env.LOG_LEVEL, { value: 'debug', secret: false, source: '.env.example:3' });
    assert.deepEqual(env.API_TOKEN, { value: null, secret: true, source: 'a.js:4' });
    assert.deepEqual(env.ZONE, { value: null, secret: false, source: 'a.js:5' });
  });

  it('secret names', () => {
    for (const n of ['PASSWORD', 'DB_PASSWORD', 'MYSQL_PASSWD', 'JWT_SECRET', 'GITHUB_TOKEN', 'API_KEY', 'STRIPE_SECRET_KEY', 'SECRET_KEY_BASE', 'SESSION_KEY', 'PRIVATE_KEY', 'GOOGLE_APPLICATION_CREDENTIALS_JSON', 'AWS_SECRET_ACCESS_KEY', 'BASIC_AUTH']) {
      assert.equal(isSecretName(n), true, n);
    }
    for (const n of ['CACHE_KEY_PREFIX', 'TOKEN_URL', 'PASSWORD_FILE', 'PUBLIC_KEY', 'PWD', 'HOST', 'REDIS_URL', 'LOG_LEVEL', 'AWS_ACCESS_KEY_ID', 'KEYCLOAK_REALM', 'TOKEN_TTL']) {
      assert.equal(isSecretName(n), false, n);
    }
  });
});

describe('scan: health route', () => {
  const health = (file: string, text: string) => {
    const repo = tree({ [file]: text });
    return scanHealth(repo, [file]);
  };
  it('finds routes registered in each framework, preferring /healthz and /health', () => {
    assert.deepEqual(health('a.js', "app.get('/status', s);\napp.get('/health', h);\n"), { value: '/health', source: 'a.js:2' });
    assert.equal(health('a.py', '@app.get("/ping")\ndef ping(): ...\n@app.route("/healthz")\n')?.value, '/healthz');
    assert.equal(health('main.go', 'http.HandleFunc("/readyz", ready)\n')?.value, '/readyz');
    assert.equal(health('A.java', '@GetMapping("/api/health")\n')?.value, '/api/health');
    assert.equal(health('urls.py', "urlpatterns = [path('health/', views.health)]\n")?.value, '/health/');
    assert.equal(health('routes.rb', 'get "up" => "rails/health#show", as: :rails_health_check\n')?.value, '/up');
    assert.equal(health('main.go', 'mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})\n')?.value, '/healthz');
    assert.equal(health('app.py', '        if self.path == "/health":\n')?.value, '/health');
    assert.equal(health('server.js', "  if (req.url === '/livez') return ok(res);\n")?.value, '/livez');
    assert.equal(health('main.go', '\tswitch r.URL.Path {\n\tcase "/ping":\n')?.value, '/ping');
    assert.equal(health('main.rs', '#[get("/health")]\nasync fn health() -> &\'static str { "ok" }\n')?.value, '/health');
  });
  it('ignores strings that are not routes', () => {
    assert.equal(health('a.js', "const status = '/status';\nconsole.log('ready');\n"), null);
    assert.equal(health('a.js', "fetch('http://api:8000/health');\n"), null);
  });
});

describe('scan: hostnames', () => {
  it('URL literals and location defaults name hosts; localhost and domains do not', () => {
    const repo = tree({
      'a.js': [
        "const api = 'http://api:8000/v1';",
        "const ext = 'https://api.github.com';",
        "const local = 'http://localhost:3000';",
        "const cache = process.env.CACHE_HOST || 'memcache';",
        "const brokers = process.env.KAFKA_BROKERS || 'kafka:9092,kafka2:9092';",
        "const mode = process.env.MODE || 'fast';",
      ].join('\n'),
    });
    const reads = scanEnvReads(repo, ['a.js']);
    const hosts = scanHosts(repo, ['a.js'], collectEnv(repo, '.', reads), reads);
    assert.deepEqual([...new Set(hosts.map((h) => h.host))].sort(), ['api', 'kafka', 'kafka2', 'memcache']);
    assert.deepEqual(hosts.find((h) => h.host === 'api'), { host: 'api', port: 8000, scheme: 'http', env: null, source: 'a.js:1' });
  });
});

describe('credentials in defaults', () => {
  it('makes a variable whose default URL carries a password a secret, with no value', async () => {
    const { hasUrlPassword } = await import('../../lib/model/secrets.js');
    assert.equal(hasUrlPassword('postgres://app:s3cret@db:5432/app'), true);
    assert.equal(hasUrlPassword('redis://redis:6379/0'), false);
    assert.equal(hasUrlPassword('amqp://guest@rabbit'), false);
    const repo = openRepo(mkdtempSync(join(tmpdir(), 'cred-')));
    const env = collectEnv(repo, '.', [{ name: 'DATABASE_URL', value: 'postgres://app:s3cret@db:5432/app', source: 'db.js:1' } as never]);
    assert.deepEqual(env.DATABASE_URL, { value: null, secret: true, source: 'db.js:1' });
  });
});
