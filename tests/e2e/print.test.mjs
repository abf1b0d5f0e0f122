// Printing under the Content-Security-Policy (script-src 'self', so no inline handlers): on a survey
// code sheet, a QR poster, the work ledger, a case and a notice, the 打印 button (data-print, wired
// by /static/print.js) opens the print dialog, and the print view leaves the navigation, forms and
// buttons off the paper. window.print is stubbed to count calls: headless chromium has no dialog.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { h1, launchBrowser, login, newPage, screenshot, submitAndWait, url } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Counts window.print() calls instead of opening the dialog, on every page of the context. */
function stubPrint() {
  window.__printCalls = 0;
  window.print = () => {
    window.__printCalls += 1;
  };
}

/**
 * On the current page: no inline script or handler, one 打印 button that calls window.print once,
 * and in print media no navigation, forms or buttons, content in black on white, full width.
 */
async function assertPrints(page, where) {
  const inline = await page.evaluate(() => ({
    scripts: document.querySelectorAll('script:not([src])').length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).length,
  }));
  assert.deepEqual(inline, { scripts: 0, handlers: 0 }, `${where}: no inline scripts or on* handlers (the CSP refuses them)`);

  const button = page.getByRole('button', { name: '打印', exact: true });
  assert.equal(await button.count(), 1, `${where}: one 打印 button`);
  assert.equal(await button.getAttribute('data-print'), '', `${where}: the button is marked data-print`);
  const calls = await page.evaluate(() => window.__printCalls);
  await button.click();
  await page.waitForFunction((n) => window.__printCalls > n, calls, { timeout: 5_000 }).catch(() => {});
  assert.equal(await page.evaluate(() => window.__printCalls), calls + 1, `${where}: 打印 calls window.print() once`);

  await page.emulateMedia({ media: 'print' });
  try {
    const paper = await page.evaluate(() => {
      const shown = (el) => {
        const r = el.getBoundingClientRect();
        return getComputedStyle(el).display !== 'none' && r.width > 0 && r.height > 0;
      };
      const describe = (el) => `${el.tagName.toLowerCase()}${[...el.classList].map((c) => `.${c}`).join('')}`;
      const main = document.querySelector('main') ?? document.body;
      // Body text: a ledger cell, a case's or notice's fact, the poster's community, a code slip.
      const text = main.querySelector('td, dd, .poster-community, .slip');
      return {
        controls: [...document.querySelectorAll('header.top, nav, form, button, input, select, textarea, .button, .pager, footer')]
          .filter(shown)
          .map(describe),
        mainWidth: Math.round(main.getBoundingClientRect().width),
        bodyWidth: Math.round(document.body.getBoundingClientRect().width),
        color: text && getComputedStyle(text).color,
        background: getComputedStyle(document.body).backgroundColor,
        underlined: [...main.querySelectorAll('a')].filter((a) => shown(a) && getComputedStyle(a).textDecorationLine.includes('underline')).length,
      };
    });
    assert.deepEqual(paper.controls, [], `${where}: no navigation, forms, buttons or pager in print`);
    assert.ok(paper.mainWidth >= paper.bodyWidth - 1, `${where}: the content is full width in print (${paper.mainWidth} < ${paper.bodyWidth})`);
    assert.equal(paper.color, 'rgb(0, 0, 0)', `${where}: black text in print`);
    assert.match(paper.background, /^rgb\(255, 255, 255\)$|^rgba\(0, 0, 0, 0\)$/, `${where}: white paper`);
    assert.equal(paper.underlined, 0, `${where}: links are not underlined in print`);
    await screenshot(page, `print-${where.replace(/[^a-z]+/gi, '-')}`);
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
}

test('print: the 打印 buttons work under the CSP and the print view shows only the content', { timeout: 120_000 }, async () => {
  const { context, page, errors, csp } = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript(stubPrint);

    // The script behind data-print is first-party, served from /static like htmx.
    const js = await page.request.get(url('/static/print.js'));
    assert.equal(js.status(), 200, 'GET /static/print.js');
    assert.match(js.headers()['content-type'], /^text\/javascript/);
    assert.match(await js.text(), /data-print/);

    await login(page, 'zhangkaidong');
    const nav = page.getByRole('navigation', { name: '主导航' });

    // The work ledger: in print a bordered table whose header repeats and whose rows do not split.
    await submitAndWait(page, () => nav.getByRole('link', { name: '工作台账', exact: true }).click());
    assert.equal(await h1(page), '工作台账');
    await assertPrints(page, 'ledger');
    await page.emulateMedia({ media: 'print' });
    const table = await page.locator('table.ledger').evaluate((t) => {
      const td = t.querySelector('tbody td');
      const tr = t.querySelector('tbody tr');
      return {
        shown: getComputedStyle(t).display,
        thead: getComputedStyle(t.querySelector('thead')).display,
        border: `${getComputedStyle(td).borderTopStyle} ${getComputedStyle(td).borderTopColor}`,
        rowBreak: getComputedStyle(tr).breakInside,
        filters: getComputedStyle(document.querySelector('form.search')).display,
      };
    });
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(
      table,
      { shown: 'table', thead: 'table-header-group', border: 'solid rgb(0, 0, 0)', rowBreak: 'avoid', filters: 'none' },
      'the ledger on paper',
    );

    // A notice, and a case it covers.
    await submitAndWait(page, () => nav.getByRole('link', { name: '整改通知书', exact: true }).click());
    await submitAndWait(page, () => page.locator('table.notices tbody td[data-label=文号] a').first().click());
    assert.match(await h1(page), /^整改通知书 /);
    await assertPrints(page, 'notice');
    await submitAndWait(page, () => page.locator('dd a[href^="/cases/"]').first().click());
    assert.match(await h1(page), /^案件 \d+：/);
    await assertPrints(page, 'case');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('ol.timeline').isVisible(), true, 'the case’s timeline is printed');
    assert.equal(await page.locator('dl.facts').isVisible(), true, 'the case’s facts are printed');
    await page.emulateMedia({ media: 'screen' });

    // A community's QR poster.
    await submitAndWait(page, () => nav.getByRole('link', { name: '小区', exact: true }).click());
    await submitAndWait(page, () => page.locator('table.list tbody td[data-label=小区] a').first().click());
    await submitAndWait(page, () => page.getByRole('link', { name: '打印投诉二维码' }).click());
    assert.equal(await page.locator('article.poster').count(), 1, 'one poster');
    await assertPrints(page, 'poster');

    // A survey's code sheet (a page of its own, without the site's layout).
    await submitAndWait(page, () => nav.getByRole('link', { name: '满意度测评', exact: true }).click());
    await submitAndWait(page, () => page.locator('table.surveys a').first().click());
    await submitAndWait(page, () => page.locator('a', { hasText: '打印测评码' }).first().click());
    assert.ok((await page.locator('.slip').count()) > 0, 'the sheet has code slips');
    await assertPrints(page, 'survey codes');

    assert.deepEqual(csp, [], 'no Content-Security-Policy violation on any of these pages');
    assert.deepEqual(errors, [], 'no script errors');
  } finally {
    await context.close();
  }
});
