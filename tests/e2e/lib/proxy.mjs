// A small HTTP proxy for fault tests: it sits in front of the real protocol-server on
// 127.0.0.1 and forwards everything (the app's static files, `/v1` calls, and the
// Server-Sent Events stream, unbuffered), except what a test tells it to break.
//
//   const proxy = await startProxy(server.url);
//   page.goto(`${proxy.url}/#token=…&conversation=…`)   // app and API through the proxy
//   proxy.inject({ method: 'GET', path: /^\/v1\/messages/, times: 1, answer: 'html502' });
//   proxy.cutStreams();                                   // drops every open SSE response
//   await proxy.stop();
//
// Answers a rule can give instead of forwarding (the request never reaches the server,
// except for 'truncated' and 'wrongTypes', which forward first and then mangle the real
// answer):
//   'html502'    502 with an nginx-style HTML page (Content-Type text/html)
//   'truncated'  the server's real answer cut in half (valid status, broken JSON)
//   'wrongTypes' the server's real answer with every field's type changed
//                (strings -> numbers, numbers -> strings, arrays -> objects …)
//   '401'        401 with the API's error envelope (authentication_error)
//   'reset'      the connection destroyed without an answer (a network error)
//   or a function (req) => ({ status, headers, body })
//
// `proxy.log` lists every request as { method, path, injected } in arrival order.

import http from 'node:http';

const HTML_502 = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>
<script>window.__proxy502Ran = true;</script>
</body></html>
`;

function mangle(value, depth = 0) {
  if (Array.isArray(value)) {
    // An array becomes an object of its (mangled) items.
    return Object.fromEntries(value.map((v, i) => [`item${i}`, mangle(v, depth + 1)]));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mangle(v, depth + 1)]));
  }
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return { null: true };
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'etag',
};

export async function startProxy(target, { port = 0 } = {}) {
  const upstream = new URL(target);
  const rules = [];
  const log = [];
  const streams = new Set();
  const sockets = new Set();

  const forward = (req, res, body, { onAnswer } = {}) => {
    const headers = { ...req.headers, host: upstream.host };
    const up = http.request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    }, (upRes) => {
      const isStream = /text\/event-stream/.test(upRes.headers['content-type'] || '');
      if (onAnswer && !isStream) {
        const chunks = [];
        upRes.on('data', (c) => chunks.push(c));
        upRes.on('end', () => {
          const out = onAnswer({ status: upRes.statusCode, headers: upRes.headers, body: Buffer.concat(chunks) });
          const h = { ...upRes.headers, ...out.headers };
          delete h['content-length'];
          delete h['transfer-encoding'];
          h['content-length'] = Buffer.byteLength(out.body);
          res.writeHead(out.status ?? upRes.statusCode, h);
          res.end(out.body);
        });
        upRes.on('error', () => res.destroy());
        return;
      }
      res.writeHead(upRes.statusCode, upRes.headers);
      if (isStream) {
        res.flushHeaders();
        streams.add(res);
        res.on('close', () => { streams.delete(res); up.destroy(); });
        upRes.on('data', (c) => res.write(c));
        upRes.on('end', () => res.end());
        upRes.on('error', () => res.destroy());
      } else {
        upRes.pipe(res);
      }
    });
    up.on('error', () => { if (!res.headersSent) res.destroy(); else res.end(); });
    res.on('close', () => { if (!res.writableFinished) up.destroy(); });
    up.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, 'http://proxy');
      const rule = rules.find((r) => r.times > 0
        && (!r.method || r.method === req.method)
        && (r.path instanceof RegExp ? r.path.test(url.pathname) : url.pathname === r.path));
      if (!rule || req.method === 'OPTIONS') {
        log.push({ method: req.method, path: url.pathname + url.search, injected: null });
        forward(req, res, body);
        return;
      }
      rule.times -= 1;
      rule.used += 1;
      const answer = rule.answer;
      log.push({ method: req.method, path: url.pathname + url.search, injected: typeof answer === 'string' ? answer : 'custom' });
      if (typeof answer === 'function') {
        const out = answer({ method: req.method, path: url.pathname, body: body.toString() });
        res.writeHead(out.status ?? 200, { ...CORS, 'content-type': 'application/json', ...(out.headers || {}) });
        res.end(out.body ?? '');
        return;
      }
      switch (answer) {
        case 'html502':
          res.writeHead(502, { ...CORS, 'content-type': 'text/html; charset=utf-8' });
          res.end(HTML_502);
          return;
        case '401':
          res.writeHead(401, { ...CORS, 'content-type': 'application/json' });
          res.end(JSON.stringify({
            type: 'authentication_error',
            message: 'No valid API key provided.',
            documentation_url: 'https://protocol.chat/docs/errors/authentication_error',
          }));
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'truncated':
          forward(req, res, body, {
            onAnswer: ({ body: b }) => ({ body: b.subarray(0, Math.max(1, Math.floor(b.length / 2))) }),
          });
          return;
        case 'wrongTypes':
          forward(req, res, body, {
            onAnswer: ({ body: b }) => {
              let json;
              try { json = JSON.parse(b.toString()); } catch { return { body: b }; }
              return { body: Buffer.from(JSON.stringify(mangle(json))) };
            },
          });
          return;
        default:
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`proxy: unknown answer ${answer}`);
      }
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: actual } = server.address();
  const kill = () => { for (const s of sockets) s.destroy(); };
  process.on('exit', kill);
  let stopped = false;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    log,
    /** Breaks the next `times` requests matching method/path with `answer`. Returns the rule. */
    inject({ method, path, times = 1, answer }) {
      const rule = { method, path, times, answer, used: 0 };
      rules.push(rule);
      return rule;
    },
    /** Removes every rule: everything is forwarded again. */
    clear() { rules.length = 0; },
    /** Drops every open event stream (the connection closes mid-stream). Returns how many. */
    cutStreams() {
      const n = streams.size;
      for (const s of [...streams]) { streams.delete(s); s.destroy(); }
      return n;
    },
    get openStreams() { return streams.size; },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', kill);
      for (const s of [...streams]) s.destroy();
      kill();
      await new Promise((r) => server.close(() => r()));
    },
  };
}
