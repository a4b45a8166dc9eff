// Switchboard web chat: the browser side of the gateway's built-in chat.
// Plain ES module with no build step and no dependencies, served by the gateway itself.

const MAX_LEN = 16000;
const PAGE_SIZE = 50;
// Older messages are fetched when the reader scrolls this close to the top.
const LOAD_OLDER_MARGIN_PX = 300;
const LOAD_OLDER = 'Load earlier messages';
const LOADING_OLDER = 'Loading earlier messages…';
const OLDER_FAILED = 'Could not load earlier messages. Try again';
const LAST_CHAT_KEY = 'switchboard.lastChat';
const STREAMING_SUFFIX = ' …';
const COPY_CODE = 'Copy code';
const COPY_FEEDBACK_MS = 2000;
const RECONNECTING = 'Reconnecting to Switchboard…';
const DRAINING = 'Switchboard is restarting or stopping — replies already started will finish; '
  + 'new messages are answered when it is back.';
// Shown in the conversation as pictures; the server serves only these inline, and only when a
// file's bytes are such an image. Everything else is a link to download.
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
// The header the server asks of an upload: a form on another site cannot send it.
const UPLOAD_HEADER = 'X-Switchboard-Upload';

const $ = (id) => document.getElementById(id);
const ui = {
  banner: $('banner'),
  loginView: $('login-view'), loginForm: $('login-form'), loginToken: $('login-token'),
  loginError: $('login-error'), loginSubmit: $('login-submit'),
  appView: $('app-view'), sidebar: $('sidebar'), backdrop: $('backdrop'), menuToggle: $('menu-toggle'),
  chatList: $('chat-list'), newChat: $('new-chat'), logout: $('logout'), chatTitle: $('chat-title'),
  messages: $('messages'), messageList: $('message-list'), emptyState: $('empty-state'),
  loadOlder: $('load-older'),
  composer: $('composer'), input: $('composer-input'), sendError: $('send-error'),
  announcer: $('announcer'), chat: $('chat'), attach: $('attach'), fileInput: $('file-input'),
  attachments: $('attachments'),
};

const state = {
  chats: [],              // newest first, as the server orders them
  chatId: null,
  source: null,           // the EventSource of the open chat
  // 'connecting' does not raise the banner, so opening a chat does not flash a warning;
  // only a stream that actually failed ('broken') does.
  stream: 'idle',         // 'idle' | 'connecting' | 'open' | 'broken'
  streamRetry: null,
  ready: null,            // last /ready result: {reachable, ready, state}
  readyTimer: null,
  readySeq: 0,
  rendered: new Map(),    // message id -> {li, who, body, time, shown, final}
  // The open chat shows its newest page first; `before` asks for the page before the oldest
  // shown (null: the start of the conversation is shown). A new snapshot starts a new
  // generation, and an older page that arrives for an earlier one is dropped.
  before: null,
  olderLoading: false,
  olderFailed: false,
  generation: 0,
  pending: new Map(),     // optimistic user messages whose POST is in flight, by message id
  attached: [],           // files picked, dropped or pasted for the next message: {file, preview}
  limits: { maxFileBytes: 25 * 1024 * 1024, maxFiles: 10 }, // the server's, from /api/web/session
  dragDepth: 0,
};

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A network failure makes fetch throw a TypeError; an HTTP error becomes an HttpError
// carrying the server's {"error": ...} text so it can be shown as is.
// A FormData body goes as multipart/form-data (the browser writes its boundary) with the
// header the server asks of uploads.
async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' };
  if (body instanceof FormData) {
    init.headers[UPLOAD_HEADER] = '1';
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { /* an empty body or a proxy's HTML error page */ }
  }
  if (!res.ok) {
    throw new HttpError(res.status, (data && data.error) || `${res.status} ${res.statusText}`.trim());
  }
  return data;
}

// crypto.randomUUID exists only in secure contexts, and a phone on the LAN usually reaches
// the gateway over plain http; getRandomValues is available everywhere.
function newClientId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function remember(chatId) {
  try { localStorage.setItem(LAST_CHAT_KEY, chatId); } catch { /* storage disabled: just not remembered */ }
}

function remembered() {
  try { return localStorage.getItem(LAST_CHAT_KEY); } catch { return null; }
}

// ---- health: /ready polling and the banner ----------------------------------------------

function healthy() {
  const r = state.ready;
  const readyOk = !r || (r.reachable && r.ready && r.state !== 'draining');
  return readyOk && state.stream !== 'broken';
}

