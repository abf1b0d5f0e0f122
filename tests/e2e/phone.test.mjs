// Phone journey of a property-management company user: sign in, the company's own communities
// (tables become cards on phones), no sideways scrolling, and a refused page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { h1, launchBrowser, login, newPage, PHONE, screenshot, submitAndWait, url } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Asserts that the page does not scroll sideways. */
async function assertNoHorizontalOverflow(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(
    scrollWidth <= innerWidth + 1,
    `${where}: no horizontal overflow on a phone (scrollWidth ${scrollWidth} > innerWidth ${innerWidth})`,
  );
}

test('phone: a company user sees only its own communities and is refused the audit trail', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, {
    ...PHONE,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  });
  try {
    await login(page, 'anju');
    await assertNoHorizontalOverflow(page, 'workbench');

    // The communities list, reached from the navigation with a tap.
    const nav = page.getByRole('navigation', { name: '主导航' });
    await submitAndWait(page, () => nav.getByRole('link', { name: '小区', exact: true }).tap());
    assert.equal(new URL(page.url()).pathname, '/communities');
    const cells = page.locator('table.list tbody td[data-label=小区]');
    const names = (await cells.allInnerTexts()).map((t) => t.trim()).sort();
    assert.deepEqual(names, ['凤城花园', '芹池花苑', '阳城新苑'].sort(), 'only the company’s three communities');

    // Rows are laid out as cards: no table header, each row a block.
    assert.equal(await page.locator('table.list thead').isVisible(), false, 'the table header is hidden on phones');
    const display = await page.locator('table.list tbody tr').first().evaluate((tr) => getComputedStyle(tr).display);
    assert.equal(display, 'block', 'rows are cards on phones');
    await assertNoHorizontalOverflow(page, '/communities');
    await screenshot(page, 'phone-communities');

    // The audit trail is not for companies: a Chinese refusal with 403.
    const res = await page.goto(url('/audit'));
    assert.equal(res.status(), 403, 'GET /audit as a company user');
    assert.equal(await h1(page), '无权访问');
    await assertNoHorizontalOverflow(page, '/audit (refused)');

    assert.deepEqual(errors, [], 'no script errors');
    await screenshot(page, 'phone');
  } finally {
    await context.close();
  }
});
