// Files in the gateway's web chat, in headless Chromium: a picture attached with the attach
// button shows as a thumbnail before it is sent and in the user's own message after; a picture
// pasted from the clipboard and one dropped on the conversation go together in one message; a
// text file shows as a download link the server serves as an attachment; a file over the limit
// is refused with a message; the agent's picture (the echo agent repeats a Markdown image with a
// data: address, which the gateway sends as a file) shows inline; a Markdown reply is still
// rendered; and after a reload the conversation still shows its pictures.
// Run by a Java process-level test against a gateway with the echo agent, the login turned off
// and media.max_file_mb 1:
//
//   BASE_URL=http://127.0.0.1:8642 DROP_FILE=/tmp/green.png SCREENSHOT=/tmp/files.png \
//     node src/test/node/browser-files-test.mjs
//
// Env: BASE_URL, DROP_FILE (a PNG on disk, dropped through the DevTools protocol) (required);
// SCREENSHOT (png path, default files.png); CHROMIUM (default /usr/bin/chromium).
// Exit 0 on success; otherwise "FAIL: <reason>" on stderr, a "-failure" screenshot, exit 1.

import { chromium } from 'playwright-core';
import { browserRun, Failure } from './browser-run.mjs';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const DROP_FILE = process.env.DROP_FILE || '';
const SCREENSHOT = process.env.SCREENSHOT || 'files.png';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = 150_000;
const STEP_MS = 30_000;

// 24x24 pictures: red, and green.
const RED_PNG = 'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR4nGO4IydHFcQwatCoQaMGjRo0atCoQQNvEAD4u3Yf+O/62QAAAABJRU5ErkJggg==';
const GREEN_PNG = 'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR4nGOQW2BDFcQwatCoQaMGjRo0atCoQQNvEAACIzKfxZFxpQAAAABJRU5ErkJggg==';

let browser = null;
let page = null;
let step = 'setup';
const pageErrors = [];
const refused = [];

const run = browserRun({
  screenshot: SCREENSHOT,
  overallMs: OVERALL_MS,
  stepMs: STEP_MS,
  fullPageFailure: true,
  current: () => ({ browser, page, step }),
  pageErrors,
});
const { log, expectThat, until, check } = run;

async function sendMessage(text) {
  const input = page.getByTestId('composer-input');
  await expectThat('the message input is not usable', input.fill(text, { timeout: STEP_MS }));
  await expectThat('pressing Enter in the message input failed', input.press('Enter', { timeout: STEP_MS }));
}

// The pictures of the user's newest message once every one has loaded from the gateway: their
// addresses and sizes. False while one is still a local preview or has not loaded.
function picturesOf(what) {
  return until(what, () => {
    const li = [...document.querySelectorAll('#message-list li[data-role="user"]')].pop();
    if (!li || li.classList.contains('pending')) return false;
    const imgs = [...li.querySelectorAll('[data-testid="message-image"]')];
    if (!imgs.length || imgs.some((i) => !i.complete || i.naturalWidth === 0 || !i.getAttribute('src').startsWith('/api/web/'))) return false;
    return imgs.map((i) => ({ src: i.getAttribute('src'), width: i.naturalWidth, alt: i.alt }));
  });
}

// The reply after the user's newest message that shows a picture.
async function agentPicture(what) {
  return until(what, () => {
    const items = [...document.querySelectorAll('#message-list li[data-testid="message"]')];
    const from = items.findLastIndex((li) => li.dataset.role === 'user');
    for (const li of items.slice(from + 1)) {
      if (li.dataset.role !== 'agent') continue;
      const img = li.querySelector('[data-testid="message-image"]');
      if (img && img.complete && img.naturalWidth > 0) {
        return { id: li.dataset.id, src: img.getAttribute('src'), width: img.naturalWidth };
      }
    }
    return false;
  });
}

async function served(src) {
  return page.evaluate(async (url) => {
    const r = await fetch(url, { credentials: 'same-origin' });
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      disposition: r.headers.get('content-disposition'),
      nosniff: r.headers.get('x-content-type-options'),
      bytes: (await r.arrayBuffer()).byteLength,
    };
  }, src);
}

