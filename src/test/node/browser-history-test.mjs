// Scrolls up through a long conversation in the gateway's web chat in headless Chromium, as a
// person would: the page opens on the newest messages only, and older ones load a page at a
// time as the reader scrolls up, until the first message. Run by a Java process-level test
// against a gateway whose most recent conversation has EXPECT_MESSAGES messages, message n
// starting "message n ", and the login turned off:
//
//   BASE_URL=http://127.0.0.1:8642 EXPECT_MESSAGES=300 SCREENSHOT=/tmp/history.png \
//     node src/test/node/browser-history-test.mjs
//
// Env: BASE_URL, EXPECT_MESSAGES (required); PAGE_SIZE (messages the page shows first, default
// 50); SCREENSHOT (png path, default history.png); CHROMIUM (default /usr/bin/chromium).
// Exit 0 on success; otherwise "FAIL: <reason>" on stderr, a "-failure" screenshot, exit 1.

import { chromium } from 'playwright-core';
import { browserRun, Failure } from './browser-run.mjs';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const EXPECTED = Number(process.env.EXPECT_MESSAGES || 0);
const PAGE_SIZE = Number(process.env.PAGE_SIZE || 50);
const SCREENSHOT = process.env.SCREENSHOT || 'history.png';
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
  current: () => ({ browser, page, step }),
  pageErrors,
});
const { log, expectThat, until } = run;

// The numbers of the messages shown, top to bottom ("message 17 ..." is 17).
function shownNumbers() {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid="messages"] [data-testid="message-text"]')]
    .map((p) => Number((/^message (\d+) /.exec(p.textContent) || [])[1])));
}

function inOrder(numbers, from, to) {
  return numbers.length === to - from + 1 && numbers.every((n, i) => n === from + i);
}

async function steps() {
  if (!BASE_URL) throw new Failure('BASE_URL is not set');
  if (!(EXPECTED > PAGE_SIZE * 2)) throw new Failure('EXPECT_MESSAGES must be more than two pages');

  browser = await expectThat(`could not launch Chromium at ${CHROMIUM}`, chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const olderPages = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && /\/api\/web\/chats\/[^/]+\/messages\?/.test(r.url())) olderPages.push(r.url());
  });

  step = '1 (the newest page)';
  await expectThat(`could not open ${BASE_URL}/`, page.goto(`${BASE_URL}/`, { waitUntil: 'domcontentloaded', timeout: STEP_MS }));
  await until(`the newest message (${EXPECTED}) was not shown`, (n) => [...document.querySelectorAll('[data-testid="message-text"]')]
    .some((p) => p.textContent.startsWith(`message ${n} `)), EXPECTED);
  const first = await shownNumbers();
  if (!inOrder(first, EXPECTED - first.length + 1, EXPECTED) || first.length < PAGE_SIZE || first.length >= EXPECTED) {
    throw new Failure(`step ${step}: expected the newest ${PAGE_SIZE} messages (a screenful or more, not all ${EXPECTED}), in order; shown: ${first.length} from ${first[0]}`);
  }
  const atBottom = await page.evaluate(() => {
    const v = document.querySelector('[data-testid="messages"]');
    return v.scrollHeight - v.scrollTop - v.clientHeight < 50;
  });
  if (!atBottom) throw new Failure(`step ${step}: the conversation did not open at its newest message`);
  log(`step 1 ok: opened on the newest ${first.length} of ${EXPECTED} messages`);

  step = '2 (scroll up once)';
  const view = page.getByTestId('messages');
  await view.hover();
  const before = first.length;
  // Up to the top of what is shown, as a wheel does: the page fetches the page before it.
  await page.mouse.wheel(0, -100_000);
  await until('scrolling to the top loaded no earlier messages',
    (n) => document.querySelectorAll('[data-testid="messages"] [data-testid="message"]').length > n, before);
  const second = await shownNumbers();
  if (!inOrder(second, EXPECTED - second.length + 1, EXPECTED) || second.length >= EXPECTED) {
    throw new Failure(`step ${step}: after one scroll the earlier page should have joined in order, not the whole conversation; shown: ${second.length} from ${second[0]}`);
  }
  const stayed = await page.evaluate((n) => {
    const li = [...document.querySelectorAll('[data-testid="message-text"]')].find((p) => p.textContent.startsWith(`message ${n} `));
    const v = document.querySelector('[data-testid="messages"]');
    const top = li.getBoundingClientRect().top - v.getBoundingClientRect().top;
    return top > -v.clientHeight && top < v.clientHeight;
  }, first[0]);
  if (!stayed) throw new Failure(`step ${step}: the view jumped away from where the reader was (message ${first[0]} is out of sight)`);
  log(`step 2 ok: ${second.length - before} earlier messages loaded above, the view stayed put`);

  step = '3 (scroll to the start)';
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = await shownNumbers();
    if (shown[0] === 1) break;
    if (Date.now() > deadline) throw new Failure(`step ${step}: the first message never loaded; the oldest shown is ${shown[0]}`);
    await page.mouse.wheel(0, -100_000);
    await page.waitForFunction((n) => {
      const p = document.querySelector('[data-testid="messages"] [data-testid="message-text"]');
      return !p || !p.textContent.startsWith(`message ${n} `);
    }, shown[0], { timeout: STEP_MS, polling: 100 }).catch(() => { /* checked on the next round */ });
  }
  const all = await shownNumbers();
  if (!inOrder(all, 1, EXPECTED)) {
    throw new Failure(`step ${step}: the whole conversation is not shown once and in order (${all.length} messages)`);
  }
  await until('the "load earlier messages" control is still shown at the start of the conversation',
    () => document.querySelector('[data-testid="load-older"]').hidden);
  log(`step 3 ok: all ${EXPECTED} messages in order after ${olderPages.length} requests for earlier pages`);
  await page.screenshot({ path: SCREENSHOT });
  log(`screenshot: ${SCREENSHOT}`);
  if (pageErrors.length) throw new Failure(`uncaught exception in the page: ${pageErrors[0]}`);
}

await run.main(steps);
