// The sandbox's web view (docs/sandbox-view.md). Plain browser JavaScript, no build step, no
// dependencies. Message data only ever reaches the page through textContent and attributes set
// one by one, never as markup; the message HTML is rendered by the server on its own route inside
// a sandboxed frame.

const PROVIDERS = ['sendgrid', 'ses', 'mailgun', 'postmark', 'resend'];
const FAULTS = [
  ['outage', 'outage (503)'],
  ['server_error', 'server error (500)'],
  ['rate_limited', 'rate limited (429)'],
  ['hang', 'hang (no answer)'],
  ['reset', 'connection reset'],
  ['malformed', 'malformed 200'],
  ['accept_then_reset', 'accept, then reset'],
  ['accept_then_hang', 'accept, then hang'],
  ['quota_exhausted', 'quota exhausted'],
  ['account_suspended', 'account suspended'],
  ['message_too_large', 'message too large'],
];
const TABS = [
  ['timeline', 'Timeline'],
  ['html', 'HTML'],
  ['text', 'Text'],
  ['headers', 'Headers'],
  ['attachments', 'Attachments'],
  ['raw', 'Raw request'],
];
const ICONS = { call: '⇄', wait: '⋯', failover: '↪', accepted: '✔', webhook: '⚑', loop: '↻', resend: '⟳' };

const state = { messages: [], selected: undefined, tab: 'timeline', providers: [] };
const $ = (id) => document.getElementById(id);