function updateBanner() {
  const r = state.ready;
  let text = '';
  if (r && !r.reachable) text = RECONNECTING;
  else if (r && r.state === 'draining') text = DRAINING;
  else if ((r && !r.ready) || state.stream === 'broken') text = RECONNECTING;
  if (ui.banner.textContent !== text) ui.banner.textContent = text;
  ui.banner.hidden = text === '';
}

async function pollReady() {
  clearTimeout(state.readyTimer);
  // Stream errors trigger an immediate poll; the sequence number keeps an older, slower
  // answer from overwriting a newer one.
  const seq = ++state.readySeq;
  let result;
  try {
    const res = await fetch('/ready', { cache: 'no-store', credentials: 'same-origin' });
    let data = null;
    try { data = await res.json(); } catch { /* not JSON: judge by the status alone */ }
    result = {
      reachable: true,
      ready: typeof data?.ready === 'boolean' ? data.ready : res.ok,
      state: data?.state ?? (res.ok ? 'running' : 'unavailable'),
    };
  } catch {
    result = { reachable: false, ready: false, state: 'unreachable' };
  }
  if (seq !== state.readySeq) return;
  state.ready = result;
  updateBanner();
  state.readyTimer = setTimeout(pollReady, healthy() ? 10000 : 2000);
}

function setStream(status) {
  if (state.stream === status) return;
  state.stream = status;
  updateBanner();
  if (status === 'broken' || status === 'open') pollReady();
}

// ---- start-up and login -------------------------------------------------------------------

async function boot() {
  const params = new URLSearchParams(location.hash.slice(1));
  let linkToken = params.get('token');
  if (linkToken !== null) {
    // The token must not linger in the address bar, the history or a bookmark.
    history.replaceState(null, '', location.pathname + location.search);
  }
  pollReady();
  await enter(linkToken);
}

// Logs in with a link token (if any), checks the session and opens the chat UI, retrying
// while the gateway is unreachable so a page opened during a restart recovers by itself.
async function enter(linkToken, justLoggedIn = false) {
  let linkError = '';
  for (;;) {
    try {
      if (linkToken) {
        try {
          await api('POST', '/api/web/login', { token: linkToken });
          justLoggedIn = true;
        } catch (e) {
          if (!(e instanceof HttpError) || e.status >= 500) throw e;
          linkError = `The sign-in link was not accepted: ${e.message}`;
        }
        linkToken = null;
      }
      const session = await api('GET', '/api/web/session');
      await startApp(session);
      return;
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) {
        showLogin(linkError || (justLoggedIn
          ? 'Signed in, but the browser did not keep the session cookie. Are cookies blocked?'
          : ''));
        return;
      }
      // Unreachable or not ready yet: the banner tells the user; try again shortly.
      pollReady();
      await sleep(2000);
    }
  }
}

function showLogin(message = '') {
  closeStream();
  state.chatId = null;
  state.stream = 'idle';
  updateBanner();
  ui.appView.hidden = true;
  ui.loginView.hidden = false;
  showError(ui.loginError, message);
  document.title = 'Sign in · Switchboard';
  ui.loginToken.focus();
}

async function onLogin(event) {
  event.preventDefault();
  const token = ui.loginToken.value.trim();
  if (!token) {
    showError(ui.loginError, 'Enter the access token.');
    return;
  }
  ui.loginSubmit.disabled = true;
  try {
    await api('POST', '/api/web/login', { token });
    ui.loginToken.value = '';
    showError(ui.loginError, '');
    await enter(null, true);
  } catch (e) {
    showError(ui.loginError, e instanceof HttpError
      ? e.message
      : 'Cannot reach Switchboard. Check the connection and try again.');
  } finally {
    ui.loginSubmit.disabled = false;
  }
}

async function onLogout() {
  // Unreachable server: the page logs out anyway; the cookie then lasts until it expires.
  try { await api('POST', '/api/web/logout', {}); } catch { /* nothing more to do */ }
  state.chats = [];
  showLogin('');
}

async function startApp(session) {
  if (Number.isFinite(session.max_file_bytes)) state.limits.maxFileBytes = session.max_file_bytes;
  if (Number.isFinite(session.max_files)) state.limits.maxFiles = session.max_files;
  const { chats } = await api('GET', '/api/web/chats');
  state.chats = chats || [];
  ui.logout.hidden = !session.auth;
  ui.loginView.hidden = true;
  ui.appView.hidden = false;
  const last = remembered();
  let chat = state.chats.find((c) => c.id === last) || state.chats[0];
  if (!chat) {
    chat = await api('POST', '/api/web/chats', {});
    state.chats.unshift(chat);
  }
  openChat(chat.id);
  ui.input.focus({ preventScroll: true });
}

