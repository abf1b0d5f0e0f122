// Phone journey of a township officer inspecting a community in the courtyard: the task list,
// answering the checklist item by item (each answer saved as it is given), a photo of the
// problem straight from the camera input, and submitting: the problem becomes a case.
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
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('phone: a township officer fills an inspection with a photo and submits it', { timeout: 180_000 }, async () => {
  const { context, page, errors, layout } = await newPage(browser, PHONE);
  try {
    await login(page, 'fengcheng');
    await assertLogoutReachable(page, 'the township’s workbench');
    const nav = page.getByRole('navigation', { name: '主导航' });
    await submitAndWait(page, () => nav.getByRole('link', { name: '全面排查', exact: true }).tap());
    assert.equal(await h1(page), '全面排查');
    const task = page.locator('ul.tasks li a').first();
    const community = (await task.innerText()).trim();
    await submitAndWait(page, () => task.tap());
    assert.equal(await h1(page), community);

    const items = page.locator('section.check-item');
    const count = await items.count();
    assert.ok(count >= 3, `a checklist of several items (${count})`);
    // Every item answered by tapping; the last one is a problem, described.
    for (let i = 0; i < count; i += 1) {
      const item = items.nth(i);
      const saved = page.waitForResponse((r) => r.url().includes('/answers/') && r.request().method() === 'POST');
      const label = i === count - 1 ? '存在问题' : '符合';
      await item.locator('label.choice', { hasText: label }).tap();
      assert.equal((await saved).status(), 200);
      await item.locator('.saved .ok').waitFor();
    }
    const last = items.nth(count - 1);
    const note = last.locator('textarea[name=note]');
    const savedNote = page.waitForResponse((r) => r.url().includes('/answers/') && r.request().method() === 'POST');
    await note.fill('垃圾分类投放点满溢，周边有积水和异味，现场未见保洁人员');
    await note.blur();
    await savedNote;
    await last.locator('.saved .ok').waitFor();

    // The photo of the problem, from the camera input; the page comes back with everything kept.
    const file = last.locator('input[type=file][capture=environment]');
    await file.setInputFiles({ name: 'courtyard.png', mimeType: 'image/png', buffer: PNG });
    const res = await submitAndWait(page, () => last.getByRole('button', { name: '上传照片' }).tap());
    assert.equal(res.status(), 200);
    const again = page.locator('section.check-item');
    assert.equal(await again.locator('input[type=radio]:checked').count(), count, 'no answer was lost');
    assert.equal(await again.nth(count - 1).locator('textarea[name=note]').inputValue(), '垃圾分类投放点满溢，周边有积水和异味，现场未见保洁人员');
    const photo = again.nth(count - 1).locator('.photos img').first();
    await photo.waitFor();
    assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo is shown under its item');

    await assertNoHorizontalOverflow(page, 'the inspection form');
    // Answers are large enough to tap in a courtyard.
    const box = await again.first().locator('label.choice').first().boundingBox();
    assert.ok(box && box.height >= 44, `touch target ${box?.height}px high`);
    await screenshot(page, 'phone-inspection');

    // Submitting: the problem goes to the ledger.
    await submitAndWait(page, () => page.getByRole('button', { name: '提交排查表' }).tap());
    assert.match(await page.locator('.flash').innerText(), /排查表已提交，发现问题 \d+ 项，已列入工作台账/);
    assert.match(await page.locator('p.progress').innerText(), /已提交/);
    const caseLink = page.locator('section.check-item a[href^="/cases/"]').last();
    assert.match(await caseLink.innerText(), /已列入工作台账：案件 \d+/);
    await assertPhoneLayout(page, layout);
    assert.deepEqual(errors, [], 'no script errors');
  } finally {
    await context.close();
  }
});