/** An element with properties and children; strings become text nodes. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function time(epochMs) {
  return new Date(epochMs).toLocaleTimeString([], { hour12: false });
}

function offset(ms) {
  return ms < 1000 ? `+${Math.round(ms)} ms` : `+${(ms / 1000).toFixed(2)} s`;
}

// ─── providers and faults ────────────────────────────────────────────────────

function faultLabel(fault) {
  const name = (FAULTS.find(([kind]) => kind === fault.kind) ?? [fault.kind, fault.kind])[1];
  const rate = fault.rate === undefined ? '' : ` on ${Math.round(fault.rate * 100)} %`;
  const retry = fault.retryAfterSeconds === undefined ? '' : `, Retry-After ${fault.retryAfterSeconds} s`;
  return `${name}${rate}${retry}`;
}

function buildProviderForms() {
  const box = $('providers');
  for (const kind of PROVIDERS) {
    const kindId = `fault-kind-${kind}`;
    const rateId = `fault-rate-${kind}`;
    const retryId = `fault-retry-${kind}`;
    const retry = el('input', {
      id: retryId,
      name: 'retryAfterSeconds',
      type: 'number',
      min: 0,
      max: 86400,
      value: 1,
    });
    const select = el(
      'select',
      { id: kindId, name: 'kind', onchange: () => (retry.disabled = select.value !== 'rate_limited') },
      FAULTS.map(([value, label]) => el('option', { value, text: label })),
    );
    retry.disabled = true;
    const form = el(
      'form',
      { class: 'provider', 'data-provider': kind, 'aria-labelledby': `legend-${kind}` },
      el(
        'fieldset',
        {},
        el('legend', { id: `legend-${kind}` }, el('span', { class: `badge p-${kind}`, text: kind })),
        el('p', { class: 'provider-state', id: `state-${kind}`, 'aria-live': 'polite', text: '…' }),
        el(
          'div',
          { class: 'fault-fields' },
          el('label', { for: kindId, text: 'Fault' }),
          select,
          el('label', { for: rateId, text: 'Rate %' }),
          el('input', { id: rateId, name: 'rate', type: 'number', min: 0, max: 100, step: 1, value: 100 }),
          el('label', { for: retryId, text: 'Retry-After s', title: 'Retry-After, seconds (429 only)' }),
          retry,
        ),
        el(
          'div',
          { class: 'buttons' },
          el('button', { type: 'submit', class: 'primary', text: 'Set fault' }),
          el('button', { type: 'button', text: 'Clear', onclick: () => clearFault(kind) }),
        ),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      setFault(kind, form);
    });
    box.append(form);
    $('filter-provider').append(el('option', { value: kind, text: kind }));
  }
}

async function faultRequest(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const error = $('fault-error');
  if (!response.ok) {
    const answer = await response.json().catch(() => ({ error: `${response.status}` }));
    error.textContent = answer.error;
    error.hidden = false;
  } else error.hidden = true;
  await refreshProviders();
}

function setFault(kind, form) {
  const data = new FormData(form);
  const fault = { kind: data.get('kind') };
  const rate = Number(data.get('rate'));
  if (data.get('rate') !== '' && rate !== 100) fault.rate = rate / 100;
  if (fault.kind === 'rate_limited' && data.get('retryAfterSeconds') !== '')
    fault.retryAfterSeconds = Number(data.get('retryAfterSeconds'));
  return faultRequest('PUT', `/_sandbox/faults/${kind}`, fault);
}

function clearFault(kind) {
  return faultRequest('DELETE', `/_sandbox/faults/${kind}`);
}

async function refreshProviders() {
  state.providers = await getJson('/_sandbox/providers');
  for (const provider of state.providers) {
    const line = $(`state-${provider.kind}`);
    const form = line.closest('form');
    const faults = [
      provider.standing ? faultLabel(provider.standing) : '',
      provider.queued.length ? `${provider.queued.length} one-shot queued` : '',
    ].filter(Boolean);
    line.textContent = `${faults.length ? faults.join(' · ') : 'healthy'} · ${provider.requests} calls`;
    form.classList.toggle('faulted', faults.length > 0);
  }
}

// ─── messages ───────────────────────────────────────────────────────────────

function matches(message) {
  const provider = $('filter-provider').value;
  const status = $('filter-status').value;
  const query = $('search').value.trim().toLowerCase();
  if (provider && message.provider !== provider) return false;
  if (status && message.status !== status) return false;
  if (!query) return true;
  const haystack = [
    message.subject,
    message.from.address,
    message.from.name,
    ...message.to,
    message.messageId,
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return haystack.includes(query);
}

async function refreshMessages() {
  state.messages = await getJson('/_sandbox/inbox');
  renderMessages();
}

function renderMessages() {
  const rows = $('message-rows');
  const shown = state.messages.filter(matches).reverse();
  rows.replaceChildren(
    ...shown.map((message) => {
      const open = el('button', {
        type: 'button',
        class: 'link',
        text: message.subject || '(no subject)',
        'aria-label': `Open “${message.subject || 'no subject'}” (${message.provider}, ${message.to.join(', ')})`,
        onclick: () => select(message.id),
      });
      return el(
        'tr',
        {
          class: message.id === state.selected ? 'selected' : '',
          'aria-current': message.id === state.selected ? 'true' : undefined,
          'data-id': message.id,
          onclick: (event) => {
            if (event.target.closest('button') === null) select(message.id);
          },
        },
        el('td', { class: 'nowrap', text: time(message.time) }),
        el('td', {}, el('span', { class: `badge p-${message.provider}`, text: message.provider })),
        el('td', {
          text: message.from.name ? `${message.from.name} <${message.from.address}>` : message.from.address,
        }),
        el('td', { text: message.to.join(', ') }),
        el('td', {}, open),
        el('td', {}, el('span', { class: `status s-${message.status}`, text: message.status })),
      );
    }),
  );
  $('message-count').textContent = `${shown.length} of ${state.messages.length}`;
  $('empty').hidden = state.messages.length > 0;
}

// ─── one message ────────────────────────────────────────────────────────────

function buildTabs() {
  const list = $('tabs');
  for (const [name, label] of TABS) {
    list.append(
      el('button', {
        type: 'button',
        role: 'tab',
        id: `tab-${name}`,
        'aria-controls': `panel-${name}`,
        'aria-selected': name === state.tab ? 'true' : 'false',
        tabIndex: name === state.tab ? 0 : -1,
        text: label,
        onclick: () => showTab(name),
      }),
    );
  }
  list.addEventListener('keydown', (event) => {
    const index = TABS.findIndex(([name]) => name === state.tab);
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    let next;
    if (step) next = TABS[(index + step + TABS.length) % TABS.length][0];
    else if (event.key === 'Home') next = TABS[0][0];
    else if (event.key === 'End') next = TABS[TABS.length - 1][0];
    if (!next) return;
    event.preventDefault();
    showTab(next);
    $(`tab-${next}`).focus();
  });
}

function showTab(name) {
  state.tab = name;
  for (const [tab] of TABS) {
    const button = $(`tab-${tab}`);
    button.setAttribute('aria-selected', tab === name ? 'true' : 'false');
    button.tabIndex = tab === name ? 0 : -1;
    $(`panel-${tab}`).hidden = tab !== name;
  }
}

async function select(id) {
  const first = state.selected !== id;
  state.selected = id;
  renderMessages();
  const detail = await getJson(`/_sandbox/messages/${id}`);
  if (state.selected !== id) return;
  renderDetail(detail);
  await refreshTimeline();
  if (first) $('detail').focus();
}

function addressList(addresses) {
  return addresses.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

function renderDetail(detail) {
  $('detail').hidden = false;
  $('detail-title').textContent = detail.subject || '(no subject)';
  const rows = [
    ['Accepted by', `${detail.provider} at ${time(detail.receivedAt)}`],
    ['Provider id', detail.providerMessageId],
    ['Message-ID', detail.messageId ?? '(none sent)'],
    ['From', addressList([detail.from])],
    ['To', addressList(detail.to)],
    ['Cc', addressList(detail.cc)],
    ['Bcc', addressList(detail.bcc)],
    ['Copies', detail.copies.map((copy) => `${copy.provider} #${copy.id}`).join(', ')],
  ].filter(([, value]) => value);
  $('summary').replaceChildren(
    ...rows.flatMap(([key, value]) => [el('dt', { text: key }), el('dd', { text: value })]),
  );

  const frame = $('html-frame');
  frame.hidden = !detail.hasHtml;
  $('no-html').hidden = detail.hasHtml;
  const src = detail.hasHtml ? `/_sandbox/messages/${detail.id}/html` : 'about:blank';
  if (frame.getAttribute('src') !== src) frame.setAttribute('src', src);

  $('text-part').textContent = detail.text ?? '(no text part)';
  $('header-rows').replaceChildren(
    ...Object.entries(detail.headers).map(([name, value]) =>
      el('tr', {}, el('th', { scope: 'row', text: name }), el('td', { text: value })),
    ),
  );
  $('attachment-list').replaceChildren(
    ...(detail.attachments.length
      ? detail.attachments.map((attachment) =>
          el(
            'li',
            {},
            el('a', {
              href: `/_sandbox/messages/${detail.id}/attachments/${attachment.index}`,
              download: attachment.filename,
              text: attachment.filename,
            }),
            ` ${attachment.contentType}, ${attachment.size} bytes${attachment.cid ? `, inline as cid:${attachment.cid}` : ''}`,
          ),
        )
      : [el('li', { class: 'muted', text: 'No attachments.' })]),
  );
  $('raw-request').textContent = detail.request
    ? `${detail.request.method} /${detail.provider}${detail.request.path} → ${detail.request.status ?? detail.request.outcome}`
    : 'The request that carried it is no longer in the journal.';
  $('raw-body').textContent = JSON.stringify(detail.raw, null, 2);
}

async function refreshTimeline() {
  if (state.selected === undefined) return;
  const id = state.selected;
  const timeline = await getJson(`/_sandbox/messages/${id}/timeline`);
  if (state.selected !== id) return;
  renderLanes(timeline);
  $('timeline').replaceChildren(
    ...timeline.entries.map((entry) =>
      el(
        'li',
        { class: `entry k-${entry.kind} t-${entry.tone}` },
        el('span', { class: 'when', text: offset(entry.offsetMs) }),
        el('span', { class: 'icon', 'aria-hidden': 'true', text: ICONS[entry.kind] ?? '•' }),
        entry.provider ? el('span', { class: `badge p-${entry.provider}`, text: entry.provider }) : null,
        el('span', { class: 'what', text: entry.title }),
        entry.detail ? el('span', { class: 'detail', text: entry.detail }) : null,
      ),
    ),
  );
}

/** One lane per provider; each call, acceptance and webhook a mark at its time. */
function renderLanes(timeline) {
  // A copy's acceptance sits on its 2xx call; drawing both would stack two marks.
  const marks = timeline.entries.filter(
    (entry) => entry.provider && entry.kind !== 'wait' && entry.kind !== 'accepted',
  );
  const span = Math.max(1, ...marks.map((entry) => entry.offsetMs));
  $('lanes').replaceChildren(
    ...timeline.providers.map((provider) => {
      const track = el('div', { class: 'track' });
      for (const entry of marks.filter((candidate) => candidate.provider === provider)) {
        const mark = el('span', {
          class: `mark k-${entry.kind} t-${entry.tone}`,
          title: `${offset(entry.offsetMs)} ${entry.title}`,
          text: ICONS[entry.kind] ?? '•',
        });
        mark.style.left = `${(entry.offsetMs / span) * 100}%`;
        track.append(mark);
      }
      return el(
        'div',
        { class: 'lane' },
        el('span', { class: `badge p-${provider}`, text: provider }),
        track,
      );
    }),
    el('div', { class: 'axis' }, el('span', { text: '0' }), el('span', { text: offset(span) })),
  );
}