function unauthorized() {
  showLogin('Your session has ended. Please sign in again.');
}

// ---- sidebar ------------------------------------------------------------------------------

function sortChats() {
  state.chats.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
}

function formatWhen(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const now = new Date();
  return d.toDateString() === now.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

function renderChatList() {
  const items = state.chats.map((chat) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chat-item';
    button.dataset.testid = 'chat-item';
    button.dataset.chatId = chat.id;
    if (chat.id === state.chatId) button.setAttribute('aria-current', 'page');
    const title = document.createElement('span');
    title.className = 'chat-item-title';
    title.textContent = chat.title || 'Untitled';
    const when = document.createElement('time');
    when.className = 'chat-item-when';
    when.dateTime = chat.updated_at || '';
    when.textContent = formatWhen(chat.updated_at);
    button.append(title, when);
    li.append(button);
    return li;
  });
  ui.chatList.replaceChildren(...items);
}

function renderTitle() {
  const chat = state.chats.find((c) => c.id === state.chatId);
  const title = chat ? chat.title || 'Untitled' : '';
  ui.chatTitle.textContent = title;
  document.title = title ? `${title} · Switchboard` : 'Switchboard';
}

function applyChat(update) {
  if (!update || !update.id) return;
  const chat = state.chats.find((c) => c.id === update.id);
  if (chat) Object.assign(chat, update);
  else state.chats.push({ ...update });
  sortChats();
  renderChatList();
  if (update.id === state.chatId) renderTitle();
}

// Chat events may only be sent on title changes, so the open chat's position is bumped
// locally when it gets a new message, as any messenger's list behaves.
function touchChat(chatId, at) {
  const chat = state.chats.find((c) => c.id === chatId);
  if (!chat || !at || String(at) <= String(chat.updated_at)) return;
  chat.updated_at = at;
  sortChats();
  renderChatList();
}

async function refreshChats() {
  try {
    const { chats } = await api('GET', '/api/web/chats');
    state.chats = chats || [];
    renderChatList();
    renderTitle();
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) unauthorized();
  }
}

async function onNewChat() {
  ui.newChat.disabled = true;
  try {
    const chat = await api('POST', '/api/web/chats', {});
    state.chats = state.chats.filter((c) => c.id !== chat.id);
    state.chats.unshift(chat);
    openChat(chat.id);
    ui.input.focus();
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) return unauthorized();
    showError(ui.sendError, `Could not start a new conversation: ${describe(e)}`);
  } finally {
    ui.newChat.disabled = false;
  }
}

function setSidebar(open) {
  ui.sidebar.classList.toggle('open', open);
  ui.backdrop.hidden = !open;
  ui.menuToggle.setAttribute('aria-expanded', String(open));
}

// ---- the open chat and its event stream -----------------------------------------------------

function openChat(chatId) {
  closeStream();
  state.chatId = chatId;
  remember(chatId);
  clearMessages();
  showError(ui.sendError, '');
  renderChatList();
  renderTitle();
  setSidebar(false);
  connectStream();
}

function closeStream() {
  clearTimeout(state.streamRetry);
  if (state.source) state.source.close();
  state.source = null;
}

function parse(event) {
  try { return JSON.parse(event.data); } catch { return null; }
}

function connectStream() {
  const chatId = state.chatId;
  const source = new EventSource(`/api/web/chats/${encodeURIComponent(chatId)}/events`);
  state.source = source;
  if (state.stream !== 'broken') setStream('connecting');
  // Events of a stream that was replaced (chat switched) must not touch the page.
  const current = () => source === state.source;

  source.addEventListener('snapshot', (event) => {
    const data = parse(event);
    if (!current() || !data) return;
    const recovered = state.stream === 'broken';
    renderSnapshot(data.messages || [], data.before ?? null);
    setStream('open');
    // Titles may have changed while the stream was down.
    if (recovered) refreshChats();
  });
  source.addEventListener('message', (event) => {
    const message = parse(event);
    if (!current() || !message) return;
    renderUpdates(() => upsertMessage(message, { live: true }));
    touchChat(chatId, message.at);
  });
  source.addEventListener('chat', (event) => {
    const chat = parse(event);
    if (current() && chat) applyChat(chat);
  });
  source.onerror = () => {
    if (!current()) return;
    setStream('broken');
    // CONNECTING means the browser retries by itself. CLOSED means it gave up for good (an
    // HTTP error such as 401, 404 or a 503 while starting), so recovery is up to the page.
    if (source.readyState === EventSource.CLOSED) {
      state.source = null;
      state.streamRetry = setTimeout(() => recoverStream(chatId), 2000);
    }
  };
}

