// Giliran's admin panel and staff console. Forms and buttons marked `data-api="METHOD /path"`
// send their change to the JSON API with the session's CSRF token; regions marked
// `data-live="/partial"` are fetched again whenever the event stream says something moved.
// Everything shown is rendered by the server; this script only moves it.
'use strict';

(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  const textsHolder = document.querySelector('[data-texts]');
  const texts = textsHolder ? JSON.parse(textsHolder.dataset.texts) : {};
  const errorTexts = Object.fromEntries(texts.errors ?? []);
  const fieldTexts = Object.fromEntries(texts.field_errors ?? []);

  // --- Talking to the API -----------------------------------------------------------------

  async function call(spec, body) {
    const [method, url] = spec.split(' ');
    const init = { method, headers: { 'X-CSRF-Token': csrf }, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch {
      throw { message: texts.network_error };
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = data?.error ?? {};
      if (response.status === 401) {
        location.href = '/login?next=' + encodeURIComponent(location.pathname);
      }
      throw {
        code: error.code,
        field: error.field,
        message:
          (error.code === 'invalid_field' && fieldTexts[error.field]) ||
          errorTexts[error.code] ||
          error.message ||
          texts.network_error,
      };
    }
    return data;
  }

  // A form's fields as the API's JSON: numbers (and `data-number` choices) as numbers, a lone
  // checkbox as a boolean, fields sharing `data-list="name"` as one array in page order, an
  // empty field left out unless it says what empty means (`data-empty`).
  function formBody(form) {
    const body = {};
    for (const el of form.elements) {
      const list = el.dataset.list;
      if (list) {
        const values = (body[list] ??= []);
        const chosen = el.type === 'checkbox' ? el.checked : el.value !== '';
        if (chosen && !values.includes(el.value)) values.push(el.value);
        continue;
      }
      if (!el.name || el.disabled) continue;
      if (el.type === 'checkbox') {
        body[el.name] = el.checked;
      } else if (el.value === '') {
        if (el.dataset.empty !== undefined) body[el.name] = JSON.parse(el.dataset.empty);
      } else {
        const numeric = el.type === 'number' || el.dataset.number !== undefined;
        body[el.name] = numeric ? Number(el.value) : el.value;
      }
    }
    return body;
  }

  function clearErrors(scope) {
    scope.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    scope.querySelectorAll('[role="alert"]').forEach((el) => (el.textContent = ''));
  }

  function showError(scope, alert, error) {
    if (alert) alert.textContent = error.message ?? String(error);
    if (!error.field) return;
    const name = CSS.escape(error.field);
    const field = scope.querySelector(`[name="${name}"], [data-list="${name}"]`);
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  }

  // What happens after a change went through: `refresh` the live region it sits in,
  // show a one-time `token`, say `saved`, or (by default) `reload` the page.
  function done(el, result) {
    const form = el.closest('form');
    const mode = el.dataset.done ?? form?.dataset.done ?? (el.closest('[data-live]') ? 'refresh' : 'reload');
    if (mode === 'refresh') {
      refreshAll();
    } else if (mode === 'token') {
      form.querySelector('[data-token]').textContent = result?.token ?? '';
      form.querySelector('[data-token-box]').hidden = false;
      form.querySelectorAll('input').forEach((input) => (input.value = ''));
    } else if (mode === 'saved') {
      form.querySelector('[data-saved]').textContent = form.dataset.savedText ?? texts.saved ?? '';
      form.querySelectorAll('input[type="password"]').forEach((input) => (input.value = ''));
    } else {
      location.reload();
    }
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target.closest('form[data-api]');
    if (!form) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    clearErrors(form);
    const saved = form.querySelector('[data-saved]');
    if (saved) saved.textContent = '';
    const submit = form.querySelector('[type="submit"]');
    if (submit) submit.disabled = true;
    try {
      done(form, await call(form.dataset.api, formBody(form)));
    } catch (error) {
      showError(form, form.querySelector('[role="alert"]'), error);
    } finally {
      if (submit) submit.disabled = false;
    }
  });

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-api]');
    if (!button) return;
    const question = button.dataset.confirm;
    if (question && !window.confirm(question)) return;
    const scope = button.closest('[data-live]') ?? document;
    const alert = scope.querySelector('[data-errors]');
    clearErrors(scope);
    button.disabled = true;
    try {
      const body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
      done(button, await call(button.dataset.api, body));
    } catch (error) {
      showError(scope, alert, error);
      button.disabled = false;
    }
  });

  // Keyboard shortcuts of the console: a button with `data-key` is pressed by its key,
  // unless the user is typing.
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.target.closest('input, select, textarea, [contenteditable]')) return;
    const button = document.querySelector(`button[data-key="${CSS.escape(event.key.toLowerCase())}"]`);
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  // --- Live regions -----------------------------------------------------------------------

  const regions = [...document.querySelectorAll('[data-live]')];
  const connection = document.querySelector('[data-connection]');

  async function refresh(region) {
    const response = await fetch(region.dataset.live, { credentials: 'same-origin' });
    if (response.redirected || response.status === 401) {
      location.reload();
      return;
    }
    if (!response.ok) return;
    const html = await response.text();
    // Keep the keyboard where it was: find the focused control again after the swap.
    const focused = region.contains(document.activeElement) ? document.activeElement : null;
    const again = focused?.id
      ? `#${CSS.escape(focused.id)}`
      : focused?.dataset.api
        ? `[data-api="${CSS.escape(focused.dataset.api)}"]`
        : null;
    region.innerHTML = html;
    if (again) region.querySelector(again)?.focus();
  }

  let pending;
  function refreshAll() {
    clearTimeout(pending);
    pending = setTimeout(() => regions.forEach((region) => refresh(region).catch(() => {})), 100);
  }

  function showConnection(live) {
    if (!connection) return;
    connection.textContent = live ? texts.live : texts.offline;
    connection.classList.toggle('offline', !live);
  }

  // Every message (the snapshot after each reconnect included) means "look again": the
  // server renders the region, so the page never has to understand the events themselves.
  let backoff = 1000;
  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(
      `${scheme}://${location.host}/api/v1/events?csrf=${encodeURIComponent(csrf)}`,
    );
    socket.addEventListener('open', () => {
      backoff = 1000;
      showConnection(true);
    });
    socket.addEventListener('message', refreshAll);
    socket.addEventListener('close', () => {
      showConnection(false);
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 15000);
    });
  }

  if (regions.length && csrf) connect();
})();
