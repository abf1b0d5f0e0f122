// Journey of an exit and handover (退出与移交) in the demo: 嘉和物业 was dismissed by 凤鸣苑's
// owners; its contract has ended, the handover deadline is ahead, so it keeps serving (继续服务).
// On a phone, 凤鸣苑's owners' committee (the receiver) opens 退出交接 from the navigation, opens
// the exit, confirms one pending item as 已移交 with a photo, and sees its state, its confirmer and
// the progress change. Then 嘉和物业, at a desk, sees the same exit (and its completed one at
// 府前小区) with that item confirmed and no confirm form: a leaving company only declares. No page
// scrolls sideways on the phone, no script or console error, no Content-Security-Policy refusal.
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

const COMMITTEE = 'fmy_ywh'; // 凤鸣苑业委会 (the demo's exit in progress)
const LEAVING = 'jiahe'; // 嘉和物业 (the leaving company)
const KEEPS_SERVING = /继续服务/;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * Collects the console's error messages of a page (besides the uncaught errors lib collects),
 * each with the URL it names, and the responses of the page that failed. The browser's own
 * request for /favicon.ico (the application serves none; no page asks for it) is not the page's.
 */
function consoleErrors(page) {
  const out = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location()?.url ?? '';
    if (where && new URL(where).pathname === '/favicon.ico') return;
    out.push(`${m.text()} ${where}`.trim());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) out.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return out;
}

/** Text with whitespace collapsed. */
async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