async function recoverStream(chatId) {
  if (chatId !== state.chatId) return;
  try {
    await api('GET', '/api/web/session');
    const { chats } = await api('GET', '/api/web/chats');
    state.chats = chats || [];
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) return unauthorized();
    state.streamRetry = setTimeout(() => recoverStream(chatId), 2000);
    return;
  }
  if (chatId !== state.chatId) return;
  if (state.chats.some((c) => c.id === chatId)) {
    renderChatList();
    renderTitle();
    connectStream();
  } else if (state.chats.length) {
    openChat(state.chats[0].id);
  } else {
    onNewChat();
  }
}

// ---- messages -------------------------------------------------------------------------------

function isAtBottom() {
  const m = ui.messages;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 48;
}

function scrollToBottom() {
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

// Follows new content only when the reader was already at the bottom, so scrolling back to
// read something is not interrupted by a streaming reply.
function renderUpdates(fn, forceScroll = false) {
  const follow = forceScroll || isAtBottom();
  fn();
  updateEmptyState();
  if (follow) scrollToBottom();
}

function updateEmptyState() {
  ui.emptyState.hidden = state.rendered.size > 0 || state.before != null;
}

function clearMessages() {
  state.rendered.clear();
  ui.messageList.replaceChildren();
  ui.emptyState.hidden = true;
  resetOlder(null);
}

function renderSnapshot(messages, before) {
  const first = state.rendered.size === 0;
  resetOlder(before);
  renderUpdates(() => {
    state.rendered.clear();
    ui.messageList.replaceChildren();
    for (const m of messages) upsertMessage(m, { live: false });
    // A send still in flight is not in the snapshot yet; keep showing it.
    for (const [id, p] of state.pending) {
      if (p.chatId === state.chatId && !state.rendered.has(id)) upsertMessage(p.message, { live: false, pending: true });
    }
  }, first);
  fillWithOlder();
}

// ---- older messages, a page at a time ---------------------------------------------------

function resetOlder(before) {
  state.generation++;
  state.before = before;
  state.olderLoading = false;
  state.olderFailed = false;
  renderOlderControl();
}

function renderOlderControl() {
  const button = ui.loadOlder;
  const more = state.before != null;
  if (!more && document.activeElement === button) ui.messages.focus({ preventScroll: true });
  button.hidden = !more;
  button.disabled = state.olderLoading;
  button.textContent = state.olderLoading ? LOADING_OLDER : state.olderFailed ? OLDER_FAILED : LOAD_OLDER;
  ui.messageList.setAttribute('aria-busy', String(state.olderLoading));
}

// `announce`: the reader asked (button or scrolling), so a screen reader says what came.
async function loadOlder({ announce = false } = {}) {
  const chatId = state.chatId;
  const before = state.before;
  if (!chatId || before == null || state.olderLoading) return;
  const generation = state.generation;
  const current = () => chatId === state.chatId && generation === state.generation;
  state.olderLoading = true;
  state.olderFailed = false;
  renderOlderControl();
  let page = null;
  try {
    page = await api('GET', `/api/web/chats/${encodeURIComponent(chatId)}/messages`
      + `?before=${encodeURIComponent(before)}&limit=${PAGE_SIZE}`);
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) return unauthorized();
    if (current()) state.olderFailed = true;
  }
  if (!current()) return;
  state.olderLoading = false;
  if (page) {
    prependMessages(page.messages || []);
    state.before = page.before ?? null;
    const added = (page.messages || []).length;
    if (announce) {
      const loaded = `Loaded ${added} earlier message${added === 1 ? '' : 's'}`;
      ui.announcer.textContent = state.before == null ? `${loaded}; this is the start of the conversation.` : `${loaded}.`;
    }
  }
  renderOlderControl();
  updateEmptyState();
  if (page) fillWithOlder();
}

