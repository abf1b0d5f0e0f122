// Desktop journey of a housing-bureau staff member: sign in, the workbench, the communities
// list, a search, one community's page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { h1, launchBrowser, login, newPage, screenshot, submitAndWait } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('desktop: bureau staff signs in, searches the communities and opens one', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  try {
    await login(page, 'zhangkaidong');

    // The workbench of the county, with the number of communities on a tile.
    assert.equal(await h1(page), '阳城县 工作台');
    const tile = page.locator('a.tile').filter({ has: page.locator('span:not(.num)', { hasText: /^小区$/ }) });
    assert.equal(await tile.count(), 1, 'one 小区 tile');
    assert.equal((await tile.locator('.num').innerText()).trim(), '20', 'the 小区 tile counts the 20 demo communities');

    // The main navigation leads to the communities list.
    const nav = page.getByRole('navigation', { name: '主导航' });
    await submitAndWait(page, () => nav.getByRole('link', { name: '小区', exact: true }).click());
    assert.equal(new URL(page.url()).pathname, '/communities');
    assert.equal(await h1(page), '小区');
    const names = (await page.locator('table.list tbody td[data-label=小区]').allInnerTexts()).map((t) => t.trim());
    assert.ok(names.includes('凤城花园'), `the list shows 凤城花园; it shows ${JSON.stringify(names)}`);

    // Searching narrows the list to the one matching community.
    const q = page.locator('input[name=q]');
    await q.fill('析城');
    await submitAndWait(page, () => q.press('Enter'));
    assert.equal(new URL(page.url()).searchParams.get('q'), '析城', `the search is in the URL: ${page.url()}`);
    assert.equal(await q.inputValue(), '析城', 'the search box keeps the query');
    const rows = page.locator('table.list tbody tr');
    assert.equal(await rows.count(), 1, 'exactly one row');
    assert.equal(await rows.locator('td.empty').count(), 0, 'the row is a data row, not the empty-list row');
    assert.match(await rows.first().innerText(), /析城山庄/);

    // The community's own page.
    await submitAndWait(page, () => rows.first().getByRole('link', { name: '析城山庄' }).click());
    assert.match(new URL(page.url()).pathname, /^\/communities\/\d+$/);
    assert.equal(await h1(page), '析城山庄');
    const facts = await page.locator('dl.facts').innerText();
    assert.ok(facts.includes('元/㎡·月'), `the facts list gives the fee in 元/㎡·月: ${facts}`);

    assert.deepEqual(errors, [], 'no script errors');
    await screenshot(page, 'desktop');
  } finally {
    await context.close();
  }
});

