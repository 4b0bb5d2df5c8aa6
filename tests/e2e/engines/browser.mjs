// A browser session over plain W3C WebDriver (selenium-webdriver's HTTP client, pointed at a
// driver started by drivers.mjs: it never looks for, starts or downloads a driver itself),
// with the few page helpers the engine tests need: find by role and name, wait, hover, type.

import fs from 'node:fs';
import path from 'node:path';
import { WebDriver, Capabilities, Key } from 'selenium-webdriver';
import { Executor, HttpClient } from 'selenium-webdriver/http/index.js';
import { ARTIFACTS, waitUntil } from '../lib/harness.mjs';
import { queryByRole, recordErrors } from './dom.mjs';

export { Key };

/** A name to match: a string (exact), a RegExp, or { includes: 'text' }. */
function nameArg(name) {
  if (name instanceof RegExp) return { regex: name.source, flags: name.flags };
  return name ?? null;
}

function describe(role, name, scope) {
  const where = scope?.shadow ? ' in the shadow root' : scope ? ' in its scope' : '';
  return `${role}${name == null ? '' : ` named ${name instanceof RegExp ? name : JSON.stringify(name)}`}${where}`;
}

/**
 * Opens a session on a running driver. `viewport` is { width, height } of the page's
 * viewport (the window is sized around it, its toolbars differing by engine). Returns a Page.
 */
export async function openSession(driverHandle, { viewport = { width: 1024, height: 768 } } = {}) {
  const executor = new Executor(new HttpClient(driverHandle.url));
  const driver = WebDriver.createSession(executor, new Capabilities(driverHandle.capabilities));
  await driver.getSession();
  await driver.manage().setTimeouts({ script: 15000, pageLoad: 30000, implicit: 0 });
  const window = driver.manage().window();
  await window.setRect({ x: 0, y: 0, ...viewport });
  // The window is its viewport plus the engine's toolbars: grow it by what is missing, a few
  // times (a window manager may settle a size a step late).
  let got = await driver.executeScript('return [innerWidth, innerHeight]');
  for (let step = 0; step < 4 && (got[0] !== viewport.width || got[1] !== viewport.height); step++) {
    const rect = await window.getRect();
    await window.setRect({
      width: rect.width + viewport.width - got[0],
      height: rect.height + viewport.height - got[1],
    });
    await driver.sleep(100);
    got = await driver.executeScript('return [innerWidth, innerHeight]');
  }
  if (got[0] !== viewport.width || got[1] !== viewport.height) {
    await driver.quit();
    // Windows have a minimum width: here 500 px in headless Firefox, 447 px in MiniBrowser.
    throw new Error(`${driverHandle.engine}: asked for a ${viewport.width}×${viewport.height} viewport, got ${got[0]}×${got[1]}`);
  }
  return new Page(driver, driverHandle.engine);
}

/** One browser window: navigation, finding by role, actions, and failure snapshots. */
export class Page {
  constructor(driver, engine) {
    this.driver = driver;
    this.engine = engine;
  }

  /** Loads `url` from a blank page (a fresh app start even if only the fragment differs). */
  async open(url) {
    await this.driver.get('about:blank');
    await this.driver.get(url);
    await this.run(recordErrors);
    await this.run((u) => console.info(`[engines] opened ${u}`), url);
  }

  /** Runs a self-contained function in the page with JSON or element arguments. */
  run(fn, ...args) {
    return this.driver.executeScript(fn, ...args);
  }

  /** Every rendered element of `role` named `name`; `scope` is an element or { shadow: host }. */
  all(role, name, scope) {
    const el = scope?.shadow ?? scope ?? null;
    return this.run(queryByRole, el, Boolean(scope?.shadow), role, nameArg(name));
  }

  /** The first rendered element of `role` named `name`, or null. */
  async find(role, name, scope) {
    return (await this.all(role, name, scope))[0] ?? null;
  }

  /** Waits until an element of `role` named `name` renders; returns it. */
  byRole(role, name, scope, timeout = 10000) {
    return waitUntil(() => this.find(role, name, scope), { timeout, message: describe(role, name, scope) });
  }

  /** Waits until no element of `role` named `name` renders. */
  gone(role, name, scope, timeout = 10000) {
    return waitUntil(async () => (await this.all(role, name, scope)).length === 0,
      { timeout, message: `${describe(role, name, scope)} to go away` });
  }

  /** Waits for `fn` (an async node function) to return a truthy value. */
  until(fn, message, timeout = 10000) {
    return waitUntil(fn, { timeout, interval: 100, message });
  }

  /** The article in `feed` carrying `data-message-id`, or null. */
  async article(feed, id) {
    return this.run((f, mid) => f.querySelector(`article[data-message-id="${mid}"]`), feed, id);
  }

  /** Moves the pointer over `el` (it is scrolled into view first). */
  async hover(el) {
    await this.run((e) => e.scrollIntoView({ block: 'center' }), el);
    await this.driver.actions({ async: true }).move({ origin: el }).perform();
  }

  /**
   * Clicks `el` with the pointer at its centre (scrolled into view first). Unlike Element
   * Click it has no hit-test check, which WebKitWebDriver gets wrong for a textarea inside a
   * shadow root (it reports the click as intercepted by the shadow host).
   */
  async pointerClick(el) {
    await this.run((e) => e.scrollIntoView({ block: 'center' }), el);
    await this.driver.actions({ async: true }).move({ origin: el }).click().perform();
  }

  /** Clicks into `el`, types `text` and presses Enter. */
  async typeAndEnter(el, text) {
    await this.pointerClick(el);
    await el.sendKeys(text);
    await el.sendKeys(Key.ENTER);
  }

  /** Errors the page reported since it opened (see dom.mjs recordErrors). */
  errors() {
    return this.run(() => window.__engineErrors || []);
  }

  /** Writes a screenshot and the page source to the artefacts folder. */
  async snapshot(label) {
    const safe = label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 120);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    try {
      fs.writeFileSync(path.join(ARTIFACTS, `${safe}.png`), await this.driver.takeScreenshot(), 'base64');
      fs.writeFileSync(path.join(ARTIFACTS, `${safe}.html`), await this.driver.getPageSource());
    } catch {
      // best effort: the session may be gone
    }
  }

  async quit() {
    try {
      await this.driver.quit();
    } catch {
      // the driver is stopped next anyway
    }
  }
}