// Older messages go above the ones shown, and the view stays where the reader is. A message
// already shown came from a newer page or a live update, so its text is the newer one; the
// older page knows its earlier place, which is where it belongs.
function prependMessages(messages) {
  const view = ui.messages;
  const fromBottom = view.scrollHeight - view.scrollTop;
  const older = document.createDocumentFragment();
  for (const message of messages) {
    if (!message || message.id == null) continue;
    const known = state.rendered.get(String(message.id));
    if (known) {
      older.append(known.li);
    } else {
      const entry = createEntry(String(message.id));
      fillEntry(entry, message, { live: false });
      older.append(entry.li);
    }
  }
  ui.messageList.prepend(older);
  view.scrollTop = view.scrollHeight - fromBottom;
}

// Until the messages fill the view there is nothing to scroll, so more are loaded at once.
function fillWithOlder() {
  const view = ui.messages;
  if (state.before != null && !state.olderFailed && view.scrollHeight <= view.clientHeight + LOAD_OLDER_MARGIN_PX) {
    loadOlder();
  }
}

function onMessagesScroll() {
  if (ui.messages.scrollTop < LOAD_OLDER_MARGIN_PX && !state.olderFailed) loadOlder({ announce: true });
}

function formatTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function upsertMessage(message, { live, pending = false }) {
  if (!message || message.id == null) return;
  const id = String(message.id);
  let entry = state.rendered.get(id);
  if (!entry) {
    entry = createEntry(id);
    ui.messageList.append(entry.li);
  }
  fillEntry(entry, message, { live, pending });
}

// A message's element, known by id but not placed in the list yet.
function createEntry(id) {
  const li = document.createElement('li');
  li.className = 'message';
  li.dataset.testid = 'message';
  li.dataset.id = id;
  const who = document.createElement('span');
  who.className = 'sr-only';
  // A div, not a p: a reply may hold code blocks and quotes, which a paragraph cannot.
  const body = document.createElement('div');
  body.className = 'message-text';
  body.dataset.testid = 'message-text';
  const files = document.createElement('div');
  files.className = 'message-files';
  files.dataset.testid = 'message-files';
  files.hidden = true;
  const time = document.createElement('time');
  time.className = 'message-time';
  li.append(who, body, files, time);
  const entry = { li, who, body, files, time, shown: null, shownFiles: null, final: false };
  state.rendered.set(id, entry);
  return entry;
}

function fillEntry(entry, message, { live, pending = false }) {
  const text = String(message.text ?? '');
  const role = message.role === 'user' ? 'user' : 'agent';
  // Only a reply the server marked as HTML (written by its SafeHtml) is HTML. Everything else is
  // text: the user's messages, and replies stored before replies were rendered, which carry no
  // mark. The suffix is outside the HTML's elements, at its very end, as in text.
  const html = role === 'agent' && message.format === 'html';
  const final = !text.endsWith(STREAMING_SUFFIX);
  entry.li.dataset.role = role;
  entry.who.textContent = role === 'user' ? 'You: ' : 'Switchboard: ';
  const shown = `${html ? 'html' : 'text'}:${text}`;
  if (entry.shown !== shown) {
    // A streamed reply comes whole at every update, so it is rendered afresh each time.
    if (html) entry.body.replaceChildren(replyFragment(text));
    else entry.body.textContent = text;
    entry.shown = shown;
  }
  const files = Array.isArray(message.files) ? message.files : [];
  const shownFiles = JSON.stringify(files.map((f) => [f.ref, f.name, f.type, f.preview]));
  if (entry.shownFiles !== shownFiles) {
    entry.files.replaceChildren(...files.map(fileView));
    entry.files.hidden = files.length === 0;
    entry.shownFiles = shownFiles;
  }
  entry.li.toggleAttribute('data-streaming', !final);
  entry.li.classList.toggle('pending', pending);
  if (message.at) {
    entry.time.dateTime = message.at;
    entry.time.textContent = formatTime(message.at);
  }
  // innerText, not textContent: a reply's line breaks are <br> elements, which only it reads.
  if (live && role === 'agent' && final && !entry.final) {
    announce([entry.body.innerText, ...files.map((f) => `sent ${String(f.name ?? 'a file')}`)].filter(Boolean).join('; '));
  }
  entry.final = final;
}

// ---- files in the conversation -----------------------------------------------------------

// Where the server serves a file of the open conversation. The name only labels the download;
// what the file is, the server decides from its bytes.
function fileUrl(file) {
  return `/api/web/chats/${encodeURIComponent(state.chatId)}/files/${encodeURIComponent(file.ref)}`
    + `?name=${encodeURIComponent(file.name || 'file')}`;
}

function formatSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

// A picture the page can show (a known safe image type) inline, anything else as a link. A file
// not uploaded yet (the message is still being sent) shows its local preview, if it has one.
function fileView(file) {
  const name = String(file.name || 'file');
  const type = String(file.type || '');
  const url = file.ref ? fileUrl(file) : null;
  const src = url || file.preview || null;
  if (INLINE_IMAGES.has(type) && src) {
    const link = document.createElement(url ? 'a' : 'span');
    if (url) {
      link.href = url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
    }
    const img = document.createElement('img');
    img.className = 'message-image';
    img.dataset.testid = 'message-image';
    img.alt = name;
    img.src = src;
    link.append(img);
    return link;
  }
  const link = document.createElement(url ? 'a' : 'span');
  link.className = 'message-file';
  link.dataset.testid = 'message-file';
  if (url) {
    link.href = url;
    link.download = name;
  }
  const label = document.createElement('span');
  label.textContent = name;
  const size = document.createElement('span');
  size.className = 'message-file-size';
  size.textContent = formatSize(file.size);
  link.append(label, size);
  return link;
}

// ---- files to send: attach button, drop, paste ---------------------------------------------

function megabytes(bytes) {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

// Adds files to the next message, each within the server's limits (which it checks again).
function attachFiles(list) {
  const problems = [];
  for (const file of list) {
    if (state.attached.length >= state.limits.maxFiles) {
      problems.push(`At most ${state.limits.maxFiles} files go in one message.`);
      break;
    }
    if (file.size > state.limits.maxFileBytes) {
      problems.push(`${file.name || 'The file'} is larger than the ${megabytes(state.limits.maxFileBytes)} Switchboard accepts.`);
      continue;
    }
    if (file.size === 0) {
      problems.push(`${file.name || 'The file'} is empty.`);
      continue;
    }
    const item = { file, preview: null };
    state.attached.push(item);
    // A data: address, not a blob: one: the page's policy already allows data: images.
    if (INLINE_IMAGES.has(file.type)) {
      const reader = new FileReader();
      reader.onload = () => {
        item.preview = String(reader.result);
        renderAttachments();
      };
      reader.readAsDataURL(file);
    }
  }
  showError(ui.sendError, problems.join(' '));
  renderAttachments();
}

function renderAttachments() {
  const items = state.attached.map((item, index) => {
    const li = document.createElement('li');
    li.className = 'attachment';
    li.dataset.testid = 'attachment';
    if (item.preview) {
      const img = document.createElement('img');
      img.alt = '';
      img.src = item.preview;
      img.dataset.testid = 'attachment-thumbnail';
      li.append(img);
    }
    const name = document.createElement('span');
    name.className = 'attachment-name';
    name.textContent = item.file.name || 'file';
    name.title = `${item.file.name || 'file'} (${formatSize(item.file.size)})`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'icon attachment-remove';
    remove.dataset.index = String(index);
    remove.setAttribute('aria-label', `Remove ${item.file.name || 'file'}`);
    remove.textContent = '×';
    li.append(name, remove);
    return li;
  });
  ui.attachments.replaceChildren(...items);
  ui.attachments.hidden = items.length === 0;
}

function draggingFiles(event) {
  return Array.from(event.dataTransfer?.types || []).includes('Files');
}

// ---- replies as HTML ----------------------------------------------------------------------

// What the server's SafeHtml writes, and all the page makes of a reply: these elements with
// these attributes. The reply is parsed into a separate, inert document (nothing runs or loads
// there) and only this vocabulary is copied into the page, rebuilt by the page itself; anything
// else becomes its text. So even a message that did not come from SafeHtml could add no other
// element, attribute or kind of link to the page.
const REPLY_ELEMENTS = new Map([
  ['STRONG', []], ['EM', []], ['DEL', []], ['BLOCKQUOTE', []], ['BR', []], ['PRE', []],
  ['CODE', ['class']], ['A', ['href']],
]);
const BLOCKS = new Set(['PRE', 'BLOCKQUOTE']);
const SAFE_LINK = /^(?:https?:|mailto:)/i;
const CODE_LANGUAGE = /^language-[A-Za-z0-9_+#.-]{1,32}$/;

function replyFragment(html) {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const fragment = document.createDocumentFragment();
  copyReplyNodes(parsed.body, fragment);
  return fragment;
}

function copyReplyNodes(from, to) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.append(node.data);
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    // A code block or quote ends its line itself: the line break written after it would show
    // as an empty line the agent did not type.
    if (node.tagName === 'BR' && BLOCKS.has(node.previousSibling?.nodeName)) continue;
    const attributes = REPLY_ELEMENTS.get(node.tagName);
    if (!attributes) {
      to.append(node.textContent);
      continue;
    }
    const element = document.createElement(node.tagName.toLowerCase());
    for (const name of attributes) {
      const value = node.getAttribute(name);
      if (value !== null) element.setAttribute(name, value);
    }
    if (element.localName === 'code' && !CODE_LANGUAGE.test(element.className)) element.removeAttribute('class');
    if (element.localName === 'a') {
      if (!SAFE_LINK.test((element.getAttribute('href') || '').trim())) element.removeAttribute('href');
      // A link opens beside the conversation, not in its place.
      element.target = '_blank';
      element.rel = 'noopener noreferrer';
    }
    copyReplyNodes(node, element);
    to.append(element.localName === 'pre' ? codeBlock(element) : element);
  }
}

