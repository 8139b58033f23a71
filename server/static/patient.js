// The patient page: take a ticket through the public API, then follow it live over the event
// stream. The ticket's tracking token stays in this browser (localStorage), so a reload or a
// closed tab comes back to the same ticket; it never leaves the device except to our server.
'use strict';

(() => {
  const root = document.getElementById('patient');
  if (!root) return;
  const texts = JSON.parse(root.dataset.texts);
  const statusText = Object.fromEntries(texts.status);
  const errorTexts = Object.fromEntries(texts.errors);
  const $ = (id) => document.getElementById(id);
  const TICKET_KEY = 'giliran.ticket';
  const DEVICE_KEY = 'giliran.device';
  const FINISHED = ['done', 'skipped', 'cancelled', 'expired'];
  const ACTIVE = ['waiting', 'called'];

  // --- What this browser remembers --------------------------------------------------------

  function load() {
    try {
      return JSON.parse(localStorage.getItem(TICKET_KEY));
    } catch {
      return null;
    }
  }
  function save(kept) {
    localStorage.setItem(TICKET_KEY, JSON.stringify(kept));
  }
  // What an update learnt about the ticket this browser follows. An update still under way when
  // the patient chose "take a new number" must not bring the old ticket back.
  function update(kept) {
    if (load()?.token === kept.token) save(kept);
  }
  // One active ticket per device: the server refuses a second one from the same id.
  // (crypto.randomUUID needs HTTPS; a clinic box may serve plain HTTP on its LAN.)
  function deviceId() {
    let id = localStorage.getItem(DEVICE_KEY);
    if (!id) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      id = 'web-' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
      localStorage.setItem(DEVICE_KEY, id);
    }
    return id;
  }

  // --- The API ----------------------------------------------------------------------------

  async function api(method, url, { token, body } = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(url, { method, headers, body: body && JSON.stringify(body) });
    } catch {
      throw { message: texts.network_error, network: true };
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = data?.error ?? {};
      throw {
        status: response.status,
        code: error.code,
        field: error.field,
        ticket: data?.ticket,
        message: errorTexts[error.code] ?? error.message ?? texts.network_error,
      };
    }
    return data;
  }

  // --- Sound and vibration when called ----------------------------------------------------

  let audio = null;
  function prepareSound() {
    try {
      audio ??= new AudioContext();
      if (audio.state === 'suspended') audio.resume();
    } catch {
      audio = null;
    }
    $('t-sound').hidden = !audio || audio.state === 'running';
  }
  function chime() {
    if (!audio || audio.state !== 'running') return;
    const start = audio.currentTime;
    [880, 660, 880].forEach((frequency, i) => {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + i * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.4, start + i * 0.35 + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.35 + 0.3);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + i * 0.35);
      tone.stop(start + i * 0.35 + 0.32);
    });
  }
  function alertCalled() {
    chime();
    navigator.vibrate?.([400, 150, 400, 150, 400]);
  }

  // --- Showing the ticket -----------------------------------------------------------------

  const take = $('take');
  const track = $('track');

  function showForm() {
    track.hidden = true;
    take.hidden = false;
    document.title = document.title.replace(/^\(\S+\) /, '');
  }

  function render(kept, ticket) {
    take.hidden = true;
    track.hidden = false;
    $('t-label').textContent = texts.your_number;
    $('t-number').textContent = ticket.number;
    $('t-service').textContent = kept.service ?? '';
    $('t-status').textContent = statusText[ticket.status] ?? ticket.status;
    const waiting = ticket.status === 'waiting';
    const called = ticket.status === 'called';
    const ahead = ticket.people_ahead;
    $('t-ahead').textContent = !waiting || ahead == null ? '' : ahead === 0 ? texts.nobody_ahead : `${ahead} ${texts.people_ahead}`;
    $('t-eta').textContent =
      waiting && ticket.eta_seconds != null && ahead > 0
        ? `${texts.eta}: ± ${Math.max(1, Math.round(ticket.eta_seconds / 60))} ${texts.minutes}`
        : '';
    const go = $('t-counter');
    go.hidden = !called;
    go.textContent = called && ticket.counter ? `${texts.go_to} ${ticket.counter.name}` : '';
    track.classList.toggle('is-called', called);
    $('t-cancel').hidden = !waiting;
    $('t-new').hidden = !FINISHED.includes(ticket.status);
    document.title = `(${ticket.number}) ${document.title.replace(/^\(\S+\) /, '')}`;

    // Alert once per call (and per recall), and once when the turn is near; remembered
    // with the ticket so a reload does not ring again.
    if (called) {
      const key = `${ticket.id}:${ticket.recalls}`;
      if (kept.alerted !== key) {
        kept.alerted = key;
        update(kept);
        $('t-status').textContent = texts.called_alert;
        alertCalled();
      }
    } else if (waiting && ahead != null && ahead > 0 && ahead <= texts.near_threshold && !kept.near) {
      kept.near = true;
      update(kept);
      $('t-error').textContent = '';
      $('t-ahead').textContent = `${ahead} ${texts.people_ahead} — ${texts.near_alert}`;
      navigator.vibrate?.(200);
    }
  }

  // The stations of the visit, when it has more than one: done, here, and planned.
  async function showVisit(kept, ticket) {
    $('t-booking').textContent = ticket.booking_code ? `${texts.booking_code}: ${ticket.booking_code}` : '';
    const section = $('t-visit');
    if (!ticket.booking_code) return;
    let visit;
    try {
      visit = await api('GET', `/api/v1/visits/${encodeURIComponent(ticket.booking_code)}`, { token: kept.token });
    } catch {
      return; // The ticket alone still shows; the list comes back with the next update.
    }
    const here = visit.steps.find((step) => step.ticket.id === ticket.id);
    if (here) {
      kept.service = here.station.name;
      update(kept);
    }
    section.hidden = visit.steps.length + visit.planned.length < 2;
    $('t-visit-title').textContent = texts.visit_title;
    const list = $('t-visit-steps');
    list.replaceChildren();
    for (const step of visit.steps) {
      const item = document.createElement('li');
      const status = statusText[step.ticket.status] ?? step.ticket.status;
      item.textContent = `${step.station.name} · ${step.ticket.number} · ${status}`;
      if (step.ticket.id === ticket.id) item.setAttribute('aria-current', 'step');
      list.append(item);
    }
    for (const station of visit.planned) {
      const item = document.createElement('li');
      item.className = 'planned';
      item.textContent = `${station.name} · ${texts.visit_later}`;
      list.append(item);
    }
  }

  async function refresh() {
    const kept = load();
    if (!kept) return showForm();
    try {
      let { ticket } = await api('GET', `/api/v1/tickets/${kept.id}`, { token: kept.token });
      // The visit goes on with a new ticket the same token follows: a transfer, or the next
      // station once this one was done (perhaps several while the page was closed).
      let moved = false;
      for (let hops = 0; hops < 16 && ticket.transferred_to && !ACTIVE.includes(ticket.status); hops++) {
        kept.id = ticket.transferred_to;
        kept.near = false;
        moved = true;
        ({ ticket } = await api('GET', `/api/v1/tickets/${kept.id}`, { token: kept.token }));
      }
      if (moved) {
        update(kept);
        follow(kept);
      }
      $('t-error').textContent = '';
      await showVisit(kept, ticket);
      render(kept, ticket);
    } catch (error) {
      if (error.status === 401 || error.status === 404) {
        localStorage.removeItem(TICKET_KEY);
        showForm();
      } else {
        $('t-error').textContent = error.message;
      }
    }
  }

  // --- Live updates -----------------------------------------------------------------------

  let socket = null;
  let backoff = 1000;
  function follow(kept) {
    socket?.close();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/api/v1/events?ticket=${encodeURIComponent(kept.id)}&token=${encodeURIComponent(kept.token)}`;
    const mine = new WebSocket(url);
    socket = mine;
    const connection = $('t-connection');
    mine.addEventListener('open', () => {
      backoff = 1000;
      connection.textContent = texts.live;
      connection.classList.remove('offline');
    });
    mine.addEventListener('message', () => refresh());
    mine.addEventListener('close', () => {
      if (socket !== mine) return;
      connection.textContent = texts.offline;
      connection.classList.add('offline');
      setTimeout(() => {
        const now = load();
        if (now && socket === mine) follow(now);
      }, backoff);
      backoff = Math.min(backoff * 2, 15000);
    });
  }

  // --- Taking a ticket --------------------------------------------------------------------

  const form = $('take-form');
  // Registering patients say which poli they came for; nobody else is asked.
  form?.addEventListener('change', () => {
    const field = $('destination-field');
    const choice = form.querySelector('input[name="service_id"]:checked');
    if (field) field.hidden = choice?.dataset.station !== 'registration';
  });
  form?.addEventListener('submit', async (event) => {
    event.preventDefault();
    prepareSound();
    const error = $('take-error');
    error.textContent = '';
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    const choice = form.querySelector('input[name="service_id"]:checked');
    if (!choice) {
      error.textContent = texts.choose_first;
      form.querySelector('input[name="service_id"]:not(:disabled)')?.focus();
      return;
    }
    const body = { service_id: choice.value, device_id: deviceId() };
    const destination = $('destination');
    if (choice.dataset.station === 'registration' && destination?.value) {
      body.destination_service_id = destination.value;
    }
    const name = form.elements.name.value.trim();
    const phone = form.elements.phone.value.trim();
    if (name) body.name = name;
    if (phone) body.phone = phone;
    const submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    try {
      const issued = await api('POST', '/api/v1/tickets', { body });
      const kept = { id: issued.ticket.id, token: issued.tracking_token, service: choice.dataset.label };
      save(kept);
      render(kept, issued.ticket);
      follow(kept);
      $('t-number').focus?.();
    } catch (failure) {
      error.textContent =
        failure.code === 'active_ticket_exists' && failure.ticket
          ? `${texts.already_active} ${failure.ticket.number}`
          : failure.message;
      if (failure.field) form.elements[failure.field]?.setAttribute('aria-invalid', 'true');
    } finally {
      submit.disabled = false;
    }
  });

  $('t-cancel').textContent = texts.cancel;
  $('t-new').textContent = texts.take_another;
  $('t-sound').textContent = texts.enable_sound;
  $('t-sound').addEventListener('click', prepareSound);

  $('t-cancel').addEventListener('click', async () => {
    const kept = load();
    if (!kept || !window.confirm(texts.cancel_confirm)) return;
    try {
      await api('DELETE', `/api/v1/tickets/${kept.id}`, { token: kept.token });
      await refresh();
    } catch (error) {
      $('t-error').textContent = error.message;
    }
  });

  $('t-new').addEventListener('click', () => {
    localStorage.removeItem(TICKET_KEY);
    socket?.close();
    socket = null;
    showForm();
    location.reload();
  });

  // The wait estimate moves with the clock, not only with events.
  setInterval(() => {
    if (load()) refresh();
  }, 30000);

  const kept = load();
  if (kept) {
    prepareSound();
    refresh();
    follow(kept);
  }
})();
