/**
 * The Dockerfile linter itself: a good Dockerfile passes, and each rule
 * catches the mistake it exists for (one broken variant per rule).
 */
import assert from 'node:assert/strict';
import { lintDockerfile, pinProblem } from '../../lib/validate/dockerfile.js';

const GOOD = `# syntax=docker/dockerfile:1
ARG NODE_VERSION=22
FROM node:\${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app

FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci

FROM deps AS dev
USER 10001:10001
CMD ["node", "--watch", "server.js"]

FROM base AS runtime
LABEL org.opencontainers.image.title="shop-web"
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER 10001:10001
EXPOSE 3000
HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]
CMD ["node", "server.js"]
`;

const lint = (text: string) => lintDockerfile(text, { port: 3000, dependencies: true });
const expectProblem = (text: string, re: RegExp) => {
  const problems = lint(text);
  assert.ok(problems.some((p) => re.test(p)), `expected a problem matching ${re}, got:\n${problems.join('\n')}`);
};

describe('lintDockerfile', () => {
  it('accepts a Dockerfile that follows every rule', () => {
    assert.deepEqual(lint(GOOD), []);
  });

  it('reports dockerfile-utils problems (errors and warnings)', () => {
    expectProblem(GOOD.replace('WORKDIR /app', 'WORKDIR app'), /dockerfile-utils/);
    expectProblem(GOOD.replace('CMD ["node", "server.js"]', 'CMD ["node", "server.js"]\nCMD ["node", "x.js"]'), /dockerfile-utils error\] There can only be one CMD/);
    expectProblem(GOOD.replace('EXPOSE 3000', 'EXPOSE 3000/xyz'), /dockerfile-utils/);
  });

  it('requires the syntax directive on line 1', () => {
    expectProblem(GOOD.replace('# syntax=docker/dockerfile:1\n', ''), /syntax=docker\/dockerfile:1/);
  });

  it('requires pinned base images, resolving ARG defaults', () => {
    expectProblem(GOOD.replace('ARG NODE_VERSION=22', 'ARG NODE_VERSION=latest').replace('${NODE_VERSION}-bookworm-slim', '${NODE_VERSION}'), /latest/);
    expectProblem(GOOD.replace('node:${NODE_VERSION}-bookworm-slim', 'node'), /no tag/);
    assert.equal(pinProblem('node:22@sha256:abc'), null);
    assert.equal(pinProblem('localhost:5000/node'), '"localhost:5000/node" has no tag (an implicit latest)');
    assert.equal(pinProblem('ghcr.io/astral-sh/uv:0.8'), null);
  });

  it('requires a dev stage and a last stage named runtime', () => {
    expectProblem(GOOD.replace('AS dev', 'AS develop'), /no stage named "dev"/);
    expectProblem(GOOD.replace('AS runtime', 'AS prod'), /last stage must be named "runtime"/);
  });

  it('requires a numeric non-root USER 10001:10001 after the last RUN of the runtime stage', () => {
    expectProblem(GOOD.replace(/USER 10001:10001\nEXPOSE/, 'EXPOSE'), /sets no USER/);
    expectProblem(GOOD.replace(/USER 10001:10001\nEXPOSE/, 'USER app\nEXPOSE'), /not numeric/);
    expectProblem(GOOD.replace(/USER 10001:10001\nEXPOSE/, 'USER 0\nEXPOSE'), /root/);
    expectProblem(GOOD.replace(/USER 10001:10001\nEXPOSE/, 'USER 1000:1000\nEXPOSE'), /not 10001:10001/);
    expectProblem(GOOD.replace('EXPOSE 3000', 'RUN mkdir /data\nEXPOSE 3000'), /RUN after the final USER/);
    expectProblem(GOOD.replace(/USER 10001:10001\nCMD \["node", "--watch"/, 'CMD ["node", "--watch"'), /dev stage sets no USER/);
  });

  it('requires the dependency install before the source copy, with a cache mount', () => {
    const late = GOOD.replace('COPY package.json package-lock.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci', 'COPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci');
    expectProblem(late, /source is copied before the dependencies/);
    expectProblem(GOOD.replace('COPY --from=deps /app/node_modules ./node_modules\n', ''), /stage runtime: the whole source is copied before/);
    expectProblem(GOOD.replace('RUN --mount=type=cache,target=/root/.npm npm ci', 'RUN npm ci'), /without a BuildKit cache mount/);
    expectProblem(GOOD.replace('RUN --mount=type=cache,target=/root/.npm npm ci', 'RUN echo no install'), /no dependency install/);
  });

  it('rejects secret-looking ARG and ENV names', () => {
    expectProblem(GOOD.replace('WORKDIR /app', 'WORKDIR /app\nARG NPM_TOKEN'), /NPM_TOKEN looks like a secret/);
    expectProblem(GOOD.replace('WORKDIR /app', 'WORKDIR /app\nENV DB_PASSWORD=hunter2'), /DB_PASSWORD looks like a secret/);
    expectProblem(GOOD.replace('WORKDIR /app', 'WORKDIR /app\nENV API_KEY x'), /API_KEY looks like a secret/);
    expectProblem(GOOD.replace('WORKDIR /app', 'WORKDIR /app\nENV PORT=1 AWS_SECRET_ACCESS_KEY=x'), /AWS_SECRET_ACCESS_KEY/);
    assert.deepEqual(lint(GOOD.replace('WORKDIR /app', 'WORKDIR /app\nENV KEYBOARD=us MONKEY=1')), []);
  });

  it('requires exec-form CMD, ENTRYPOINT and HEALTHCHECK', () => {
    expectProblem(GOOD.replace('CMD ["node", "server.js"]', 'CMD node server.js'), /CMD is not in exec/);
    expectProblem(GOOD.replace('CMD ["node", "server.js"]', 'ENTRYPOINT node\nCMD ["server.js"]'), /ENTRYPOINT is not in exec/);
    expectProblem(GOOD.replace('HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]', 'HEALTHCHECK CMD curl -f http://localhost/'), /HEALTHCHECK CMD is not in exec/);
  });

  it('requires EXPOSE to match the model port and the OCI title label', () => {
    expectProblem(GOOD.replace('EXPOSE 3000', 'EXPOSE 8080'), /EXPOSE 8080, model port 3000/);
    assert.ok(lintDockerfile(GOOD, { port: null }).some((p) => /model port \(none\)/.test(p)));
    expectProblem(GOOD.replace(/LABEL .*\n/, ''), /no org\.opencontainers\.image\.title/);
  });

  it('rejects syntax buildah 1.28 cannot build', () => {
    expectProblem(GOOD.replace('COPY . .', 'COPY --link . .'), /COPY --link/);
    expectProblem(GOOD.replace('EXPOSE 3000', 'RUN <<EOF\necho hi\nEOF\nEXPOSE 3000'), /heredoc/);
    expectProblem(GOOD.replace('RUN --mount=type=cache,target=/root/.npm npm ci', 'RUN --network=none --mount=type=cache,target=/root/.npm npm ci'), /RUN --network/);
  });
});
