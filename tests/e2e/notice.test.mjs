// Phone journey of a property-management company answering a rectification notice: the
// notification, the notice (its PDF opens), signing for it, and the rectification report with a
// photo on the case page.
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
  PNG,
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

test('phone: a company signs for a notice and answers it with a photo', { timeout: 120_000 }, async () => {
  const { context, page, errors, layout } = await newPage(browser, PHONE);
  try {
    await login(page, 'anju');
    await assertLogoutReachable(page, 'the company’s workbench');

    // The in-app notification of the new notice.
    const nav = page.getByRole('navigation', { name: '主导航' });
    await submitAndWait(page, () => nav.getByRole('link', { name: '消息', exact: true }).tap());
    assert.match(await page.locator('ul.notifications').innerText(), /新的整改通知书：阳住建物整〔\d{4}〕\d+号/);

    // The notices list: the unsigned one.
    await submitAndWait(page, () => nav.getByRole('link', { name: '整改通知书', exact: true }).tap());
    const pending = page.locator('table.notices tbody tr', { hasText: '待签收' }).first();
    const number = (await pending.locator('td[data-label=文号]').innerText()).trim();
    await submitAndWait(page, () => pending.locator('td[data-label=文号] a').tap());
    assert.equal(await h1(page), `整改通知书 ${number}`);

    // The PDF is there, as issued.
    const pdfHref = await page.getByRole('link', { name: '查看PDF' }).getAttribute('href');
    const pdf = await page.request.get(url(pdfHref));
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

    // Signing for it.
    await submitAndWait(page, () => page.locator('form[action$="/sign"] button').click());
    assert.match(await page.locator('dd.status').innerText(), /已签收，签收时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    assert.equal(await page.getByRole('button', { name: '签收', exact: true }).count(), 0, 'signed once');

    // The case: report the rectification item by item, the first item with a photo.
    await submitAndWait(page, () => page.locator('dd a[href^="/cases/"]').first().tap());
    assert.match(await page.locator('dd.status').innerText(), /已下发整改通知/);
    const report = page.locator('section#report');
    const items = report.locator('fieldset.item-report');
    const count = await items.count();
    assert.ok(count >= 1, 'one fieldset per catalog item of the case');
    // The report box fits its card on a phone: fieldsets, long item titles, textareas, file inputs.
    const card = await report.boundingBox();
    const rights = await report
      .locator('fieldset, legend, label, textarea, input:not([type=hidden]), button')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().right));
    assert.ok(
      Math.max(...rights) <= card.x + card.width + 0.5,
      `the rectification report stays inside its card (${Math.max(...rights)}px > ${card.x + card.width}px)`,
    );
    for (let i = 0; i < count; i += 1) {
      await items.nth(i).locator('textarea').fill('已更换单元门禁主机和读卡器，经测试全部正常使用。');
    }
    await items.first().locator('input[type=file]').setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: PNG });
    const res = await submitAndWait(page, () => report.getByRole('button', { name: '报送', exact: true }).tap());
    assert.equal(res.status(), 200);
    assert.match(await page.locator('dd.status').innerText(), /企业已反馈/);
    const answered = page.locator('ol.timeline div.item-report');
    assert.equal(await answered.count(), count, 'every item answered on the timeline');
    const photo = answered.first().locator('.photos img').first();
    await photo.waitFor();
    assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo is shown under its item');
    // Nothing on the page says who complained.
    const body = await page.locator('main').innerText();
    assert.doesNotMatch(body, /1[3-9]\d\*{4}\d{4}|投诉人/);

    await assertNoHorizontalOverflow(page, 'the case page');
    await assertLogoutReachable(page, 'the case page');
    await assertPhoneLayout(page, layout);
    assert.deepEqual(errors, [], 'no script errors');
    await screenshot(page, 'phone-notice');
  } finally {
    await context.close();
  }
});