async function steps() {
  if (!BASE_URL || !DROP_FILE) throw new Failure('BASE_URL and DROP_FILE must be set');

  browser = await expectThat(`could not launch Chromium at ${CHROMIUM}`, chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // What the page's content security policy blocks is reported on the console.
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });

  step = '1 (open)';
  await expectThat(`could not open ${BASE_URL}/`, page.goto(`${BASE_URL}/`, { waitUntil: 'domcontentloaded', timeout: STEP_MS }));
  await expectThat('the chat UI did not appear', page.getByTestId('composer-input').waitFor({ state: 'visible' }));
  // The page shows before its first conversation is made (a fresh gateway has none): count
  // once one is open, or that one and the click's would both land after the count.
  await expectThat('no conversation opened at the start', page.locator('[data-testid="chat-item"][aria-current="page"]').waitFor());
  const chats = await page.getByTestId('chat-item').count();
  await page.getByTestId('new-chat').click();
  await until('the new conversation did not open', (n) => document.querySelectorAll('[data-testid="chat-item"]').length === n
    && !document.querySelector('[data-testid="messages-empty"]').hidden, chats + 1);
  log('step 1 ok: a new conversation is open');

  step = '2 (attach button)';
  const [chooser] = await expectThat('the attach button opened no file chooser', Promise.all([
    page.waitForEvent('filechooser', { timeout: STEP_MS }),
    page.getByTestId('attach').click(),
  ]));
  check(chooser.isMultiple(), 'the file chooser does not take several files');
  await chooser.setFiles({ name: 'red.png', mimeType: 'image/png', buffer: Buffer.from(RED_PNG, 'base64') });
  const thumbnail = await until('no thumbnail of the picked picture appeared before sending', () => {
    const img = document.querySelector('[data-testid="attachment"] [data-testid="attachment-thumbnail"]');
    return img && img.complete && img.naturalWidth > 0 ? img.naturalWidth : false;
  });
  check(thumbnail === 24, `the thumbnail is ${thumbnail} pixels wide, not the picture's 24`);
  await sendMessage('a red square');
  const red = await picturesOf('the sent picture did not show in the user\'s message');
  check(red.length === 1 && red[0].width === 24 && red[0].alt === 'red.png', `the user's message shows ${JSON.stringify(red)}`);
  const redServed = await served(red[0].src);
  check(redServed.status === 200 && redServed.type === 'image/png' && redServed.disposition.startsWith('inline;')
    && redServed.nosniff === 'nosniff', `the picture is served as ${JSON.stringify(redServed)}`);
  const tray = await page.evaluate(() => document.querySelector('[data-testid="attachments"]').hidden);
  check(tray, 'the files stayed in the composer after sending');
  const caption = await page.evaluate(() => [...document.querySelectorAll('#message-list li[data-role="user"] [data-testid="message-text"]')].pop().textContent);
  check(caption === 'a red square', `the caption shows as ${JSON.stringify(caption)}`);
  log(`step 2 ok: thumbnail before sending, the picture in the user's message (${red[0].src})`);

  step = '3 (paste and drop)';
  // A real paste: the picture on the clipboard, Ctrl+V in the message input.
  await page.getByTestId('composer-input').focus();
  const pasted = await page.evaluate(async (b64) => {
    try {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
      return 'clipboard';
    } catch (e) {
      return `no clipboard: ${e.message}`;
    }
  }, GREEN_PNG);
  check(pasted === 'clipboard', `the picture could not be put on the clipboard (${pasted})`);
  await page.keyboard.press('Control+V');
  await until('the pasted picture was not attached', () => document.querySelectorAll('[data-testid="attachment"]').length === 1);
  // A real drop of a file from the desktop, through the DevTools protocol.
  const cdp = await context.newCDPSession(page);
  const box = await page.getByTestId('messages').boundingBox();
  const at = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
  const data = { items: [], files: [DROP_FILE], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) {
    await expectThat(`the DevTools protocol refused ${type}`, cdp.send('Input.dispatchDragEvent', { type, ...at, data }));
  }
  await until('the dropped file was not attached', () => document.querySelectorAll('[data-testid="attachment"]').length === 2);
  const names = await page.evaluate(() => [...document.querySelectorAll('[data-testid="attachment"] .attachment-name')].map((n) => n.textContent));
  log(`attached: ${JSON.stringify(names)}`);
  await sendMessage('pasted and dropped');
  const two = await picturesOf('the pasted and dropped pictures did not show in the user\'s message');
  check(two.length === 2, `the message shows ${two.length} pictures, not 2`);
  log(`step 3 ok: a pasted and a dropped picture in one message: ${JSON.stringify(two.map((p) => p.alt))}`);

  step = '4 (a file to download)';
  const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('attach').click()]);
  await chooser2.setFiles({ name: 'notes.html', mimeType: 'text/html', buffer: Buffer.from('<script>alert(1)</script>') });
  await sendMessage('my notes');
  const link = await until('the file did not show as a download link', () => {
    const li = [...document.querySelectorAll('#message-list li[data-role="user"]')].pop();
    const a = li && !li.classList.contains('pending') && li.querySelector('a[data-testid="message-file"]');
    return a ? { href: a.getAttribute('href'), download: a.download, text: a.textContent } : false;
  });
  check(link.download === 'notes.html' && link.text.includes('notes.html'), `the link is ${JSON.stringify(link)}`);
  const notes = await served(link.href);
  check(notes.status === 200 && notes.type === 'application/octet-stream' && notes.disposition.startsWith('attachment;'),
    `the HTML file is served as ${JSON.stringify(notes)}`);
  log(`step 4 ok: a download link, served as ${notes.disposition}`);

  step = '5 (too large)';
  const [chooser3] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('attach').click()]);
  await chooser3.setFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1536 * 1024) });
  const tooBig = await until('no error about the file over the limit appeared', () => {
    const e = document.querySelector('[data-testid="send-error"]');
    return e && !e.hidden ? e.textContent : false;
  });
  check(tooBig.includes('big.bin') && tooBig.includes('1 MB'), `the error says ${JSON.stringify(tooBig)}`);
  const trayAfter = await page.getByTestId('attachment').count();
  check(trayAfter === 0, 'the file over the limit was attached all the same');
  log(`step 5 ok: ${tooBig}`);

  step = '6 (the agent\'s picture)';
  await sendMessage(`here is a dot ![a green dot](data:image/png;base64,${GREEN_PNG})`);
  const reply = await agentPicture('the agent\'s picture did not show in the conversation');
  check(reply.width === 24, `the agent's picture is ${reply.width} pixels wide`);
  const replyServed = await served(reply.src);
  check(replyServed.type === 'image/png' && replyServed.disposition.startsWith('inline;'), `the agent's picture is served as ${JSON.stringify(replyServed)}`);
  const replyText = await until('the reply\'s text did not arrive', () => {
    const items = [...document.querySelectorAll('#message-list li[data-role="agent"]')];
    const t = items.map((li) => li.querySelector('[data-testid="message-text"]').textContent).find((x) => x.startsWith('here is a dot'));
    return t || false;
  });
  check(!replyText.includes('base64'), `the reply's text shows the image's address: ${replyText}`);
  log(`step 6 ok: the agent's picture inline (${reply.src}), text ${JSON.stringify(replyText)}`);

  step = '7 (markdown)';
  await sendMessage('**bold** and `code`');
  const strong = await until('the Markdown reply was not rendered', () => {
    const items = [...document.querySelectorAll('#message-list li[data-role="agent"]')];
    const last = items[items.length - 1];
    const s = last && !last.hasAttribute('data-streaming') && last.querySelector('strong');
    return s ? { strong: s.textContent, code: last.querySelector('code')?.textContent } : false;
  });
  check(strong.strong === 'bold' && strong.code === 'code', `the reply shows ${JSON.stringify(strong)}`);
  log('step 7 ok: a Markdown reply is rendered');

  step = '8 (screenshot)';
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  log(`screenshot: ${SCREENSHOT}`);

  step = '9 (reload)';
  await page.reload({ waitUntil: 'domcontentloaded' });
  const after = await until('after a reload the conversation does not show its pictures', () => {
    const imgs = [...document.querySelectorAll('#message-list [data-testid="message-image"]')];
    return imgs.length >= 4 && imgs.every((i) => i.complete && i.naturalWidth > 0) ? imgs.length : false;
  });
  log(`step 9 ok: ${after} pictures after a reload`);

  check(refused.length === 0, `the page's policy blocked something: ${refused[0]}`);
  if (pageErrors.length) throw new Failure(`uncaught exception in the page: ${pageErrors[0]}`);
}

await run.main(steps);
