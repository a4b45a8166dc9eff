// The agent's Markdown in the gateway's web chat, in headless Chromium: a reply is shown as
// the server's sanitized HTML (bold, a link, a code block with a copy button that copies the
// code), HTML the agent writes stays text and creates no element, the user's own messages stay
// text, and a conversation stored before replies were rendered still shows its replies as text.
// Run by a Java process-level test against a gateway with the echo agent (which repeats the
// message, streamed word by word) and the login turned off:
//
//   BASE_URL=http://127.0.0.1:8642 OLD_CHAT=old OLD_TEXT='**raw** <img ...>' \
//     SCREENSHOT=/tmp/markdown.png node src/test/node/browser-markdown-test.mjs
//
// Env: BASE_URL, OLD_CHAT (the id of the stored conversation), OLD_TEXT (its agent's reply, as
// stored) (required); SCREENSHOT (png path, default markdown.png); CHROMIUM (default
// /usr/bin/chromium).
// Exit 0 on success; otherwise "FAIL: <reason>" on stderr, a "-failure" screenshot, exit 1.

import { chromium } from 'playwright-core';
import { browserRun, Failure } from './browser-run.mjs';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
const OLD_CHAT = process.env.OLD_CHAT || '';
const OLD_TEXT = process.env.OLD_TEXT || '';
const SCREENSHOT = process.env.SCREENSHOT || 'markdown.png';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = 120_000;
const STEP_MS = 30_000;

const MARKDOWN = [
  '**bold** and *soft*, see [the docs](https://example.com/docs?a=1&b=2)',
  '- first item',
  '- second item',
  '```sh',
  'echo "copied <ok>" && ls',
  '```',
  '> quoted, then `inline code`',
].join('\n');
const CODE = 'echo "copied <ok>" && ls';
const ATTACK = '<img src=x onerror=alert(1)>';

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
const { log, expectThat, until, check } = run;
const dialogs = [];

