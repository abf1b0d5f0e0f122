// Phone journey of a property-management company user: sign in, the company's own communities
// (tables become cards on phones), the work ledger and a case,
// no sideways scrolling on any page, 退出 within reach, a refused page, and signing out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  assertLogoutReachable,
  assertNoHorizontalOverflow,
  assertPhoneLayout,
  h1,
  launchBrowser,
  login,
  newPage,
  PHONE,
  screenshot,
  submitAndWait,
  url,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('phone: a company user sees only its own communities and is refused the audit trail', { timeout: 90_000 }, async () => {
  const { context, page, errors, layout } = await newPage(browser, {
    ...PHONE,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  });
  try {
    await login(page, 'anju');
    await assertNoHorizontalOverflow(page, 'workbench');
    await assertLogoutReachable(page, 'workbench');

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

    // The work ledger: its filters (a select of long catalog titles) fit the screen.
    await submitAndWait(page, () => nav.getByRole('link', { name: '工作台账', exact: true }).tap());
    assert.equal(await h1(page), '工作台账');
    const filters = await page.locator('form.search > *').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right));
    assert.ok(Math.max(...filters) <= 390 + 1, `the ledger's filters fit the phone (${Math.max(...filters)}px)`);
    await assertNoHorizontalOverflow(page, '/cases');
    await assertLogoutReachable(page, '/cases');
    await screenshot(page, 'phone-ledger');

    // A case from the ledger (the rectification report form on it is checked by notice.test.mjs).
    await submitAndWait(page, () => page.locator('table.ledger tbody td[data-label=编号] a').first().tap());
    assert.match(await h1(page), /^案件 \d+：/);
    await assertNoHorizontalOverflow(page, 'the case page');
    await assertLogoutReachable(page, 'the case page');
    await screenshot(page, 'phone-case');

    // The audit trail is not for companies: a Chinese refusal with 403.
    const res = await page.goto(url('/audit'));
    assert.equal(res.status(), 403, 'GET /audit as a company user');
    assert.equal(await h1(page), '无权访问');
    await assertNoHorizontalOverflow(page, '/audit (refused)');
    await screenshot(page, 'phone');

    // 退出 can be tapped on a phone and signs out.
    await assertLogoutReachable(page, '/audit (refused)');
    const nav2 = page.getByRole('navigation', { name: '主导航' });
    await submitAndWait(page, () => nav2.getByRole('button', { name: '退出', exact: true }).tap());
    assert.equal(new URL(page.url()).pathname, '/login', 'signed out');

    await assertPhoneLayout(page, layout);
    assert.deepEqual(errors, [], 'no script errors');
  } finally {
    await context.close();
  }
});
