// The admin page's login form in headless Chromium, as a person meets it: it shows only when the
// browser is not logged in. Run by a Java process-level test against a gateway with the login
// on:
//
//   BASE_URL=http://127.0.0.1:8642 LOGIN_TOKEN=... SCREENSHOT=/tmp/admin.png \
//     node src/test/node/browser-admin-test.mjs
//
// Step 1: logged in through the web chat (its cookie), the admin page shows the gateway's data
// and no login form. Step 2: a browser that is not logged in sees the form and no data; a
// wrong token is refused on the form. Step 3: logging in with the form makes it go away and the
// data appear.
//
// Env: BASE_URL, LOGIN_TOKEN (required); SCREENSHOT (png path, default admin.png); CHROMIUM
// (default /usr/bin/chromium).
// Exit 0 on success; otherwise "FAIL: <reason>" on stderr, a "-failure" screenshot, exit 1.

import { chromium } from 'playwright-core';
import { browserRun, Failure } from './browser-run.mjs';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.LOGIN_TOKEN || '';
const SCREENSHOT = process.env.SCREENSHOT || 'admin.png';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = 120_000;
const STEP_MS = 20_000;

let browser = null;
let page = null;
let step = 'setup';
const pageErrors = [];

const run = browserRun({
  screenshot: SCREENSHOT,
  overallMs: OVERALL_MS,
  stepMs: STEP_MS,
  fullPageFailure: true,
  current: () => ({ browser, page, step }),
  pageErrors,
});
const { log, screenshotPath, expectThat } = run;

function visible(testId, what) {
  return expectThat(what, page.getByTestId(testId).waitFor({ state: 'visible', timeout: STEP_MS }));
}

function hidden(testId, what) {
  return expectThat(what, page.getByTestId(testId).waitFor({ state: 'hidden', timeout: STEP_MS }));
}

// What the admin page shows now, as a person sees it: visibility is the rendered one (CSS
// included), not the hidden attribute alone.
function shown() {
  return page.evaluate(() => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    return {
      form: el('admin-login').checkVisibility(),
      gateway: el('admin-gateway').checkVisibility(),
      platforms: el('admin-platforms').checkVisibility(),
      restart: el('admin-restart').checkVisibility(),
      facts: [...el('admin-gateway').querySelectorAll('dt')].map((dt) => dt.textContent),
      pid: [...el('admin-gateway').querySelectorAll('dt')]
        .find((dt) => dt.textContent === 'PID')?.nextElementSibling?.textContent ?? '',
      platformNames: [...el('admin-platforms').querySelectorAll('tr td:first-child')].map((td) => td.textContent),
    };
  });
}

// The page asks for its data every 2 s and shows or hides the form with each answer. Once the
// request after next has been sent, the answer to the next one has been handled: what is shown
// then is what the page settles on, not a moment before a refresh changes it.
async function afterARefresh() {
  for (let i = 0; i < 2; i++) {
    await expectThat('the page stopped asking for its data', page.waitForRequest(
      (r) => r.url().endsWith('/api/admin/status'), { timeout: STEP_MS }));
  }
}

async function openAdmin(context) {
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await expectThat(`could not open ${BASE_URL}/admin`,
    page.goto(`${BASE_URL}/admin`, { waitUntil: 'domcontentloaded', timeout: STEP_MS }));
}

async function dataWithoutForm(what) {
  await expectThat(`${what}: the gateway's data did not appear`, page.waitForFunction(() => {
    const dts = [...document.querySelectorAll('[data-testid="admin-gateway"] dt')];
    return dts.some((dt) => dt.textContent === 'PID');
  }, null, { timeout: STEP_MS, polling: 100 }));
  // Past the next refresh too: the form must stay away, not just be away once.
  await afterARefresh();
  const now = await shown();
  if (now.form) throw new Failure(`step ${step}: ${what}: the login form is shown next to the gateway's data`);
  if (!now.gateway || !now.platforms || !now.restart) {
    throw new Failure(`step ${step}: ${what}: the gateway's data is not visible: ${JSON.stringify(now)}`);
  }
  if (!/^\d+$/.test(now.pid) || !now.platformNames.includes('web')) {
    throw new Failure(`step ${step}: ${what}: expected the gateway's pid and the web platform: ${JSON.stringify(now)}`);
  }
  return now;
}

