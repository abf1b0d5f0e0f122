// Phone journey of an owners' vote (业主共同决定): the owners' committee opens the demo's vote on
// renewing the company (in its voting period), prints the slips and looks up an unused code and
// its unit; the owner's second factor is the last four characters of the ID number on the roster
// (shown masked, with those four in clear), else of the phone. The owner opens /vote on a phone,
// types code and factor, picks a choice per matter with touch-sized buttons, casts, and keeps the
// receipt; the same code then shows that the unit has voted. No page scrolls sideways.
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

/** The second factor of a unit from its roster row's owners: an ID number's last four, else a phone's. */
function factorOf(ownersText, room) {
  const ids = [...ownersText.matchAll(/\*{6,}([0-9X]{4})/gi)].map((m) => m[1]);
  if (ids.length > 0) return ids[0].toUpperCase();
  const phones = [...ownersText.matchAll(/\d{1,3}\*+(\d{4})/g)].map((m) => m[1]);
  if (phones.length > 0) return phones[0];
  // The demo's convention when the roster shows neither: the room number padded to four digits.
  return room.padStart(4, '0');
}

test('phone: an owner casts a vote with a code and keeps the receipt', { timeout: 180_000 }, async () => {
  // The committee: the vote, its slips, and the roster.
  const committee = await newPage(browser, PHONE);
  const candidates = [];
  try {
    await login(committee.page, 'fchy_ywh');
    await assertLogoutReachable(committee.page, 'the committee’s workbench');
    const nav = committee.page.getByRole('navigation', { name: '主导航' });
    await submitAndWait(committee.page, () => nav.getByRole('link', { name: '业主表决', exact: true }).tap());
    assert.equal(await h1(committee.page), '业主表决');
    const row = committee.page.locator('table.decisions tbody tr', { hasText: '续聘' }).first();
    assert.match(await row.locator('.phase').innerText(), /投票中/);
    await submitAndWait(committee.page, () => row.locator('a').first().tap());
    assert.match(await h1(committee.page), /续聘/);
    assert.match(await committee.page.locator('.decision-facts .phase').innerText(), /投票中/);
    // Participation is shown; no choice is, before the count.
    assert.ok(Number(await committee.page.locator('.voted-owners').innerText()) > 0, 'some owners voted');
    assert.equal(await committee.page.locator('table.tally, table.comparisons').count(), 0);
    await assertNoHorizontalOverflow(committee.page, 'the vote’s page');
    const communityHref = await committee.page.locator('a.community-link').getAttribute('href');

    await submitAndWait(committee.page, () => committee.page.locator('a.slips-link').tap());
    const slips = committee.page.locator('.slip:not(.used)');
    const n = await slips.count();
    assert.ok(n > 0, 'unused slips to hand over');
    for (let i = 0; i < n; i += 1) {
      const slip = slips.nth(i);
      candidates.push({
        unit: (await slip.locator('.unit').innerText()).trim(),
        code: (await slip.locator('code.code').innerText()).trim(),
      });
    }
    assert.match(candidates[0].code, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // Each unit's second factor from the roster (ID numbers masked but for their last four).
    await submitAndWait(committee.page, () => committee.page.goto(url(`${communityHref}/roster`)));
    assert.match(await h1(committee.page), /^业主名册/);
    const rows = committee.page.locator('table.roster tbody tr');
    const byUnit = new Map();
    const count = await rows.count();
    for (let i = 0; i < count; i += 1) {
      const r = rows.nth(i);
      byUnit.set((await r.locator('td.label').innerText()).trim(), await r.locator('td.owners').innerText());
    }
    for (const c of candidates) {
      const owners = byUnit.get(c.unit) ?? '';
      // The developer's unsold units have no owner on the roster to sign in as (it votes on paper).
      c.developer = owners.includes('开发建设单位');
      c.factor = factorOf(owners, c.unit.split('-').pop());
    }
    await assertPhoneLayout(committee.page, committee.layout);
    assert.deepEqual(committee.errors, [], 'no script errors on the committee’s pages');
  } finally {
    await committee.context.close();
  }

  // The owner, on a phone, without an account.
  const { context, page, errors, layout, csp } = await newPage(browser, PHONE);
  try {
    let chosen;
    const tried = [];
    for (const c of candidates.filter((x) => !x.developer).slice(0, 6)) {
      await submitAndWait(page, () => page.goto(url('/vote')));
      assert.equal(await h1(page), '业主表决');
      await page.locator('input[name=code]').fill(c.code.toLowerCase());
      await page.locator('input[name=factor]').fill(c.factor);
      const res = await submitAndWait(page, () => page.getByRole('button', { name: '进入表决' }).tap());
      tried.push(`${c.unit} (${c.factor}): ${res.status()} ${(await page.locator('.err').allInnerTexts()).join(' ')}`);
      if (res.status() !== 200) {
        // Refused on the form, in Chinese, with the code kept.
        assert.equal(res.status(), 422);
        assert.match(await page.locator('.err').first().innerText(), /表决码或身份证号后4位不正确/);
        continue;
      }
      // An owner of several units may have voted with another unit's code already.
      if ((await page.locator('form.ballot-form').count()) > 0) {
        chosen = c;
        break;
      }
    }
    assert.ok(chosen, `an unused slip whose owner can sign in (ID number's last four on the roster, else the phone's, else the room number padded to four digits); tried:\n${tried.join('\n')}`);
    assert.match(await h1(page), /续聘/);
    assert.match(await page.locator('main').innerText(), new RegExp(chosen.unit));

    const sets = page.locator('fieldset.matter-choice');
    const matters = await sets.count();
    assert.ok(matters >= 2, `the matters (${matters})`);
    for (let i = 0; i < matters; i += 1) {
      const choice = sets.nth(i).locator('label.choice', { hasText: i === 0 ? '同意' : '弃权' });
      const box = await choice.boundingBox();
      assert.ok(box.height >= 44 && box.width >= 44, `touch target ${box.width}×${box.height}px`);
      await choice.tap();
    }
    await assertNoHorizontalOverflow(page, 'the ballot');
    assert.match(await page.locator('form.ballot-form').innerText(), /不能修改或撤回/);
    const res = await submitAndWait(page, () => page.getByRole('button', { name: '提交表决' }).tap());
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), '表决成功');
    assert.match((await page.locator('.receipt-number').innerText()).trim(), /^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    assert.match(await page.locator('.receipt-units').innerText(), new RegExp(chosen.unit));
    assert.match(await page.locator('.receipt').innerText(), /不能修改或撤回/);
    await screenshot(page, 'decision-phone');

    // The same code again: the unit has voted, no ballot to cast.
    await submitAndWait(page, () => page.goto(url('/vote')));
    await page.locator('input[name=code]').fill(chosen.code);
    await page.locator('input[name=factor]').fill(chosen.factor);
    await submitAndWait(page, () => page.getByRole('button', { name: '进入表决' }).tap());
    assert.match(await page.locator('.voted').innerText(), /已表决/);
    assert.equal(await page.locator('form.ballot-form').count(), 0);

    await assertPhoneLayout(page, layout);
    assert.deepEqual(errors, [], 'no script errors');
    assert.deepEqual(csp, [], 'no Content-Security-Policy violations');
  } finally {
    await context.close();
  }
});
