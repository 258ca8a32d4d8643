/** Facts read off an exec-form command line. */

/**
 * The port an exec-form start command listens on, when it says so: --port 8000,
 * -p 3000, --bind 0.0.0.0:8000, --urls http://+:8080, -Dserver.port=8081,
 * `manage.py runserver 0.0.0.0:8000`. Null when the command names no port.
 */
export function portInCommand(words: string[]): number | null {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1] ?? '';
    let m = /^(?:--port|--server\.port|-Dserver\.port|--http-port|PORT)=(\d{1,5})$/.exec(w) ?? /^(?:--bind|--listen|--urls|-b)=.*:(\d{1,5})$/.exec(w);
    if (!m && /^(?:--port|-p|--http-port)$/.test(w)) m = /^(\d{1,5})$/.exec(next);
    if (!m && /^(?:--bind|-b|--listen|--urls|--host-port)$/.test(w)) m = /:(\d{1,5})$/.exec(next);
    if (!m) m = /^(?:0\.0\.0\.0|\[::\]|\*|localhost|127\.0\.0\.1):(\d{1,5})$/.exec(w);
    const port = m ? Number(m[1]) : NaN;
    if (port >= 1 && port <= 65535) return port;
  }
  return null;
}
