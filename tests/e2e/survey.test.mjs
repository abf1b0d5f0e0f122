// Phone journey of a satisfaction survey: the owners' committee looks up an unused code on its
// printable sheet; an owner opens the community's public page from the QR poster, follows the
// survey link, types the code and rates every area with touch-sized choices, and submits; the
// same code is then refused.
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

test('phone: an owner answers a satisfaction survey with a one-time code', { timeout: 180_000 }, async () => {
  // The committee's code sheet.
  const committee = await newPage(browser, PHONE);
  let code;
  let communityId;
  try {
    await login(committee.page, 'fchy_ywh');
    await assertLogoutReachable(committee.page, 'the committee’s workbench');
    const nav = committee.page.getByRole('navigation', { name: '主导航' });
    await submitAndWait(committee.page, () => nav.getByRole('link', { name: '满意度测评', exact: true }).tap());
    assert.equal(await h1(committee.page), '满意度测评');
    const survey = committee.page.locator('table.surveys a', { hasText: '凤城花园' }).first();
    await submitAndWait(committee.page, () => survey.tap());
    const sheet = committee.page.locator('a', { hasText: '打印测评码' }).first();
    communityId = (await sheet.getAttribute('href')).split('/').pop();
    await submitAndWait(committee.page, () => sheet.tap());
    // The demo's owners answered with the first codes; the last one is unused.
    code = (await committee.page.locator('.slip code.code').last().innerText()).trim();
    assert.match(code, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await assertPhoneLayout(committee.page, committee.layout);
    assert.deepEqual(committee.errors, [], 'no script errors on the committee’s pages');
  } finally {
    await committee.context.close();
  }

  const { context, page, errors, layout } = await newPage(browser, PHONE);
  try {
    await submitAndWait(page, () => page.goto(url(`/c/${communityId}`)));
    assert.equal(await h1(page), '凤城花园');
    await submitAndWait(page, () => page.locator('section.open-surveys a').first().tap());
    assert.match(await h1(page), /满意度测评/);
    await page.locator('input[name=code]').fill(code.toLowerCase().replace('-', ' '));
    const sets = page.locator('fieldset.rating');
    const n = await sets.count();
    assert.ok(n >= 7, `overall and six areas (${n})`);
    for (let i = 0; i < n; i += 1) {
      const choice = sets.nth(i).locator('label.choice', { hasText: i === 0 ? '满意' : '非常满意' }).first();
      const box = await choice.boundingBox();
      assert.ok(box.height >= 44, `touch target ${box.height}px`);
      await choice.tap();
    }
    await assertNoHorizontalOverflow(page, 'the survey form');
    await submitAndWait(page, () => page.getByRole('button', { name: '提交评价' }).tap());
    await page.locator('.done').waitFor();
    assert.match(await page.locator('.done').innerText(), /提交成功/);
    await screenshot(page, 'survey-phone');

    // The same code again is refused, with the answers kept.
    await submitAndWait(page, () => page.goto(url(page.url().replace(/^https?:\/\/[^/]+/, ''))));
    await page.locator('input[name=code]').fill(code);
    for (let i = 0; i < n; i += 1) {
      await sets.nth(i).locator('label.choice', { hasText: '一般' }).tap();
    }
    const res = await submitAndWait(page, () => page.getByRole('button', { name: '提交评价' }).tap());
    assert.equal(res.status(), 422);
    assert.match(await page.locator('p.err').first().innerText(), /已使用/);
    assert.equal(await page.locator('input[type=radio]:checked').count(), n, 'nothing lost');
    await assertPhoneLayout(page, layout);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
