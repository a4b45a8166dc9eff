// Drives the gateway's web chat in headless Chromium, as a person would, across a gateway
// restart. Run by a Java process-level test:
//
//   BASE_URL=http://127.0.0.1:8642 LOGIN_TOKEN=... SCREENSHOT=/tmp/webchat.png \
//     node src/test/node/browser-test.mjs
//
// Env: BASE_URL, LOGIN_TOKEN (required); SCREENSHOT (png path, default webchat.png);
// CHROMIUM (default /usr/bin/chromium); SKIP_RESTART=1 skips the restart step;
// EXPECT_STREAMING=1 fails step 2 unless the reply was seen growing before its final text.
// Restart handshake: prints READY_FOR_RESTART on stdout, then waits for one line on stdin
// (the caller restarts the gateway and writes "RESTARTED"). With RESTART_VIA=admin the script
// restarts the gateway itself with the admin page's button (after checking the page shows the
// web platform connected) and prints RESTART_CLICKED; nothing is read from stdin.
// Exit 0 on success; otherwise "FAIL: <reason>" on stderr, a "-failure" screenshot, exit 1.

import readline from 'node:readline';
import { chromium } from 'playwright-core';
import { browserRun, Failure } from './browser-run.mjs';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.LOGIN_TOKEN || '';
const SCREENSHOT = process.env.SCREENSHOT || 'webchat.png';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SKIP_RESTART = process.env.SKIP_RESTART === '1';
const RESTART_VIA_ADMIN = process.env.RESTART_VIA === 'admin';
const EXPECT_STREAMING = process.env.EXPECT_STREAMING === '1';
const OVERALL_MS = 120_000;
const STEP_MS = 20_000;
const RECOVERY_MS = 60_000;

let browser = null;
let page = null;
let step = 'setup';
const pageErrors = [];
const consoleErrors = [];

const run = browserRun({
  screenshot: SCREENSHOT,
  overallMs: OVERALL_MS,
  stepMs: STEP_MS,
  fullPageFailure: true,
  current: () => ({ browser, page, step }),
  pageErrors,
  moreErrors: () => consoleErrors.slice(-10).map((e) => `console error: ${e}`),
});
const { log, screenshotPath, expectThat, until } = run;

// Every wait is bounded; on timeout the failure names the step and what was expected,
// which is what the Java test shows when it fails.

function visible(testId, what, timeout = STEP_MS) {
  return expectThat(what, page.getByTestId(testId).waitFor({ state: 'visible', timeout }));
}

function hidden(testId, what, timeout = STEP_MS) {
  return expectThat(what, page.getByTestId(testId).waitFor({ state: 'hidden', timeout }));
}

// Page-side helpers, installed before the app's own scripts on every load.
function installHelpers() {
  window.__sb = {
    messages() {
      return [...document.querySelectorAll('[data-testid="messages"] [data-testid="message"]')].map((li) => ({
        id: li.dataset.id,
        role: li.dataset.role,
        text: (li.querySelector('[data-testid="message-text"]') || li).textContent,
      }));
    },
    final(text) {
      return !text.endsWith(' …');
    },
    bannerVisible() {
      const b = document.querySelector('[data-testid="banner"]');
      return !!b && b.checkVisibility();
    },
    // Agent texts seen while still being written (ending " …"): proof the reply streamed.
    partials: [],
  };
  new MutationObserver(() => {
    for (const m of window.__sb.messages()) {
      if (m.role === 'agent' && !window.__sb.final(m.text) && !window.__sb.partials.includes(m.text)) {
        window.__sb.partials.push(m.text);
      }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

async function sendMessage(text) {
  const input = page.getByTestId('composer-input');
  await expectThat('the message input is not usable', input.fill(text, { timeout: STEP_MS }));
  await expectThat('pressing Enter in the message input failed', input.press('Enter', { timeout: STEP_MS }));
  await until(`the user message "${text}" did not appear`,
    (t) => window.__sb.messages().some((m) => m.role === 'user' && m.text === t), text);
}

// Waits for a complete (no longer streaming) agent message after the user message `after`,
// containing `contains` if given, and returns its text.
function agentReplyTo(after, contains, what) {
  return until(what, ([u, c]) => {
    const all = window.__sb.messages();
    const from = all.findLastIndex((m) => m.role === 'user' && m.text === u);
    if (from < 0) return false;
    const reply = all.slice(from + 1).find((m) => m.role === 'agent' && window.__sb.final(m.text)
      && (c === null || m.text.includes(c)));
    return reply ? reply.text : false;
  }, [after, contains]);
}

function readLine(timeoutMs) {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin });
    let settled = false;
    const done = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rl.close();
      process.stdin.pause();
      fn(value);
    };
    const timer = setTimeout(() => done(reject, new Failure(`step ${step}: no line on stdin within ${timeoutMs} ms`)), timeoutMs);
    rl.once('line', (line) => done(resolve, line));
    rl.once('close', () => done(reject, new Failure(`step ${step}: stdin closed before the restart was confirmed`)));
  });
}