async function steps() {
  if (!BASE_URL) throw new Failure('BASE_URL is not set');
  if (!TOKEN) throw new Failure('LOGIN_TOKEN is not set');

  browser = await expectThat(`could not launch Chromium at ${CHROMIUM}`, chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }));

  step = '1 (logged in through the web chat)';
  const chatUser = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await chatUser.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await expectThat(`could not open ${BASE_URL}/`, page.goto(`${BASE_URL}/`, { waitUntil: 'domcontentloaded', timeout: STEP_MS }));
  await visible('login-token', "the web chat's login form did not appear");
  await page.getByTestId('login-token').fill(TOKEN);
  await page.getByTestId('login-submit').click();
  await visible('composer-input', 'the web chat did not open after logging in with LOGIN_TOKEN');
  await page.close();
  await openAdmin(chatUser);
  const loggedIn = await dataWithoutForm('with the web chat\'s cookie');
  await page.screenshot({ path: screenshotPath('-logged-in'), fullPage: true });
  log(`step 1 ok: the web chat's cookie shows pid ${loggedIn.pid} and platforms ${loggedIn.platformNames.join(', ')}, no login form`);
  await chatUser.close();

  step = '2 (not logged in)';
  const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await openAdmin(stranger);
  await visible('admin-login', 'the login form did not appear for a browser that is not logged in');
  await afterARefresh();
  const out = await shown();
  if (!out.form) throw new Failure(`step ${step}: the login form went away without a login`);
  if (out.gateway || out.platforms || out.restart || out.facts.length > 0 || out.platformNames.length > 0) {
    throw new Failure(`step ${step}: the gateway's data is shown to a browser that is not logged in: ${JSON.stringify(out)}`);
  }
  await page.screenshot({ path: screenshotPath('-logged-out'), fullPage: true });
  await page.getByTestId('admin-login-token').fill(`wrong-${Date.now()}`);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expectThat('no error was shown for a wrong token', page.waitForFunction(
    () => document.querySelector('[data-testid="admin-login-error"]').textContent.trim() !== '',
    null, { timeout: STEP_MS, polling: 100 }));
  const refusal = (await page.getByTestId('admin-login-error').textContent()).trim();
  const afterWrong = await shown();
  if (!afterWrong.form || afterWrong.gateway || afterWrong.facts.length > 0) {
    throw new Failure(`step ${step}: a wrong token changed what is shown: ${JSON.stringify(afterWrong)}`);
  }
  log(`step 2 ok: the login form and no data; a wrong token: ${refusal}`);

  step = '3 (logging in with the form)';
  const loginResponse = page.waitForResponse(
    (r) => r.url().endsWith('/api/admin/login') && r.request().method() === 'POST', { timeout: STEP_MS });
  await page.getByTestId('admin-login-token').fill(TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  const login = await expectThat('the form sent no login request', loginResponse);
  if (login.status() !== 204) {
    throw new Failure(`step ${step}: LOGIN_TOKEN was rejected: HTTP ${login.status()} ${(await login.text()).trim()}`);
  }
  await hidden('admin-login', 'the login form is still shown after logging in');
  const after = await dataWithoutForm('after logging in with the form');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  log(`screenshot: ${SCREENSHOT}`);
  log(`step 3 ok: the form went away; pid ${after.pid} shown`);
  if (pageErrors.length) throw new Failure(`uncaught exception in the page: ${pageErrors[0]}`);
}

await run.main(steps);
