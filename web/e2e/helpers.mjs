// Shared by the browser tests: the service address, Debian's Chromium driven
// by playwright-core (installed with the explorer's packages, so there is one
// lockfile), and the API itself, which gives the expected values.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../explorer/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('BASE_URL is not set: give the address of a running service, such as BASE_URL=http://127.0.0.1:8091');
}

export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
mkdirSync(SCREENSHOTS, { recursive: true });

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// openPage gives a fresh page and the problems it reports: script errors,
// console errors (failed requests and Content-Security-Policy refusals land
// there) and failed responses. A test asserts the list is empty at its end.
export async function openPage(browser, viewport = LAPTOP) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return { page, context, problems };
}

export function url(path) {
  return `${BASE_URL}${path}`;
}

// api asks the service directly, as the tests' source of truth.
export async function api(query, variables = {}) {
  const res = await fetch(url('/graphql'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`API: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export function shot(page, name, options = {}) {
  return page.screenshot({ path: `${SCREENSHOTS}${name}.png`, ...options });
}

// bodyOverflow measures what "readable at phone width" means for the page:
// wide content (the matrix, the drawing) scrolls inside its own box.
export function bodyOverflow(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}
