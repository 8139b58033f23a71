// A clinic's morning from the browser alone: the admin sets up a service, a counter and a
// nurse; the nurse opens the console; a patient takes a ticket on a phone; the nurse calls it;
// the patient's page and the admin's dashboard follow without a reload. Also: CSRF refusals,
// the language switch, and screenshots of every page at phone and desktop width.
import {
  PHONE, adminPassword, base, capture, check, eventually, finish, launch, login, person, reportProblems,
  screenshot,
} from './lib.mjs';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const started = Date.now();
const browser = await launch();
try {
  // --- The admin logs in and sets the clinic up -----------------------------------------
  const admin = await person(browser, 'admin');
  let page = admin.page;
  await page.goto('/admin');
  check(page.url().includes('/login?next=%2Fadmin'), `an anonymous visit goes to the login page, not ${page.url()}`);
  await screenshot(page, 'login');
  await login(page, 'admin', 'a wrong password');
  await page.getByRole('alert').filter({ hasText: 'Nama pengguna atau kata sandi salah.' }).waitFor();
  await login(page, 'admin', adminPassword);
  await page.waitForURL('**/admin');
  await page.getByRole('heading', { name: 'Dasbor' }).waitFor();

  await page.getByRole('link', { name: 'Layanan' }).click();
  await page.getByLabel('Kode').fill('E');
  await page.getByLabel('Nama', { exact: true }).last().fill('Poli Mata');
  await page.getByLabel(/^Kuota harian/).last().fill('40');
  await page.getByLabel('Buka pukul').last().fill('07:00');
  await page.getByLabel('Tutup pukul').last().fill('12:00');
  await page.getByRole('button', { name: 'Tambah' }).click();
  await page.getByRole('cell', { name: 'Poli Mata' }).waitFor();
  await page.getByRole('row', { name: /Poli Mata/ }).getByText('07:00–12:00').waitFor();
  await screenshot(page, 'admin-services');

  // A refused change shows the API's reason next to the field and keeps what was typed.
  await page.getByLabel('Kode').fill('E');
  await page.getByLabel('Nama', { exact: true }).last().fill('Poli Mata Kedua');
  await page.getByRole('button', { name: 'Tambah' }).click();
  await page.getByText('Sudah ada yang memakai kode, nomor atau nama itu.').waitFor();
  check((await page.getByLabel('Kode').inputValue()) === 'E', 'the refused form keeps its input');

  await page.getByRole('link', { name: 'Loket' }).click();
  await page.getByLabel('Nomor loket').fill('5');
  await page.getByLabel('Nama', { exact: true }).last().fill('Ruang Mata');
  await page.locator('#ns-0').selectOption({ label: 'E — Poli Mata' });
  await page.getByRole('button', { name: 'Tambah' }).click();
  await page.getByRole('cell', { name: 'Ruang Mata' }).waitFor();
  await screenshot(page, 'admin-counters');

  await page.getByRole('link', { name: 'Pengguna' }).click();
  await page.getByLabel('Nama pengguna').last().fill('perawat.sari');
  await page.getByLabel('Nama tampilan').last().fill('Sari');
  await page.getByLabel('Kata sandi', { exact: true }).last().fill('sari-rahasia-2026');
  await page.getByLabel('Peran').selectOption('staff');
  await page.getByRole('group', { name: 'Loket' }).last().getByLabel('Ruang Mata').check();
  await page.getByRole('button', { name: 'Tambah' }).click();
  await page.getByRole('cell', { name: 'perawat.sari' }).waitFor();
  await screenshot(page, 'admin-users');

  await page.getByRole('link', { name: 'Layar' }).click();
  await page.getByLabel('Nama', { exact: true }).fill('Ruang tunggu lantai 1');
  await page.getByRole('button', { name: 'Tambah' }).click();
  const token = await eventually('the display token shown once', async () =>
    (await page.locator('[data-token]').textContent())?.trim());
  check(token.length >= 40, `a display token, not ${token}`);
  await screenshot(page, 'admin-displays');

  await page.getByRole('link', { name: 'Pengaturan' }).click();
  await page.getByLabel('Nama rumah sakit / klinik').fill('Klinik Sehat Sentosa');
  await page.getByLabel('Teks berjalan di layar').fill('Selamat datang. Jaga jarak dan pakai masker.');
  // A template without the number is refused with the reason, in Indonesian.
  await page.getByLabel('Kalimat panggilan').fill('Silakan ke {counter}.');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.getByRole('alert').filter({ hasText: 'Kalimat panggilan harus memuat {number}' }).waitFor();
  await page.getByLabel('Kalimat panggilan').fill('Nomor {number}, silakan ke {counter}.');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.getByRole('banner').getByText('Klinik Sehat Sentosa').waitFor();
  const example = await page.locator('#announcement-example').textContent();
  check(example.startsWith('Nomor A seratus dua puluh tiga, silakan ke Loket'), `the example speaks the new sentence: ${example}`);
  await screenshot(page, 'admin-settings');

  // Who did what: the audit log lists the admin's changes, filterable by action.
  await page.getByRole('link', { name: 'Log audit' }).click();
  await page.getByLabel('Tindakan').fill('create_service');
  await page.getByRole('button', { name: 'Saring' }).click();
  await page.getByRole('row', { name: /create_service.*E/ }).first().waitFor();
  check((await page.getByRole('row').count()) === 2, 'the filter leaves the one service creation');
  await screenshot(page, 'admin-audit');

  // The entrance poster's QR code opens the patient page at the address the admin uses.
  await page.getByRole('link', { name: 'Poster QR' }).click();
  await page.locator('.qr svg').waitFor();
  check((await page.locator('.poster-url').textContent()) === `${base}/`, 'the poster points at the patient page');
  await screenshot(page, 'admin-poster');

  // The dashboard stays open from here on and must follow the morning by itself.
  await page.getByRole('link', { name: 'Dasbor' }).click();
  await page.locator('[data-connection]').filter({ hasText: 'Terhubung langsung' }).waitFor();
  const waitingBefore = Number(await page.locator('#waiting-total').textContent());

  // --- The nurse opens the console --------------------------------------------------------
  const nurse = await person(browser, 'nurse');
  const console_ = nurse.page;
  await console_.goto('/staff');
  await login(console_, 'perawat.sari', 'sari-rahasia-2026');
  await console_.getByRole('heading', { name: 'Ruang Mata' }).waitFor();
  await console_.getByText('Tidak ada yang menunggu.').waitFor();
  await console_.locator('[data-connection]').filter({ hasText: 'Terhubung langsung' }).waitFor();

  // --- A patient takes a ticket on a phone ------------------------------------------------
  const patient = await person(browser, 'patient', PHONE);
  const phone = patient.page;
  // Headless Chromium has no vibration motor or speaker: record what the page asks of them.
  await patient.context.addInitScript(() => {
    window.__alerts = { vibrations: 0, tones: 0 };
    navigator.vibrate = () => {
      window.__alerts.vibrations += 1;
      return true;
    };
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...args) {
      window.__alerts.tones += 1;
      return start.apply(this, args);
    };
  });
  await phone.goto('/');
  await phone.getByRole('heading', { name: 'Ambil nomor antrean' }).waitFor();
  check((await phone.title()).includes('Klinik Sehat Sentosa'), 'the page carries the clinic name');
  await screenshot(phone, 'patient-take');
  await phone.getByRole('radio', { name: /Poli Mata/ }).check();
  await phone.getByLabel(/^Nama/).fill('Budi Santoso');
  await phone.getByLabel(/^Nomor HP/).fill('0812-3456-7890');
  await phone.getByRole('button', { name: 'Ambil nomor' }).click();
  await phone.locator('#t-number').filter({ hasText: 'E-001' }).waitFor();
  await phone.locator('#t-status').filter({ hasText: 'menunggu' }).waitFor();
  await phone.locator('#t-connection').filter({ hasText: 'Terhubung langsung' }).waitFor();
  await screenshot(phone, 'patient-waiting');

  // The console and the dashboard see the new patient without a reload.
  await console_.getByRole('cell', { name: 'E-001', exact: true }).waitFor();
  await console_.getByRole('cell', { name: 'Budi Santoso' }).waitFor();
  await eventually('the dashboard counting one more waiting', async () =>
    Number(await page.locator('#waiting-total').textContent()) === waitingBefore + 1);

  // A reload keeps the ticket (its token lives on the phone).
  await phone.reload();
  await phone.locator('#t-number').filter({ hasText: 'E-001' }).waitFor();

  // --- The nurse calls it ---------------------------------------------------------------
  const calledAt = Date.now();
  await console_.getByRole('button', { name: 'Panggil berikutnya' }).click();
  await phone.locator('#t-counter').filter({ hasText: 'Silakan menuju Ruang Mata' }).waitFor();
  console.log(`patient page showed the call ${Date.now() - calledAt} ms after the click`);
  await phone.getByText('Giliran Anda! Nomor Anda dipanggil.').waitFor();
  await console_.locator('#current-number').filter({ hasText: 'E-001' }).waitFor();
  await screenshot(console_, 'staff-console');
  const alerts = await phone.evaluate(() => window.__alerts);
  check(alerts.vibrations === 1, `the phone vibrated once for the call, not ${alerts.vibrations} times`);
  check(alerts.tones === 3, `the page played the three-tone chime once, not ${alerts.tones} tones`);
  await screenshot(phone, 'patient-called');

  await eventually('the dashboard showing the call', async () => {
    const row = page.getByRole('row', { name: /Ruang Mata/ });
    return (await row.textContent())?.includes('E-001');
  });
  await eventually('the dashboard counting one less waiting', async () =>
    Number(await page.locator('#waiting-total').textContent()) === waitingBefore);
  await screenshot(page, 'admin-dashboard');

  // The nurse finishes; the patient sees "done" and may take a new number.
  await console_.getByRole('button', { name: 'Selesai' }).click();
  await phone.locator('#t-status').filter({ hasText: 'selesai' }).waitFor();
  await phone.getByRole('button', { name: 'Ambil nomor baru' }).waitFor();

  // Any staff member finds where a patient is by the booking code the patient's page shows.
  const booking = (await phone.locator('#t-booking').textContent()).split(': ')[1];
  check(/^\d{6}E001$/.test(booking), `the booking code is the day and the first number, not ${booking}`);
  await console_.goto('/staff/visits');
  await console_.getByLabel('Kode booking').fill(booking.toLowerCase());
  await console_.getByRole('button', { name: 'Cari' }).click();
  await console_.getByText('Kunjungan sudah selesai.').waitFor();
  await console_.getByRole('cell', { name: 'E-001', exact: true }).waitFor();
  await screenshot(console_, 'staff-visit');

  // --- CSRF: the session cookie alone changes nothing -------------------------------------
  const noToken = await page.request.post('/api/v1/admin/services', {
    data: { code: 'X', name: 'Palsu' },
  });
  check(noToken.status() === 403, `an API change without the CSRF token is refused, got ${noToken.status()}`);
  check((await noToken.json()).error.code === 'forbidden', 'with the contract error body');
  const logoutForm = await page.request.post('/logout', { form: { csrf_token: 'forged' } });
  check(logoutForm.status() === 403, `a form post with a wrong token is refused, got ${logoutForm.status()}`);
  const bare = await page.request.post('/logout', { form: {} });
  check(bare.status() === 403, `a form post without the token is refused, got ${bare.status()}`);
  const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  const withToken = await page.request.post('/api/v1/admin/services', {
    data: { code: 'X', name: 'Poli Uji' },
    headers: { 'X-CSRF-Token': csrf },
  });
  check(withToken.status() === 201, `the same change with the page's token goes through, got ${withToken.status()}`);

  // --- The history: filter, page, and the same selection as a spreadsheet ---------------
  // Another patient joins Poli Umum, so the filter has something to leave out.
  await phone.getByRole('button', { name: 'Ambil nomor baru' }).click();
  await phone.getByRole('radio', { name: /Poli Umum/ }).check();
  await phone.getByRole('button', { name: 'Ambil nomor' }).click();
  await phone.locator('#t-number').filter({ hasText: 'A-001' }).waitFor();

  await page.getByRole('link', { name: 'Riwayat' }).click();
  await page.locator('#history-count').filter({ hasText: '2 tiket' }).waitFor();
  await page.getByLabel('Layanan').selectOption({ label: 'E — Poli Mata' });
  await page.getByLabel('Status').selectOption('done');
  await page.getByRole('button', { name: 'Saring' }).click();
  await page.locator('#history-count').filter({ hasText: '1 tiket' }).waitFor();
  const row = page.getByRole('row', { name: /E-001/ });
  check((await row.textContent()).includes('Budi Santoso'), 'the filtered row names the patient');
  check(!(await page.getByRole('cell', { name: 'A-001' }).count()), 'the filter leaves Poli Umum out');
  await screenshot(page, 'admin-history');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Unduh Excel (.xlsx)' }).click(),
  ]);
  check(download.suggestedFilename().endsWith('.xlsx'), `an xlsx file, not ${download.suggestedFilename()}`);
  // The Rust side reads the file back and compares it with the API's rows for this filter.
  await download.saveAs(path.join(process.env.GILIRAN_DOWNLOADS, 'history.xlsx'));
  const href = await page.getByRole('link', { name: 'Unduh Excel (.xlsx)' }).getAttribute('href');
  writeFileSync(path.join(process.env.GILIRAN_DOWNLOADS, 'history-query.txt'), new URL(href, base).search.slice(1));

  // --- Staff stay out of the admin panel ---------------------------------------------------
  await console_.goto('/admin/users');
  await console_.getByText('Halaman ini hanya untuk admin.').waitFor();

  // --- The language switch ------------------------------------------------------------------
  phone.once('dialog', (dialog) => dialog.accept());
  await phone.getByRole('button', { name: 'Batalkan antrean' }).click();
  await phone.locator('#t-status').filter({ hasText: 'dibatalkan' }).waitFor();
  await phone.getByRole('button', { name: 'Ambil nomor baru' }).click();
  await phone.getByRole('heading', { name: 'Ambil nomor antrean' }).waitFor();
  await phone.getByRole('link', { name: 'English' }).click();
  await phone.getByRole('heading', { name: 'Take a queue number' }).waitFor();
  await screenshot(phone, 'patient-take-english');
  await phone.getByRole('link', { name: 'Bahasa Indonesia' }).click();
  await phone.getByRole('heading', { name: 'Ambil nomor antrean' }).waitFor();

  // --- The guarded day reset -----------------------------------------------------------------
  await page.goto('/admin/settings');
  await page.getByLabel('Kata sandi Anda').fill('bukan kata sandinya');
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Mulai ulang hari ini' }).click();
  await page.getByRole('alert').filter({ hasText: 'Bukan kata sandi Anda; hari ini tidak dimulai ulang.' }).waitFor();
  await page.getByLabel('Kata sandi Anda').fill(adminPassword);
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Mulai ulang hari ini' }).click();
  await page.getByText('Hari ini dimulai ulang. Nomor berikutnya 001.').waitFor();
  await screenshot(page, 'admin-settings-reset');

  // --- Logging out ends the session --------------------------------------------------------
  await console_.goto('/staff');
  await console_.getByRole('button', { name: /Keluar/ }).click();
  await console_.waitForURL(/\/login/);
  await console_.goto('/staff');
  check(console_.url().includes('/login'), 'after logout the console asks for a login again');
} catch (error) {
  reportProblems();
  await capture();
  throw error;
} finally {
  await browser.close();
}
finish(started);
