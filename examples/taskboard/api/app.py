"""Taskboard API: an internal HTTP API that stores tasks in Redis and queues them for the worker.

Standard library only. Endpoints:
  GET  /health       liveness, does not touch Redis
  GET  /tasks        the newest tasks (up to 100)
  POST /tasks        {"title": "..."} -> 201 with the new task, queued for the worker
  GET  /tasks/<id>   one task, 404 when unknown
"""

import json
import logging
import os
import signal
import socket
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

HOST = os.environ.get("HOST", "0.0.0.0")
PORT = int(os.environ.get("PORT", "8000"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://redis:6379/0")

# Redis keys shared with the worker and the stats service.
NEXT_ID = "taskboard:next_id"
TASKS = "taskboard:tasks"  # list of task ids, newest first
QUEUE = "taskboard:queue"  # list of task ids waiting for the worker
CREATED = "taskboard:stats:created"
MAX_TITLE = 200

log = logging.getLogger("api")


class RedisError(Exception):
    """An error reply from Redis, or a broken connection."""


class Redis:
    """A minimal RESP2 client: one connection, commands sent as arrays of bulk strings."""

    def __init__(self, url, timeout=3.0):
        parts = urlsplit(url)
        if parts.scheme != "redis":
            raise ValueError(f"REDIS_URL must start with redis://, got {url!r}")
        self._sock = socket.create_connection((parts.hostname or "localhost", parts.port or 6379), timeout)
        self._file = self._sock.makefile("rb")
        if parts.password:
            auth = [unquote(parts.username), unquote(parts.password)] if parts.username else [unquote(parts.password)]
            self.execute("AUTH", *auth)
        db = parts.path.lstrip("/")
        if db and db != "0":
            self.execute("SELECT", db)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()
        self._sock.close()

    def execute(self, *args):
        return self.pipeline([args])[0]

    def pipeline(self, commands):
        """Send several commands in one write and return their replies in order."""
        out = bytearray()
        for args in commands:
            out += b"*%d\r\n" % len(args)
            for arg in args:
                data = str(arg).encode()
                out += b"$%d\r\n%s\r\n" % (len(data), data)
        self._sock.sendall(out)
        replies = [self._read() for _ in commands]
        for reply in replies:
            if isinstance(reply, RedisError):
                raise reply
        return replies

    def _read(self):
        line = self._file.readline()
        if not line.endswith(b"\r\n"):
            raise RedisError("connection closed by Redis")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = self._file.read(size + 2)
            if len(data) != size + 2:
                raise RedisError("connection closed by Redis")
            return data[:-2].decode()
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self._read() for _ in range(size)]
        raise RedisError(f"unexpected reply {line!r}")


def task_key(task_id):
    return f"taskboard:task:{task_id}"


def as_task(fields):
    """HGETALL's flat [k1, v1, k2, v2...] list as a task dict, None when the hash is missing."""
    if not fields:
        return None
    task = dict(zip(fields[::2], fields[1::2]))
    task["id"] = int(task["id"])
    return task


def list_tasks(limit=100):
    with Redis(REDIS_URL) as r:
        ids = r.execute("LRANGE", TASKS, 0, limit - 1)
        if not ids:
            return []
        replies = r.pipeline([("HGETALL", task_key(i)) for i in ids])
    return [t for t in map(as_task, replies) if t]


def get_task(task_id):
    with Redis(REDIS_URL) as r:
        return as_task(r.execute("HGETALL", task_key(task_id)))


def create_task(title):
    with Redis(REDIS_URL) as r:
        task_id = r.execute("INCR", NEXT_ID)
        task = {
            "id": task_id,
            "title": title,
            "status": "queued",
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        fields = [x for kv in task.items() for x in kv]
        # The hash exists before its id reaches the queue, all in one transaction.
        r.pipeline([
            ("MULTI",),
            ("HSET", task_key(task_id), *fields),
            ("LPUSH", TASKS, task_id),
            ("LPUSH", QUEUE, task_id),
            ("INCR", CREATED),
            ("EXEC",),
        ])
    return task


class Handler(BaseHTTPRequestHandler):
    server_version = "taskboard-api"

    def do_GET(self):
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/health":
            return self.send_json(HTTPStatus.OK, {"status": "ok"})
        if path == "/tasks":
            return self.with_redis(lambda: self.send_json(HTTPStatus.OK, {"tasks": list_tasks()}))
        if path.startswith("/tasks/"):
            task_id = path[len("/tasks/"):]
            if not task_id.isdigit():
                return self.send_json(HTTPStatus.NOT_FOUND, {"error": "no such task"})

            def found():
                task = get_task(int(task_id))
                if task is None:
                    return self.send_json(HTTPStatus.NOT_FOUND, {"error": "no such task"})
                return self.send_json(HTTPStatus.OK, task)

            return self.with_redis(found)
        return self.send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})

    def do_POST(self):
        if self.path.split("?", 1)[0].rstrip("/") != "/tasks":
            return self.send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})
        try:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(min(length, 64 * 1024)) or b"{}")
        except (ValueError, UnicodeDecodeError):
            return self.send_json(HTTPStatus.BAD_REQUEST, {"error": "body must be JSON"})
        title = body.get("title") if isinstance(body, dict) else None
        if not isinstance(title, str) or not title.strip():
            return self.send_json(HTTPStatus.BAD_REQUEST, {"error": "title is required"})
        if len(title) > MAX_TITLE:
            return self.send_json(HTTPStatus.BAD_REQUEST, {"error": f"title is longer than {MAX_TITLE} characters"})

        def created():
            task = create_task(title.strip())
            log.info("created task %s", task["id"])
            self.send_json(HTTPStatus.CREATED, task, {"Location": f"/tasks/{task['id']}"})

        return self.with_redis(created)

    def with_redis(self, action):
        try:
            return action()
        except (OSError, RedisError) as err:
            log.error("redis: %s", err)
            return self.send_json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "redis unavailable"})

    def send_json(self, status, payload, headers=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        log.info("%s %s", self.address_string(), fmt % args)


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    server = ThreadingHTTPServer((HOST, PORT), Handler)
    server.daemon_threads = True

    def stop(signum, _frame):
        log.info("received %s, shutting down", signal.Signals(signum).name)
        # shutdown() waits for serve_forever() to return, which runs in this (main) thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    redis = urlsplit(REDIS_URL)  # logged without its password
    log.info("listening on %s:%d, redis at %s:%s%s", HOST, PORT, redis.hostname, redis.port or 6379, redis.path)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    log.info("stopped")


if __name__ == "__main__":
    main()
