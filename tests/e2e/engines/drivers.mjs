// Starts a local W3C WebDriver server for one engine and stops it again, whatever happens:
//   firefox  geckodriver (cargo install) driving Debian's Firefox ESR with -headless
//   webkit   Debian's WebKitWebDriver under `xvfb-run -a`, driving WebKitGTK's MiniBrowser
// Each driver listens on 127.0.0.1 on a free port and runs in its own process group, so
// stopping it ends the browser and Xvfb too; the group is also killed when node exits.
//
// Paths can be overridden: PROTOCOL_GECKODRIVER, PROTOCOL_FIREFOX, PROTOCOL_WEBKITDRIVER,
// PROTOCOL_MINIBROWSER.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARTIFACTS, freePort, waitUntil } from '../lib/harness.mjs';

function onPath(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function miniBrowser() {
  if (process.env.PROTOCOL_MINIBROWSER) return process.env.PROTOCOL_MINIBROWSER;
  const lib = '/usr/lib';
  for (const dir of fs.readdirSync(lib)) {
    const candidate = path.join(lib, dir, 'webkit2gtk-4.1', 'MiniBrowser');
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** What each engine needs: its driver's command line and the session's capabilities. */
export const ENGINES = {
  firefox: {
    binaries: () => ({
      driver: process.env.PROTOCOL_GECKODRIVER || onPath('geckodriver') || path.join(os.homedir(), '.cargo', 'bin', 'geckodriver'),
      browser: process.env.PROTOCOL_FIREFOX || '/usr/bin/firefox-esr',
    }),
    command: ({ driver }, port) => [driver, ['--host', '127.0.0.1', '--port', String(port), '--log', 'warn']],
    capabilities: ({ browser }) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: browser,
        args: ['-headless'],
        prefs: {
          'intl.accept_languages': 'en-US',
          'app.update.enabled': false,
          // Anything but loopback goes to a dead proxy: the browser only talks to the tests.
          'network.proxy.type': 1,
          'network.proxy.http': '127.0.0.1',
          'network.proxy.http_port': 9,
          'network.proxy.ssl': '127.0.0.1',
          'network.proxy.ssl_port': 9,
          // The page's console goes to the driver's log (test-results/engines-firefox-driver.log).
          'devtools.console.stdout.content': true,
        },
      },
    }),
    install: 'scripts/lib.sh ensure_firefox and ensure_geckodriver',
  },
  webkit: {
    binaries: () => ({
      driver: process.env.PROTOCOL_WEBKITDRIVER || '/usr/bin/WebKitWebDriver',
      browser: miniBrowser(),
      xvfb: onPath('xvfb-run'),
    }),
    command: ({ driver, xvfb }, port) => [xvfb, ['-a', '-s', '-screen 0 1280x1024x24', driver, `--port=${port}`, '--host=127.0.0.1']],
    capabilities: ({ browser }) => ({
      'webkitgtk:browserOptions': { binary: browser, args: ['--automation'] },
    }),
    install: 'scripts/lib.sh ensure_webkit',
  },
};

// A signal (Ctrl+C, a runner's SIGTERM) ends node without its 'exit' event, which stops the
// drivers here and the server in harness.mjs: turn such a signal into an exit.
let exitsOnSignals = false;
function exitOnSignals() {
  if (exitsOnSignals) return;
  exitsOnSignals = true;
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
    process.once(signal, () => process.exit(128 + number));
  }
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Starts the engine's driver and waits until GET /status says it is ready.
 * Returns { engine, url, capabilities, stop() }.
 */
export async function startDriver(engine) {
  const spec = ENGINES[engine];
  if (!spec) throw new Error(`unknown engine "${engine}" (known: ${Object.keys(ENGINES).join(', ')})`);
  const bins = spec.binaries();
  const missing = Object.entries(bins).filter(([, p]) => !p || !fs.existsSync(p));
  if (missing.length) {
    throw new Error(`${engine}: missing ${missing.map(([k, p]) => `${k} (${p ?? 'not found'})`).join(', ')}; install with ${spec.install}`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const log = fs.createWriteStream(path.join(ARTIFACTS, `engines-${engine}-driver.log`));
  const port = await freePort();
  const [cmd, args] = spec.command(bins, port);
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve((exited = { code, signal })));
    child.on('error', (err) => resolve((exited = { err: err.message })));
  });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.on('exit', killOnExit);
  exitOnSignals();
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    process.off('exit', killOnExit);
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exit;
    clearTimeout(timer);
    // The driver's children (browser, Xvfb) may outlive the group leader by a moment.
    killGroup(child, 'SIGKILL');
  };

  try {
    await waitUntil(async () => {
      if (exited) throw new Error(`${engine} driver exited: ${JSON.stringify(exited)}`);
      const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
      return (await res.json()).value?.ready === true;
    }, { timeout: 20000, interval: 100, message: `${engine} driver at ${url} to be ready` });
  } catch (e) {
    await stop();
    throw e;
  }
  return { engine, url, capabilities: spec.capabilities(bins), stop };
}