function codeBlock(pre) {
  const block = document.createElement('div');
  block.className = 'code-block';
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'code-copy';
  copy.dataset.testid = 'code-copy';
  copy.setAttribute('aria-label', COPY_CODE);
  block.append(pre, copy);
  return block;
}

async function copyCode(button) {
  const code = button.parentElement.querySelector('pre');
  let outcome = 'copied';
  try {
    await writeClipboard(code.textContent, code);
  } catch {
    outcome = 'failed';
  }
  button.dataset.state = outcome;
  button.setAttribute('aria-label', outcome === 'copied' ? 'Copied' : 'Copy failed');
  clearTimeout(button.resetTimer);
  button.resetTimer = setTimeout(() => {
    delete button.dataset.state;
    button.setAttribute('aria-label', COPY_CODE);
  }, COPY_FEEDBACK_MS);
}

// The Clipboard API exists only in secure contexts (https, localhost); a phone on the LAN often
// reaches the gateway over plain http, where copying the selected code still works.
async function writeClipboard(text, node) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const selection = window.getSelection();
  const range = document.createRange();
  range.selectNodeContents(node);
  selection.removeAllRanges();
  selection.addRange(range);
  const copied = document.execCommand('copy');
  selection.removeAllRanges();
  if (!copied) throw new Error('the browser refused to copy');
}

function announce(text) {
  const short = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  ui.announcer.textContent = `Switchboard: ${short}`;
}

// ---- sending --------------------------------------------------------------------------------

function showError(node, message) {
  node.textContent = message;
  node.hidden = !message;
}

function describe(error) {
  return error instanceof HttpError ? error.message : 'Switchboard could not be reached.';
}

// The client id makes the server ignore a repeated POST, so a send that failed on the
// network can be retried safely; HTTP errors are answers and are not retried.
async function postMessage(chatId, clientId, text, files) {
  const delays = [1000, 2000, 4000];
  let body = { id: clientId, text };
  if (files.length) {
    body = new FormData();
    body.append('id', clientId);
    body.append('text', text);
    for (const file of files) body.append('file', file, file.name || 'file');
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await api('POST', `/api/web/chats/${encodeURIComponent(chatId)}/messages`, body);
    } catch (e) {
      if (e instanceof HttpError || attempt >= delays.length) throw e;
      await sleep(delays[attempt]);
    }
  }
}

async function send() {
  const text = ui.input.value;
  const chatId = state.chatId;
  const attached = state.attached;
  if ((!text.trim() && !attached.length) || !chatId) return;
  if (text.length > MAX_LEN) {
    showError(ui.sendError, `This message is too long: ${text.length} characters, the limit is ${MAX_LEN}.`);
    return;
  }
  showError(ui.sendError, '');
  const clientId = newClientId();
  // The server echoes the user message with this id, so the echo replaces this copy.
  const message = {
    id: `u-${clientId}`, role: 'user', text, at: new Date().toISOString(),
    files: attached.map((a) => ({ name: a.file.name || 'file', type: a.file.type, size: a.file.size, preview: a.preview })),
  };
  state.pending.set(message.id, { chatId, message });
  ui.input.value = '';
  state.attached = [];
  renderAttachments();
  autosize();
  renderUpdates(() => upsertMessage(message, { live: false, pending: true }), true);
  try {
    await postMessage(chatId, clientId, text, attached.map((a) => a.file));
    const entry = state.rendered.get(message.id);
    if (entry) entry.li.classList.remove('pending');
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) {
      state.pending.delete(message.id);
      unauthorized();
      ui.input.value = text;
      state.attached = attached;
      renderAttachments();
      return;
    }
    const entry = state.rendered.get(message.id);
    // The server's echo already replaced the optimistic copy: the message arrived and only
    // the answer to the POST was lost, so restoring it would invite a duplicate.
    if (entry && !entry.li.classList.contains('pending')) return;
    if (entry && chatId === state.chatId) {
      entry.li.remove();
      state.rendered.delete(message.id);
      updateEmptyState();
    }
    // Nothing the user typed is lost: the text goes back into the input, ahead of anything
    // typed since.
    ui.input.value = ui.input.value ? `${text}\n${ui.input.value}` : text;
    state.attached = [...attached, ...state.attached];
    renderAttachments();
    autosize();
    showError(ui.sendError, e instanceof HttpError
      ? `Not sent: ${e.message}`
      : 'Not sent: Switchboard could not be reached. Your message is back in the input; send it again when the connection returns.');
    if (!(e instanceof HttpError) || e.status >= 500) pollReady();
  } finally {
    state.pending.delete(message.id);
  }
}

