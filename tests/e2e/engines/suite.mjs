// One spec file's environment for an engine: the real protocol-server (harness.mjs
// startServer: loopback, free port, demo seed, --static dist, --test-control), the engine's
// driver and one browser session, all stopped after the file (also when tests fail). The
// viewport size is an option (default 1024×768, as in the Chromium suite), so a layout (a
// phone's, say) can get its own spec file:
//   const env = engineSuite('webkit', { viewport: { width: 390, height: 844 }, label: 'webkit-phone' });

import { before, after, beforeEach } from 'node:test';
import { startServer, KEVIN, CONVERSATION } from '../lib/harness.mjs';
import { startDriver } from './drivers.mjs';
import { openSession } from './browser.mjs';

export function engineSuite(engine, { viewport, label = engine } = {}) {
  const name = `engines-${label}`;
  const env = {
    engine,
    server: null,
    driver: null,
    page: null,
    /** Opens the standalone app on the demo conversation; resolves to the feed "Messages". */
    async openChat({ token = KEVIN.token, conversation = CONVERSATION } = {}) {
      await env.page.open(`${env.server.url}/#token=${encodeURIComponent(token)}&conversation=${encodeURIComponent(conversation)}`);
      const feed = await env.page.byRole('feed', 'Messages', null, 30000);
      await env.page.byRole('article', null, feed, 20000);
      return feed;
    },
    /** Wraps a test body: on failure leaves a screenshot and the page source. */
    wrap(fn) {
      return async (t) => {
        try {
          await fn(t);
        } catch (e) {
          await env.page?.snapshot(`${name}-${t?.name || 'failure'}`);
          throw e;
        }
      };
    },
  };
  before(async () => {
    env.server = await startServer({ name });
    env.driver = await startDriver(engine);
    env.page = await openSession(env.driver, { viewport });
  }, { timeout: 120000 });
  beforeEach(async () => {
    if (env.server) await env.server.setFaults({});
  });
  after(async () => {
    await env.page?.quit();
    await env.driver?.stop();
    await env.server?.stop();
  }, { timeout: 30000 });
  return env;
}
