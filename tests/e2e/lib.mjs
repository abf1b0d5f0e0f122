// Shared helpers for the browser journeys: launching Debian's chromium through playwright-core,
// signing in, waiting for full-page form posts, phone-layout and Content-Security-Policy checks on
// every page a journey loads, and screenshots for a human to look at.
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

/** Whether context options describe a phone (the PHONE viewport or anything narrower than a tablet). */
export function isPhone(contextOptions = {}) {
  return Boolean(contextOptions.isMobile) || (contextOptions.viewport?.width ?? Infinity) < 720;
}

/**
 * Runs in the page (an init script, so on every document a phone journey loads, and again after
 * every htmx swap): measures the layout against the phone's width and reports it to the test
 * through the `__e2eLayout` binding. Synchronous in the load event, so a journey that navigates
 * on at once cannot skip a page.
 */
function phoneLayoutProbe(width) {
  if (window.top !== window) return;
  const scrollable = (o) => o === 'auto' || o === 'scroll';
  // Inside a container that scrolls sideways on purpose (a wide table in .table-scroll, say).
  const insideScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body && p !== document.documentElement; p = p.parentElement) {
      if (scrollable(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const describe = (el) => {
    const name = el.getAttribute('name');
    const text = (el.innerText ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 20);
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}${name ? `[name=${name}]` : ''}${text ? ` “${text}”` : ''}`;
  };
  const measure = (when) => {
    const de = document.documentElement;
    const beyond = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const right = r.right + window.scrollX;
      if (insideScroller(el)) continue;
      if (right > width + 1) {
        beyond.push(`${describe(el)}: right edge at ${Math.round(right)}px, beyond ${width}px`);
        continue;
      }
      // Nor out of its card (a form box sticking out of the white card it sits in).
      const card = el.parentElement?.closest('.card');
      if (card && r.right > card.getBoundingClientRect().right + 1) {
        beyond.push(`${describe(el)}: right edge at ${Math.round(right)}px, out of its card ${describe(card)}`);
      }
    }
    // 退出 in the main navigation: rendered, inside the phone's width and not clipped by a scroller.
    let logout = null;
    const button = [...document.querySelectorAll('nav[aria-label=主导航] button')].find((b) => b.textContent.trim() === '退出');
    if (button) {
      const r = button.getBoundingClientRect();
      const style = getComputedStyle(button);
      let clippedBy = '';
      for (let p = button.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX === 'visible') continue;
        const pr = p.getBoundingClientRect();
        if (r.left < pr.left - 1 || r.right > pr.right + 1) clippedBy = describe(p);
      }
      logout = {
        shown: r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none',
        left: Math.round(r.left + window.scrollX),
        right: Math.round(r.right + window.scrollX),
        clippedBy,
      };
    }
    window.__e2eLayout({
      url: location.pathname + location.search,
      when,
      scrollWidth: de.scrollWidth,
      innerWidth: window.innerWidth,
      beyond: beyond.slice(0, 8),
      logout,
    });
  };
  window.addEventListener('load', () => measure('load'));
  document.addEventListener('htmx:afterSettle', () => measure('after an htmx swap'));
}

/** Runs in the page: reports every Content-Security-Policy violation through `__e2eCsp`. */
function cspProbe() {
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__e2eCsp(`${e.violatedDirective} refused ${e.blockedURI || 'inline code'} on ${location.pathname}`);
  });
}

/**
 * A fresh context and page. Collected for the journey to assert on:
 * - `errors`: uncaught script errors on any page;
 * - `csp`: Content-Security-Policy violations (the console's refusals and securitypolicyviolation events);
 * - `layout` (phone contexts only): one measurement per page load and htmx swap, checked with
 *   assertPhoneLayout, so every page a phone journey visits, a new one too, is covered.
 */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...contextOptions });
  const csp = [];
  await context.exposeBinding('__e2eCsp', (_source, text) => csp.push(text));
  await context.addInitScript(cspProbe);
  const layout = [];
  if (isPhone(contextOptions)) {
    const width = contextOptions.viewport?.width ?? PHONE.viewport.width;
    await context.exposeBinding('__e2eLayout', (_source, measured) => layout.push({ ...measured, width }));
    await context.addInitScript(phoneLayoutProbe, width);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(`console: ${m.text()}`);
  });
  return { context, page, errors, csp, layout };
}

/**
 * Asserts every page load (and htmx swap) a phone journey measured: no sideways scrolling at the
 * phone's width (a page wider than the screen also makes a mobile browser zoom out, which shows as
 * innerWidth > the width), no element beyond the right edge or out of its card unless inside a
 * container that scrolls sideways on purpose, and, on signed-in pages, 退出 shown inside the screen.
 */
export async function assertPhoneLayout(page, layout) {
  await page.evaluate(() => 0).catch(() => {}); // lets reports already sent from the page arrive
  assert.ok(layout.length > 0, 'the phone journey measured at least one page');
  const problems = [];
  for (const m of layout) {
    const where = `${m.url} (${m.when})`;
    if (m.scrollWidth > m.width + 1 || m.innerWidth > m.width + 1) {
      problems.push(`${where}: scrolls sideways at ${m.width}px (scrollWidth ${m.scrollWidth}, innerWidth ${m.innerWidth})`);
    }
    for (const b of m.beyond) problems.push(`${where}: ${b}`);
    if (m.logout) {
      const { shown, left, right, clippedBy } = m.logout;
      if (!shown || left < 0 || right > m.width + 1 || clippedBy) {
        problems.push(`${where}: 退出 not reachable (shown ${shown}, ${left}–${right}px${clippedBy ? `, clipped by ${clippedBy}` : ''})`);
      }
    }
  }
  assert.deepEqual(problems, [], `phone layout at every page:\n${problems.join('\n')}`);
}

/**
 * Asserts, now, that the page does not scroll sideways at the viewport's width. Measured against
 * the configured width, not innerWidth: a mobile browser zooms a too-wide page out, and then
 * innerWidth grows with it.
 */
export async function assertNoHorizontalOverflow(page, where) {
  const { width } = page.viewportSize();
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(
    scrollWidth <= width + 1 && innerWidth <= width + 1,
    `${where}: no horizontal overflow at ${width}px (scrollWidth ${scrollWidth}, innerWidth ${innerWidth})`,
  );
}

/** Asserts that 退出 in the main navigation is visible and entirely inside the viewport. */
export async function assertLogoutReachable(page, where) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const logout = page.getByRole('navigation', { name: '主导航' }).getByRole('button', { name: '退出', exact: true });
  assert.ok(await logout.isVisible(), `${where}: 退出 is visible`);
  const box = await logout.boundingBox();
  const { width } = page.viewportSize();
  assert.ok(box && box.x >= 0 && box.x + box.width <= width + 1, `${where}: 退出 inside the ${width}px viewport (${box?.x}–${box && box.x + box.width})`);
  assert.ok(
    await logout.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit === el || el.contains(hit);
    }),
    `${where}: 退出 is not covered or clipped`,
  );
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
