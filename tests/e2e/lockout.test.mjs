// Lockout: the fifth wrong password in a row locks the account, and the login page says so.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { PASSWORD, launchBrowser, newPage, screenshot, submitLogin, url } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const USERNAME = 'lixiangdong';
const WRONG = 'Wrong-pass1';

test('lockout: five wrong passwords lock the account', { timeout: 90_000 }, async () => {
  const { context, page, errors } = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  try {
    assert.equal((await page.goto(url('/login'))).status(), 200);
    const alert = page.locator('main [role=alert]');

    for (let attempt = 1; attempt <= 4; attempt++) {
      const res = await submitLogin(page, USERNAME, WRONG);
      assert.equal(new URL(page.url()).pathname, '/login', `attempt ${attempt} stays on the login page`);
      assert.ok(res.status() >= 400 && res.status() < 500, `attempt ${attempt}: status ${res.status()}`);
      const message = await alert.innerText();
      assert.ok(!message.includes('账号已锁定'), `attempt ${attempt} does not lock yet: ${message}`);
      assert.ok(message.includes('用户名或密码错误'), `attempt ${attempt}: ${message}`);
    }

    const res = await submitLogin(page, USERNAME, WRONG);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.ok(res.status() >= 400 && res.status() < 500, `attempt 5: status ${res.status()}`);
    const message = await alert.innerText();
    assert.ok(message.includes('账号已锁定'), `the fifth response says the account is locked: ${message}`);
    await screenshot(page, 'lockout');

    // Locked means locked: the right password is refused too, with the same message.
    await submitLogin(page, USERNAME, PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/login', 'the locked account cannot sign in');
    assert.ok((await alert.innerText()).includes('账号已锁定'));

    assert.deepEqual(errors, [], 'no script errors');
    await screenshot(page, 'lockout-right-password');
  } finally {
    await context.close();
  }
});
