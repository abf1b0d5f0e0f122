// Phone journey of a resident: scan-to-form with a community preselected, a complaint with a
// photo, the receipt with its tracking code, and the tracking page it links to.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { assertNoHorizontalOverflow, assertPhoneLayout, launchBrowser, newPage, PHONE, PNG, screenshot, submitAndWait, url } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('phone: a resident files a complaint with a photo and follows it by tracking code', { timeout: 90_000 }, async () => {
  const { context, page, errors, layout } = await newPage(browser, PHONE);
  try {
    await page.goto(url('/'));
    await submitAndWait(page, () => page.getByRole('link', { name: '我要投诉举报' }).click());
    await page.locator('select[name=community_id]').selectOption({ label: '凤城花园' });
    await page.locator('select[name=catalog_code]').selectOption({ index: 3 });
    await page.locator('textarea[name=description]').fill('三号楼电梯经常停运，物业报修后一周无人处理');
    await page.locator('input[name=photos]').setInputFiles({ name: 'elevator.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('input[name=name]').fill('张女士');
    await page.locator('input[name=phone]').fill('13700001234');
    await page.locator('input[name=consent]').check();
    const res = await submitAndWait(page, () => page.getByRole('button', { name: '提交投诉' }).click());
    assert.equal(res.status(), 200);
    const code = (await page.locator('.tracking-code').textContent()).trim();
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.$/);
    assert.equal((await page.locator('.track-status .status').textContent()).trim(), '待受理');
    await screenshot(page, 'complaint-receipt');

    // Later, from the tracking page, typed sloppily.
    await page.goto(url('/track'));
    await page.locator('input[name=code]').fill(code.replaceAll('-', '').toLowerCase());
    await submitAndWait(page, () => page.getByRole('button', { name: '查询' }).click());
    assert.equal((await page.locator('.track-status dd code').textContent()).trim(), code);
    const body = await page.locator('body').textContent();
    assert.ok(!body.includes('13700001234'), 'the public page shows no phone number');
    await assertNoHorizontalOverflow(page, 'the tracking page');
    await screenshot(page, 'complaint-track');
    await assertPhoneLayout(page, layout);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