test('phone: the committee confirms a handover item; the leaving company sees it and cannot confirm', { timeout: 180_000 }, async () => {
  let exitPath;
  let itemId;
  let itemLabel;

  // The receiver, on a phone.
  const committee = await newPage(browser, PHONE);
  const committeeConsole = consoleErrors(committee.page);
  try {
    const { page } = committee;
    await login(page, COMMITTEE);
    await assertLogoutReachable(page, 'the committee’s workbench');
    const nav = page.getByRole('navigation', { name: '主导航' });
    await submitAndWait(page, () => nav.getByRole('link', { name: '退出交接', exact: true }).tap());
    assert.equal(await h1(page), '退出交接');
    assert.equal(new URL(page.url()).pathname, '/exits');
    const rows = page.locator('tbody tr[data-exit]');
    assert.equal(await rows.count(), 1, 'the committee sees its own community’s exit only');
    const row = rows.filter({ hasText: '凤鸣苑' });
    assert.equal(await row.count(), 1, 'the exit of 凤鸣苑 is listed');
    assert.match(await text(row.locator('td.stage')), KEEPS_SERVING);
    await assertNoHorizontalOverflow(page, '/exits');

    await submitAndWait(page, () => row.getByRole('link', { name: '凤鸣苑' }).tap());
    exitPath = new URL(page.url()).pathname;
    assert.match(exitPath, /^\/exits\/\d+$/);
    assert.match(await h1(page), /凤鸣苑/);
    assert.match(await text(page.locator('.stage-badge')), KEEPS_SERVING, 'the company keeps serving until the takeover');
    assert.match(await text(page.locator('.exit-facts .company')), /嘉和物业/);
    assert.match(await text(page.locator('.exit-facts .receiver')), /凤鸣苑业主委员会/);
    const settledBefore = Number(await text(page.locator('.exit-facts .progress .settled')));

    // One pending item the receiver can confirm with no area (not the premises) and no balance
    // (not the public revenue): the demo leaves several; the first one in the list.
    const candidates = await page.locator('tr.item').evaluateAll((trs) =>
      trs.map((tr) => ({
        id: tr.dataset.item,
        code: tr.dataset.code,
        state: tr.querySelector('td.state')?.textContent.trim(),
        label: tr.querySelector('.label')?.textContent.trim(),
        confirm: Boolean(tr.querySelector('form.confirm-form')),
      })),
    );
    const pending = candidates.find((c) => c.state === '待移交' && c.confirm && !['premises', 'revenue'].includes(c.code));
    assert.ok(pending, `a pending item to confirm: ${JSON.stringify(candidates)}`);
    ({ id: itemId, label: itemLabel } = pending);
    const item = page.locator(`tr.item[data-item="${itemId}"]`);
    await item.locator('details.confirm summary').tap();
    const form = item.locator('form.confirm-form');
    assert.ok(await form.isVisible(), 'the confirm form opens');
    await form.locator('select[name=state]').selectOption('handed_over');
    assert.match(await form.locator('input[name=on]').inputValue(), /^\d{4}-\d{2}-\d{2}$/, 'the date defaults to today');
    await form.locator('textarea[name=note]').fill('原件已接收，经业委会核对无误');
    await form.locator('input[name=files]').setInputFiles({ name: '接收凭证.png', mimeType: 'image/png', buffer: PNG });
    const res = await submitAndWait(page, () => form.getByRole('button', { name: '确认', exact: true }).tap());
    assert.equal(res.status(), 200, `after confirming: ${await page.locator('.err, .errors').allInnerTexts()}`);
    assert.equal(new URL(page.url()).pathname, exitPath, 'back on the exit');

    const confirmed = page.locator(`tr.item[data-item="${itemId}"]`);
    assert.equal(await text(confirmed.locator('td.state')), '已移交', `${itemLabel} is now handed over`);
    assert.match(await text(confirmed.locator('td.confirmed')), /凤鸣苑业委会/);
    assert.match(await text(confirmed.locator('td.note')), /经业委会核对无误/);
    assert.match(await text(confirmed.locator('td.files')), /接收凭证/);
    assert.equal(Number(await text(page.locator('.exit-facts .progress .settled'))), settledBefore + 1, 'one more item settled');
    assert.match(await text(page.locator('.stage-badge')), KEEPS_SERVING, 'still serving: other items are outstanding');
    await assertNoHorizontalOverflow(page, exitPath);
    await screenshot(page, 'exit-committee');

    await assertPhoneLayout(page, committee.layout);
    assert.deepEqual(committee.errors, [], 'no script errors on the committee’s pages');
    assert.deepEqual(committee.csp, [], 'no Content-Security-Policy refusals on the committee’s pages');
    assert.deepEqual(committeeConsole, [], 'no console errors on the committee’s pages');
  } finally {
    await committee.context.close();
  }

  // The leaving company, at a desk.
  const company = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  const companyConsole = consoleErrors(company.page);
  try {
    const { page } = company;
    await login(page, LEAVING);
    await submitAndWait(page, () =>
      page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '退出交接', exact: true }).click(),
    );
    assert.equal(await h1(page), '退出交接');
    const listed = await page.locator('tbody tr[data-exit]').allInnerTexts();
    assert.ok(listed.some((r) => r.includes('凤鸣苑') && KEEPS_SERVING.test(r)), `凤鸣苑 in progress: ${listed}`);
    assert.ok(listed.some((r) => r.includes('府前小区') && r.includes('交接完成')), `府前小区 completed: ${listed}`);

    await submitAndWait(page, () =>
      page.locator('tbody tr[data-exit]', { hasText: '凤鸣苑' }).getByRole('link', { name: '凤鸣苑' }).click(),
    );
    assert.equal(new URL(page.url()).pathname, exitPath, 'the same exit');
    assert.match(await text(page.locator('.stage-badge')), KEEPS_SERVING);
    const item = page.locator(`tr.item[data-item="${itemId}"]`);
    assert.equal(await text(item.locator('td.state')), '已移交', 'the company sees the committee’s confirmation');
    // A leaving company declares; it never confirms receipt.
    assert.equal(await page.locator('form.confirm-form, details.confirm').count(), 0, 'no confirm form for the leaving company');
    assert.equal(await page.locator('form[action*="/confirm"], select[name=state]').count(), 0, 'nothing that confirms an item');
    assert.ok((await page.locator('form.declare-form').count()) > 0, 'the company may declare the outstanding items');
    assert.equal(await item.locator('form.declare-form').count(), 0, 'nothing to declare on a confirmed item');
    await screenshot(page, 'exit-company');

    assert.deepEqual(company.errors, [], 'no script errors on the company’s pages');
    assert.deepEqual(company.csp, [], 'no Content-Security-Policy refusals on the company’s pages');
    assert.deepEqual(companyConsole, [], 'no console errors on the company’s pages');
  } finally {
    await company.context.close();
  }
});