function autosize() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${ui.input.scrollHeight}px`;
}

// ---- wiring ---------------------------------------------------------------------------------

ui.loginForm.addEventListener('submit', onLogin);
ui.logout.addEventListener('click', onLogout);
ui.newChat.addEventListener('click', onNewChat);
ui.menuToggle.addEventListener('click', () => setSidebar(!ui.sidebar.classList.contains('open')));
ui.backdrop.addEventListener('click', () => setSidebar(false));
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && ui.sidebar.classList.contains('open')) setSidebar(false);
});
ui.chatList.addEventListener('click', (e) => {
  const item = e.target.closest('[data-chat-id]');
  if (!item) return;
  if (item.dataset.chatId === state.chatId) setSidebar(false);
  else openChat(item.dataset.chatId);
});
ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});
ui.input.addEventListener('keydown', (e) => {
  // isComposing: Enter also confirms an IME composition (Chinese, Japanese, ...), which must not send.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    send();
  }
});
ui.input.addEventListener('input', autosize);
ui.loadOlder.addEventListener('click', () => loadOlder({ announce: true }));
ui.messageList.addEventListener('click', (e) => {
  const copy = e.target.closest('.code-copy');
  if (copy) copyCode(copy);
});
ui.messages.addEventListener('scroll', onMessagesScroll, { passive: true });
ui.attach.addEventListener('click', () => ui.fileInput.click());
ui.fileInput.addEventListener('change', () => {
  attachFiles(Array.from(ui.fileInput.files || []));
  ui.fileInput.value = ''; // the same file can be picked again
});
ui.attachments.addEventListener('click', (e) => {
  const remove = e.target.closest('.attachment-remove');
  if (!remove) return;
  state.attached.splice(Number(remove.dataset.index), 1);
  renderAttachments();
  ui.input.focus();
});
// Files dropped anywhere on the conversation go with the next message.
ui.chat.addEventListener('dragenter', (e) => {
  if (!draggingFiles(e)) return;
  e.preventDefault();
  state.dragDepth++;
  ui.chat.classList.add('dropping');
});
ui.chat.addEventListener('dragover', (e) => {
  if (!draggingFiles(e)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
});
ui.chat.addEventListener('dragleave', () => {
  state.dragDepth = Math.max(0, state.dragDepth - 1);
  if (state.dragDepth === 0) ui.chat.classList.remove('dropping');
});
ui.chat.addEventListener('drop', (e) => {
  state.dragDepth = 0;
  ui.chat.classList.remove('dropping');
  if (!draggingFiles(e)) return;
  e.preventDefault();
  attachFiles(Array.from(e.dataTransfer.files || []));
  ui.input.focus();
});
// A file dropped beside the conversation (on the sidebar, the header) is ignored rather than
// opened by the browser in place of the chat.
document.addEventListener('dragover', (e) => { if (draggingFiles(e)) e.preventDefault(); });
document.addEventListener('drop', (e) => { if (draggingFiles(e)) e.preventDefault(); });
// A pasted picture (a screenshot, an image copied in another app) is attached; pasted text
// stays text.
ui.chat.addEventListener('paste', (e) => {
  const files = Array.from(e.clipboardData?.files || []);
  if (!files.length) return;
  if (!e.clipboardData.types.includes('text/plain')) e.preventDefault();
  attachFiles(files);
});

boot();
