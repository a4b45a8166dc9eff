// The admin page: reads /api/admin/status every 2 seconds and offers a restart. Text is
// always set with textContent, never parsed as markup.
const $ = (id) => document.getElementById(id);

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = !text;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.append(td);
  }
  return tr;
}

function render(s) {
  const facts = [
    ['State', s.state], ['Version', s.version], ['PID', String(s.pid)],
    ['Up since', s.started_at], ['Service manager', s.service_manager],
    ['Active turns', String(s.active_turns)], ['Queued messages', String(s.queued_messages)],
  ];
  $('gateway').replaceChildren(...facts.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v ?? '';
    return [dt, dd];
  }));
  $('platforms').replaceChildren(...Object.entries(s.platforms).map(([name, p]) =>
    row([name, p.state, p.last_error ?? ''])));
  const sessions = s.sessions.map((x) => row([x.session, x.turn_running ? 'running' : 'idle',
    String(x.waiting)]));
  if (sessions.length === 0) sessions.push(row(['No active sessions', '', '']));
  $('sessions').replaceChildren(...sessions);
  $('restart').disabled = s.state !== 'running';
}

// The pid of the process a restart was asked of: the restart is over when another one answers.
let restartingFrom = null;
let lastPid = null;

function showLogin(show) {
  $('login').hidden = !show;
  for (const s of document.querySelectorAll('section')) s.hidden = show;
}

async function login(token) {
  const r = await fetch('/api/admin/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (r.ok) return null;
  const body = await r.json().catch(() => ({}));
  return body.error || 'HTTP ' + r.status;
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = await login($('token').value).catch(() => 'Switchboard is not answering.');
  $('login-error').textContent = error ?? '';
  if (!error) {
    $('token').value = '';
    refresh();
  }
});

async function refresh() {
  try {
    const r = await fetch('/api/admin/status', { cache: 'no-store' });
    if (r.status === 401) {
      showLogin(true);
      return;
    }
    showLogin(false);
    if (!r.ok) throw new Error('HTTP ' + r.status);
    const s = await r.json();
    render(s);
    lastPid = s.pid;
    if (restartingFrom !== null && s.pid !== restartingFrom && s.state === 'running') {
      notice('Restarted: Switchboard runs again as process ' + s.pid + '.');
      $('notice').dataset.kind = 'restarted'; // kept on screen until the page is reloaded
      restartingFrom = null;
    } else if (restartingFrom === null && $('notice').dataset.kind !== 'restarted') {
      notice('');
    }
  } catch {
    notice(restartingFrom !== null ? 'Restarting: waiting for Switchboard to come back…'
      : 'Switchboard is not answering; it may be restarting.');
  }
}

$('restart').addEventListener('click', async () => {
  if (!confirm('Restart Switchboard? Replies already being written finish first.')) return;
  $('restart').disabled = true;
  const r = await fetch('/api/admin/restart', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
  }).catch(() => null);
  if (r && r.status === 202) {
    restartingFrom = lastPid;
    notice('Restart requested: Switchboard is finishing current replies.');
  } else {
    notice('The restart was not accepted' + (r ? ' (HTTP ' + r.status + ').' : '.'));
  }
});

// A link with #token=... (printed at the first start) logs in; the token then leaves the
// address bar and the history.
async function start() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) {
    history.replaceState(null, '', location.pathname);
    const error = await login(decodeURIComponent(m[1])).catch(() => null);
    if (error) $('login-error').textContent = 'The link was not accepted: ' + error;
  }
  await refresh();
  setInterval(refresh, 2000);
}

start();