// The admin page, in a second tab of the same (logged-in) browser: it must show the web
// platform connected and this chat's session, and its button must start a restart.
async function restartFromTheAdminPage() {
  const admin = await page.context().newPage();
  admin.on('pageerror', (e) => pageErrors.push(`admin: ${e.message}`));
  admin.on('dialog', (d) => d.accept());
  await expectThat('the admin page did not load', admin.goto(`${BASE_URL}/admin`, { waitUntil: 'domcontentloaded', timeout: STEP_MS }));
  await expectThat('the admin page does not show the web platform connected',
    admin.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="admin-platforms"] tr')];
      return rows.some((r) => r.cells[0]?.textContent === 'web' && r.cells[1]?.textContent === 'connected');
    }, null, { timeout: STEP_MS, polling: 100 }));
  await admin.screenshot({ path: screenshotPath('-admin'), fullPage: true });
  log(`screenshot: ${screenshotPath('-admin')}`);
  await expectThat('the restart button is not enabled',
    admin.waitForFunction(() => !document.querySelector('[data-testid="admin-restart"]').disabled, null, { timeout: STEP_MS }));
  await admin.getByTestId('admin-restart').click();
  await expectThat('the admin page did not confirm the restart',
    admin.waitForFunction(() => document.querySelector('[data-testid="admin-notice"]').textContent.includes('Restart requested'),
      null, { timeout: STEP_MS, polling: 100 }));
  log('RESTART_CLICKED');
  await expectThat('the admin page never saw the new process running',
    admin.waitForFunction(() => document.querySelector('[data-testid="admin-notice"]').textContent.startsWith('Restarted'),
      null, { timeout: RECOVERY_MS, polling: 200 }));
  log(`admin page: ${await admin.getByTestId('admin-notice').textContent()}`);
  await admin.close();
}

