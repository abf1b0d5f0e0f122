// Phone journey of an owners' committee member keeping the owner roster (业主名册): from the
// community's page to its roster, the totals by 第9条, owners shown masked, and a unit added
// with its owner, which the totals count at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { assertNoHorizontalOverflow, h1, launchBrowser, login, newPage, PHONE, screenshot, submitAndWait, url } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const number = async (page, selector) => Number((await page.locator(selector).innerText()).replace(/[^0-9.]/g, ''));

test('phone: the owners\' committee keeps its roster and sees the 第9条 totals move', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, PHONE);
  try {
    await login(page, 'fchy_ywh');

    // The committee's community, then its roster from the community page.
    await page.goto(url('/communities'));
    await submitAndWait(page, () => page.getByRole('link', { name: '凤城花园' }).first().click());
    assert.equal(await h1(page), '凤城花园');
    await submitAndWait(page, () => page.locator('a.roster-link').click());
    assert.match(new URL(page.url()).pathname, /^\/communities\/\d+\/roster$/);
    assert.equal(await h1(page), '业主名册：凤城花园');
    await assertNoHorizontalOverflow(page, 'roster');

    // The demo roster: 72 units, all with an area (votes are convened on it); owners fewer
    // than units (the developer's units are one owner, an owner of two flats is one).
    const units = await number(page, '.roster-totals .units-n');
    const owners = await number(page, '.roster-totals .owners-n');
    assert.equal(units, 72, 'the 72 units with an area are counted');
    assert.ok(owners > 0 && owners < units, `owners by 第9条 (${owners}) are fewer than units (${units})`);
    assert.equal(await page.locator('.uncounted').count(), 0, 'no unit is left uncounted');

    // Owners' names and phones are masked in the list.
    const shown = await page.locator('table.roster .owner').allInnerTexts();
    assert.ok(shown.length > 0, 'owners are listed');
    for (const o of shown) {
      assert.ok(o.includes('*'), `masked: ${o}`);
    }

    // A new unit with its owner: the totals count one more unit and one more owner.
    await page.locator('summary', { hasText: '新增房屋' }).click();
    const form = page.locator('form.unit-form').first();
    await form.locator('input[name=building]').fill('99号楼');
    await form.locator('input[name=room]').fill('101');
    await form.locator('input[name=register_area]').fill('88.50');
    await form.locator('input[name=owner_name_0]').fill('欧阳明远');
    await form.locator('input[name=owner_phone_0]').fill('13912345678');
    await submitAndWait(page, () => form.getByRole('button', { name: '加入名册' }).click());
    assert.equal(await h1(page), '业主名册：凤城花园');
    assert.equal(await number(page, '.roster-totals .units-n'), units + 1, 'one more unit');
    assert.equal(await number(page, '.roster-totals .owners-n'), owners + 1, 'one more owner');
    const row = page.locator('table.roster tbody tr').filter({ hasText: '99号楼' });
    assert.equal(await row.count(), 1, 'the new unit is listed');
    const owner = await row.locator('.owner').innerText();
    assert.ok(!owner.includes('欧阳明远') && !owner.includes('13912345678'), `the new owner is masked: ${owner}`);
    assert.match(owner, /1391\*\*\*\*5678|\*/);
    assert.equal((await row.locator('.area').innerText()).trim(), '88.50');

    await assertNoHorizontalOverflow(page, 'roster after adding a unit');
    assert.deepEqual(errors, [], 'no script errors');
    await screenshot(page, 'roster');
  } finally {
    await context.close();
  }
});