// Installed before the app's scripts: watches every element the page ever puts into the
// message list, so an element that should not exist is caught even if it is gone again, and
// keeps the states of replies seen while they were still being written.
function installWatch() {
  const PAGE_MADE = new Set(['LI', 'SPAN', 'DIV', 'TIME', 'BUTTON']);
  const FROM_REPLIES = new Set(['STRONG', 'EM', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'BR', 'A']);
  window.__md = { foreign: [], partialCode: [] };
  const inspect = (el) => {
    if (!PAGE_MADE.has(el.tagName) && !FROM_REPLIES.has(el.tagName)) window.__md.foreign.push(el.outerHTML);
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name) || /^\s*javascript:/i.test(attr.value)) window.__md.foreign.push(el.outerHTML);
    }
  };
  new MutationObserver((records) => {
    if (!document.getElementById('message-list')) return;
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE || node.id === 'message-list' || !node.closest('#message-list')) continue;
        inspect(node);
        node.querySelectorAll('*').forEach(inspect);
      }
    }
    for (const li of document.querySelectorAll('#message-list li[data-role="agent"][data-streaming]')) {
      const pre = li.querySelector('pre');
      if (pre) window.__md.partialCode.push(li.querySelector('[data-testid="message-text"]').innerHTML);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

async function sendMessage(text) {
  const input = page.getByTestId('composer-input');
  await expectThat('the message input is not usable', input.fill(text, { timeout: STEP_MS }));
  await expectThat('pressing Enter in the message input failed', input.press('Enter', { timeout: STEP_MS }));
}

// The id of the complete agent reply right after the user's message `text`.
function finalReplyTo(text, what) {
  return until(what, (t) => {
    const items = [...document.querySelectorAll('#message-list li[data-testid="message"]')];
    const from = items.findLastIndex((li) => li.dataset.role === 'user'
      && li.querySelector('[data-testid="message-text"]').textContent === t);
    const reply = from < 0 ? null : items.slice(from + 1).find((li) => li.dataset.role === 'agent');
    return reply && !reply.hasAttribute('data-streaming') ? reply.dataset.id : false;
  }, text);
}

async function steps() {
  if (!BASE_URL) throw new Failure('BASE_URL is not set');
  if (!OLD_CHAT || !OLD_TEXT) throw new Failure('OLD_CHAT and OLD_TEXT must be set');

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
  await page.addInitScript(installWatch);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });

  step = '1 (open)';
  await expectThat(`could not open ${BASE_URL}/`, page.goto(`${BASE_URL}/`, { waitUntil: 'domcontentloaded', timeout: STEP_MS }));
  await expectThat('the chat UI did not appear', page.getByTestId('composer-input').waitFor({ state: 'visible' }));
  const chats = await page.getByTestId('chat-item').count();
  await page.getByTestId('new-chat').click();
  await until('the new conversation did not open', (n) => document.querySelectorAll('[data-testid="chat-item"]').length === n
    && !document.querySelector('[data-testid="messages-empty"]').hidden, chats + 1);
  log('step 1 ok: a new conversation is open');

  step = '2 (markdown reply)';
  await sendMessage(MARKDOWN);
  const replyId = await finalReplyTo(MARKDOWN, 'no complete agent reply to the Markdown message appeared');
  const shown = await page.evaluate(({ id, markdown }) => {
    const body = document.querySelector(`#message-list li[data-id="${id}"] [data-testid="message-text"]`);
    const user = [...document.querySelectorAll('#message-list li[data-role="user"] [data-testid="message-text"]')]
      .find((b) => b.textContent === markdown);
    const link = body.querySelector('a');
    const code = body.querySelector('pre > code');
    return {
      html: body.innerHTML,
      text: body.textContent,
      lines: body.innerText,
      strong: [...body.querySelectorAll('strong')].map((e) => e.textContent),
      em: [...body.querySelectorAll('em')].map((e) => e.textContent),
      link: link && { href: link.getAttribute('href'), text: link.textContent, rel: link.rel, target: link.target },
      links: body.querySelectorAll('a').length,
      code: code && { text: code.textContent, language: code.className },
      copyButtons: body.querySelectorAll('.code-block > pre + button[data-testid="code-copy"]').length,
      userElements: user ? user.children.length : -1,
    };
  }, { id: replyId, markdown: MARKDOWN });
  log(`reply html: ${shown.html}`);
  check(JSON.stringify(shown.strong) === '["bold"]', `the reply shows no <strong>bold</strong>: ${JSON.stringify(shown.strong)}`);
  check(JSON.stringify(shown.em) === '["soft"]', `the reply shows no <em>soft</em>: ${JSON.stringify(shown.em)}`);
  check(shown.links === 1 && shown.link && shown.link.href === 'https://example.com/docs?a=1&b=2'
    && shown.link.text === 'the docs' && shown.link.rel.includes('noopener') && shown.link.target === '_blank',
  `the reply's link is not the safe link to the docs: ${JSON.stringify(shown.link)}`);
  check(shown.lines.includes('the docs\n- first item\n- second item\n'), `the list is not shown line by line as typed: ${JSON.stringify(shown.lines)}`);
  check(/ && ls\n(?:Copy\n)?quoted, then inline code/.test(shown.lines), `the quote does not follow the code block on the next line: ${JSON.stringify(shown.lines)}`);
  check(shown.code && shown.code.text === CODE && shown.code.language === 'language-sh',
    `the code block is not a <pre><code> with the code: ${JSON.stringify(shown.code)}`);
  check(shown.copyButtons === 1, `the code block has ${shown.copyButtons} copy buttons, not one`);
  check(!shown.text.includes('Copy'), 'the copy button\'s label became part of the reply\'s text');
  check(shown.userElements === 0, `the user's own message is not plain text (${shown.userElements} elements)`);
  const partial = await page.evaluate(() => window.__md.partialCode);
  check(partial.length > 0, 'no half-written reply with its code block was seen while the reply streamed');
  log(`while streaming: ${partial[0]}`);
  log('step 2 ok: bold, link, list as typed, code block with a copy button; user text stays text');

  step = '3 (copy)';
  const copy = page.locator(`#message-list li[data-id="${replyId}"] [data-testid="code-copy"]`);
  await expectThat('the copy button could not be clicked', copy.click());
  await until('the copy button did not say it copied', (id) => document
    .querySelector(`#message-list li[data-id="${id}"] [data-testid="code-copy"]`)?.dataset.state === 'copied', replyId);
  const clipboard = await expectThat('the clipboard could not be read', page.evaluate(() => navigator.clipboard.readText()));
  check(clipboard === CODE, `the clipboard holds ${JSON.stringify(clipboard)}, not the code`);
  log(`step 3 ok: copied ${JSON.stringify(clipboard)}`);

  // Where the page is no secure context (plain http from another machine) there is no Clipboard
  // API: the button copies the selected code instead.
  await page.evaluate(async () => {
    window.__clipboard = navigator.clipboard;
    await window.__clipboard.writeText('something else');
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
  });
  await until('the copy button did not go back to its label', (id) => !document
    .querySelector(`#message-list li[data-id="${id}"] [data-testid="code-copy"]`)?.dataset.state, replyId);
  await expectThat('the copy button could not be clicked', copy.click());
  await until('without the Clipboard API the copy button did not say it copied', (id) => document
    .querySelector(`#message-list li[data-id="${id}"] [data-testid="code-copy"]`)?.dataset.state === 'copied', replyId);
  const selected = await page.evaluate(async () => {
    const text = await window.__clipboard.readText();
    delete navigator.clipboard;
    return text;
  });
  check(selected === CODE, `without the Clipboard API the clipboard holds ${JSON.stringify(selected)}, not the code`);
  log('step 3 ok without the Clipboard API too');

  step = '4 (html is text)';
  await sendMessage(ATTACK);
  const attackId = await finalReplyTo(ATTACK, 'no complete agent reply to the HTML message appeared');
  const attack = await page.evaluate((id) => {
    const body = document.querySelector(`#message-list li[data-id="${id}"] [data-testid="message-text"]`);
    return { text: body.textContent, elements: body.children.length, images: document.querySelectorAll('img').length };
  }, attackId);
  check(attack.text === ATTACK, `the reply does not show the HTML as typed: ${JSON.stringify(attack.text)}`);
  check(attack.elements === 0 && attack.images === 0, `the reply made elements: ${JSON.stringify(attack)}`);
  log(`step 4 ok: shown as text: ${attack.text}`);

  step = '5 (screenshot)';
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  log(`screenshot: ${SCREENSHOT}`);

  step = '6 (stored before)';
  await page.locator(`[data-testid="chat-item"][data-chat-id="${OLD_CHAT}"]`).click();
  const old = await until('the conversation stored before did not show its reply',
    (text) => {
      const body = [...document.querySelectorAll('#message-list li[data-role="agent"] [data-testid="message-text"]')]
        .find((b) => b.textContent === text);
      return body ? { elements: body.children.length } : false;
    }, OLD_TEXT);
  check(old.elements === 0, `the stored reply was turned into ${old.elements} elements`);
  log(`step 6 ok: the stored reply is text: ${OLD_TEXT}`);

  const foreign = await page.evaluate(() => window.__md.foreign);
  check(foreign.length === 0, `elements or attributes that no reply may make appeared: ${foreign.slice(0, 3).join(' ')}`);
  check(dialogs.length === 0, `a dialog opened: ${dialogs[0]}`);
  if (pageErrors.length) throw new Failure(`uncaught exception in the page: ${pageErrors[0]}`);
}

await run.main(steps);