// ─── live ───────────────────────────────────────────────────────────────────

let pending;
const dirty = new Set();
function refreshSoon(what) {
  dirty.add(what);
  if (pending) return;
  pending = setTimeout(async () => {
    pending = undefined;
    const todo = [...dirty];
    dirty.clear();
    try {
      if (todo.includes('messages')) await refreshMessages();
      if (todo.includes('providers')) await refreshProviders();
      if (todo.includes('timeline')) await refreshTimeline();
    } catch (error) {
      $('live').textContent = `refresh failed: ${error.message}`;
    }
  }, 120);
}

function connect() {
  const source = new EventSource('/_sandbox/events');
  const live = $('live');
  source.addEventListener('open', () => {
    live.textContent = 'live';
    live.classList.add('on');
    refreshSoon('messages');
    refreshSoon('providers');
  });
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
  });
  for (const type of ['call', 'accepted', 'webhook']) {
    source.addEventListener(type, () => {
      refreshSoon('messages');
      refreshSoon('timeline');
      if (type === 'call') refreshSoon('providers');
    });
  }
  source.addEventListener('faults', () => refreshSoon('providers'));
  source.addEventListener('reset', () => {
    state.selected = undefined;
    $('detail').hidden = true;
    refreshSoon('messages');
    refreshSoon('providers');
  });
}

buildProviderForms();
buildTabs();
for (const id of ['search', 'filter-provider', 'filter-status'])
  $(id).addEventListener('input', renderMessages);
await Promise.all([refreshProviders(), refreshMessages()]);
connect();
