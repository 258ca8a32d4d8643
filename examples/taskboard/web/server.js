// Taskboard web UI: the public service. It renders the task list and a form, and
// talks to the internal API (tasks) and stats service over HTTP; it has no Redis
// access of its own. /api/* passes JSON through, for scripts and tests.
import express from 'express';

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST; // undefined: all interfaces
const apiUrl = process.env.API_URL || 'http://api:8000';
const statsUrl = process.env.STATS_URL || 'http://stats:8080';

class UpstreamError extends Error {
  constructor(message, status = 502) {
    super(message);
    this.status = status;
  }
}

/** Calls another service and returns [status, parsed JSON body]. */
async function callJson(url, options = {}) {
  let res;
  try {
    res = await fetch(url, { ...options, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new UpstreamError(`${url}: ${err.cause?.code || err.message}`);
  }
  const body = await res.json().catch(() => null);
  if (res.status >= 500 || body === null) {
    throw new UpstreamError(`${url}: HTTP ${res.status}`);
  }
  return [res.status, body];
}

const listTasks = async () => (await callJson(`${apiUrl}/tasks`))[1].tasks;
const getStats = async () => (await callJson(`${statsUrl}/stats`))[1];
const createTask = (title) =>
  callJson(`${apiUrl}/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  });

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function renderPage({ tasks, stats, errors }) {
  const rows = (tasks || [])
    .map((t) => `<tr><td>${t.id}</td><td>${escapeHtml(t.title)}</td><td class="${escapeHtml(t.status)}">${escapeHtml(t.status)}</td><td>${escapeHtml(t.processed_at || '')}</td></tr>`)
    .join('\n');
  const counters = stats
    ? `created ${stats.created}, processed ${stats.processed}, queued ${stats.queued}, in progress ${stats.in_progress}`
    : 'unavailable';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Taskboard</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; }
  table { border-collapse: collapse; width: 100%; }
  td, th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; }
  .queued { color: #a60; } .done { color: #070; } .error { color: #b00; }
</style>
</head>
<body>
<h1>Taskboard</h1>
${errors.map((e) => `<p class="error">${escapeHtml(e)}</p>`).join('\n')}
<form method="post" action="/tasks">
  <input name="title" maxlength="200" required placeholder="New task" autofocus>
  <button>Add</button>
</form>
<p id="stats">Stats: ${counters}</p>
<table>
<tr><th>#</th><th>Task</th><th>Status</th><th>Processed at</th></tr>
${rows}
</table>
<p><a href="/">Refresh</a></p>
</body>
</html>`;
}

const app = express();
app.disable('x-powered-by');
app.use(express.urlencoded({ extended: false, limit: '16kb' }));
app.use(express.json({ limit: '16kb' }));

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

app.get('/', async (req, res) => {
  const [tasks, stats] = await Promise.allSettled([listTasks(), getStats()]);
  const errors = [tasks, stats].filter((r) => r.status === 'rejected').map((r) => `Unavailable: ${r.reason.message}`);
  res.type('html').send(renderPage({ tasks: tasks.value, stats: stats.value, errors }));
});

// The form posts here; the browser is sent back to the list (post/redirect/get).
app.post('/tasks', async (req, res) => {
  const [status, body] = await createTask(req.body?.title ?? '');
  if (status !== 201) {
    res.status(status).type('html').send(renderPage({ tasks: await listTasks(), stats: null, errors: [body.error] }));
    return;
  }
  res.redirect(303, '/');
});

app.get('/api/tasks', async (req, res) => res.json({ tasks: await listTasks() }));
app.get('/api/tasks/:id', async (req, res) => {
  const [status, body] = await callJson(`${apiUrl}/tasks/${encodeURIComponent(req.params.id)}`);
  res.status(status).json(body);
});
app.post('/api/tasks', async (req, res) => {
  const [status, body] = await createTask(req.body?.title);
  res.status(status).json(body);
});
app.get('/api/stats', async (req, res) => res.json(await getStats()));

// Express 5 sends rejected promises from async handlers here.
app.use((err, req, res, next) => {
  const status = err.status || 500;
  console.error(`${req.method} ${req.path}: ${err.message}`);
  if (res.headersSent) return next(err);
  res.status(status).json({ error: status === 502 ? 'upstream unavailable' : 'internal error' });
});

const server = app.listen(port, host, () => {
  console.log(`web listening on ${host ?? '*'}:${port}, api ${apiUrl}, stats ${statsUrl}`);
});
server.on('error', (err) => {
  console.error(`cannot listen: ${err.message}`);
  process.exit(1);
});

function shutdown(signal) {
  console.log(`received ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
