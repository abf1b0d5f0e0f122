// Shared helpers for the browser journeys: launching Debian's chromium through playwright-core,
// signing in, waiting for full-page form posts, and screenshots for a human to look at.
import assert from 'node:assert/strict';
import path from 'node:path';

import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.E2E_BASE_URL ?? '').replace(/\/+$/, '');
export const PASSWORD = process.env.E2E_PASSWORD ?? '';
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const SHOT_DIR = process.env.E2E_SHOT_DIR || '/tmp';

if (!BASE_URL || !PASSWORD) {
  throw new Error('E2E_BASE_URL and E2E_PASSWORD must be set: run the suite with tests/e2e/run.sh');
}

/** A phone-sized touch viewport (iPhone 14-like), for the residents' and companies' journeys. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

/** A 1×1 PNG to upload: the server re-encodes whatever it gets into a JPEG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Absolute URL of an application path. */
export const url = (p) => `${BASE_URL}${p}`;

/** Headless chromium, as installed by Debian (playwright-core downloads no browser). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh context and page; uncaught script errors on any page are collected in `errors`
 * so a journey can assert there were none.
 */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...contextOptions });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

/**
 * Runs `action` (which submits a form or follows a link) and waits until the new document has
 * loaded. Returns the final main-document response of that navigation. Works when the new page has
 * the same URL as the old one (a re-rendered form), which waitForURL cannot tell apart.
 */
export async function submitAndWait(page, action) {
  await page.evaluate(() => {
    window.__e2eStale = true;
  });
  // The final response of the navigation: redirects (a successful sign-in answers 303) are followed.
  const response = page.waitForResponse(
    (r) =>
      r.request().isNavigationRequest() &&
      r.frame() === page.mainFrame() &&
      !(r.status() >= 300 && r.status() < 400),
  );
  await action();
  const res = await response;
  await page.waitForFunction(() => !window.__e2eStale && document.readyState === 'complete');
  return res;
}

/** Fills the login form on /login and submits it; returns the response to the POST. */
export async function submitLogin(page, username, password) {
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  return submitAndWait(page, () => page.getByRole('button', { name: '登录', exact: true }).click());
}

/** Opens /login and signs in; asserts that the sign-in landed on the workbench. */
export async function login(page, username, password = PASSWORD) {
  const res = await page.goto(url('/login'));
  assert.equal(res.status(), 200, 'GET /login');
  await submitLogin(page, username, password);
  assert.equal(new URL(page.url()).pathname, '/', `after signing in as ${username} the page is ${page.url()}`);
}

/** Text of the first h1, whitespace collapsed. */
export async function h1(page) {
  return (await page.locator('h1').first().innerText()).replace(/\s+/g, ' ').trim();
}

/** Saves a full-page screenshot to /tmp/e2e-NAME.png (outside the repository). */
export async function screenshot(page, name) {
  const file = path.join(SHOT_DIR, `e2e-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