async function steps() {
  if (!BASE_URL) throw new Failure('BASE_URL is not set');
  if (!TOKEN) throw new Failure('LOGIN_TOKEN is not set');
  const started = Date.now();

  browser = await expectThat(`could not launch Chromium at ${CHROMIUM}`, chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.addInitScript(installHelpers);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });

  step = '1 (login)';
  await expectThat(`could not open ${BASE_URL}/`, page.goto(`${BASE_URL}/`, { waitUntil: 'domcontentloaded', timeout: STEP_MS }));
  await visible('login-token', 'the login form did not appear');
  await page.getByTestId('login-token').fill(`wrong-${Date.now()}`);
  await page.getByTestId('login-submit').click();
  await visible('login-error', 'no login error was shown for a wrong token');
  const loginError = (await page.getByTestId('login-error').textContent()).trim();
  if (!loginError) throw new Failure(`step ${step}: the login error for a wrong token is empty`);
  log(`login error for a wrong token: ${loginError}`);
  await page.getByTestId('login-token').fill(TOKEN);
  const loginResponse = page.waitForResponse(
    (r) => r.url().endsWith('/api/web/login') && r.request().method() === 'POST', { timeout: STEP_MS });
  await page.getByTestId('login-submit').click();
  const login = await expectThat('the login form sent no login request', loginResponse);
  if (login.status() !== 204) {
    throw new Failure(`step ${step}: LOGIN_TOKEN was rejected: HTTP ${login.status()} ${(await login.text()).trim()}`);
  }
  await visible('composer-input', 'the chat UI did not appear after logging in with LOGIN_TOKEN');
  await visible('chat-list', 'the chat list is not shown after logging in');
  await hidden('banner', 'the banner is shown although the gateway is up');
  log('step 1 ok: logged in');

  step = '2 (echo)';
  await sendMessage('hello from chromium');
  const echo = await agentReplyTo('hello from chromium', 'hello from chromium',
    'no complete agent reply containing "hello from chromium" appeared');
  log(`agent reply: ${echo}`);
  if (EXPECT_STREAMING) {
    const partials = await page.evaluate(() => window.__sb.partials);
    const streamed = partials.filter((t) => 'hello from chromium'.startsWith(t.slice(0, -2).trim()));
    if (streamed.length === 0) {
      throw new Failure(`step ${step}: the reply was not streamed: no partial text was shown before the final one (saw ${JSON.stringify(partials)})`);
    }
    log(`streamed: ${streamed.map((t) => JSON.stringify(t)).join(' -> ')} -> ${JSON.stringify(echo)}`);
  }

  step = '3 (/new)';
  await sendMessage('/new');
  const newReply = await agentReplyTo('/new', null, 'no complete agent reply to "/new" appeared');
  log(`agent reply to /new: ${newReply}`);
  await until('the earlier messages disappeared after /new',
    () => window.__sb.messages().some((m) => m.role === 'user' && m.text === 'hello from chromium'));

  step = '4 (new conversation)';
  const items = page.getByTestId('chat-item');
  const chatsBefore = await items.count();
  const firstChat = await page.locator('[data-testid="chat-item"][aria-current="page"]').getAttribute('data-chat-id');
  if (!firstChat) throw new Failure(`step ${step}: no chat item is marked as the open one`);
  await page.getByTestId('new-chat').click();
  await until(`the chat list did not grow to ${chatsBefore + 1} chats`,
    (n) => document.querySelectorAll('[data-testid="chat-item"]').length === n, chatsBefore + 1);
  await until('the new conversation did not become the open one', (first) => {
    const open = document.querySelector('[data-testid="chat-item"][aria-current="page"]');
    return !!open && open.dataset.chatId !== first;
  }, firstChat);
  // The empty-state note appears only once the new chat's snapshot has arrived, so this
  // does not pass merely because the old messages were cleared.
  await visible('messages-empty', 'the new conversation did not load as empty');
  const leftover = await page.evaluate(() => window.__sb.messages().length);
  if (leftover !== 0) throw new Failure(`step ${step}: the new conversation shows ${leftover} messages`);
  log(`new conversation open; ${chatsBefore + 1} chats in the list`);
  await page.locator(`[data-testid="chat-item"][data-chat-id="${firstChat}"]`).click();
  await until('switching back to the first chat did not show its history again',
    () => ['hello from chromium', '/new'].every((t) => window.__sb.messages().some((m) => m.text === t)));
  log('step 4 ok: switched back, history shown');

  step = '5 (screenshot)';
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  log(`screenshot: ${SCREENSHOT}`);

  if (!SKIP_RESTART) {
    step = '6 (restart)';
    // Recording starts before the handshake so even a short outage is noticed.
    await page.evaluate(() => {
      window.__sbBannerTexts = [];
      const banner = document.querySelector('[data-testid="banner"]');
      const record = () => {
        if (window.__sb.bannerVisible()) window.__sbBannerTexts.push(banner.textContent);
      };
      new MutationObserver(record).observe(banner, { attributes: true, childList: true, characterData: true, subtree: true });
    });
    if (RESTART_VIA_ADMIN) {
      await restartFromTheAdminPage();
    } else {
      log('READY_FOR_RESTART');
      const remaining = OVERALL_MS - (Date.now() - started) - 15_000;
      const line = await readLine(Math.max(remaining, 1000));
      if (line.trim() !== 'RESTARTED') log(`note: expected "RESTARTED" on stdin, got "${line.trim()}"`);
    }
    try {
      await page.waitForFunction(() => window.__sbBannerTexts.length > 0 && !window.__sb.bannerVisible()
        && window.__sb.messages().some((m) => m.role === 'user' && m.text === 'hello from chromium'),
      null, { timeout: RECOVERY_MS, polling: 100 });
    } catch {
      const s = await page.evaluate(() => ({
        seen: window.__sbBannerTexts,
        visible: window.__sb.bannerVisible(),
        banner: document.querySelector('[data-testid="banner"]').textContent,
        history: window.__sb.messages().some((m) => m.text === 'hello from chromium'),
        login: !!document.querySelector('[data-testid="login-token"]')?.checkVisibility(),
      }));
      if (s.login) throw new Failure(`step ${step}: the page fell back to the login form after the restart (session not valid in the new process)`);
      if (s.seen.length === 0) throw new Failure(`step ${step}: the banner was never shown during the outage`);
      if (s.visible) throw new Failure(`step ${step}: the banner is still shown ("${s.banner}") ${RECOVERY_MS / 1000} s after the restart`);
      throw new Failure(`step ${step}: the history ("hello from chromium") is not shown after the restart`);
    }
    const seen = await page.evaluate(() => window.__sbBannerTexts);
    log(`banner during the outage: ${[...new Set(seen)].join(' | ')}`);
    await sendMessage('after restart');
    const after = await agentReplyTo('after restart', 'after restart', 'no complete agent reply to "after restart" appeared');
    log(`agent reply after restart: ${after}`);
    // A reload proves the history comes from the new process, not from what the page kept.
    await expectThat('reloading the page failed', page.reload({ waitUntil: 'domcontentloaded', timeout: STEP_MS }));
    await until('after a reload the conversation does not show the messages from before and after the restart',
      () => ['hello from chromium', 'after restart'].every((t) => window.__sb.messages().some((m) => m.role === 'user' && m.text === t)));
    log('step 6 ok: reconnected, history restored');

    step = '7 (screenshot)';
    await page.screenshot({ path: screenshotPath('-after-restart'), fullPage: true });
    log(`screenshot: ${screenshotPath('-after-restart')}`);
  }

  if (pageErrors.length) throw new Failure(`uncaught exception in the page: ${pageErrors[0]}`);
}

await run.main(steps);
