// Every page through axe-core's WCAG 2.1 A/AA audit (labels, names, contrast, landmarks,
// headings, ARIA), at phone and desktop width, logged out, as staff's console and as admin.
// The audit's script is injected by the test, so this context alone lifts the CSP for it.
import { createRequire } from 'node:module';
import path from 'node:path';
import { DESKTOP, PHONE, adminPassword, base, launch, login } from './lib.mjs';

const require = createRequire(path.join(process.env.GILIRAN_NODE_MODULES, 'noop.js'));
const axePath = require.resolve('axe-core/axe.min.js');

const browser = await launch();
const found = [];
try {
  const context = await browser.newContext({ baseURL: base, bypassCSP: true, viewport: DESKTOP });
  const page = await context.newPage();

  async function audit(name) {
    for (const [label, size] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      await page.setViewportSize(size);
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(() =>
        window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        }),
      );
      for (const v of result.violations) {
        const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
        found.push(`${name} (${label}): ${v.id} [${v.impact}] ${v.help} — ${where}`);
      }
    }
    console.log(`audited ${name}`);
  }

  await page.goto('/');
  await audit('patient page');
  await page.getByRole('radio', { name: /Poli Umum/ }).check();
  await page.getByRole('button', { name: 'Ambil nomor' }).click();
  await page.locator('#t-number').filter({ hasText: 'A-001' }).waitFor();
  await audit('patient tracking');
  const booking = (await page.locator('#t-booking').textContent()).split(': ')[1];

  await page.goto('/login');
  await audit('login');
  await login(page, 'admin', adminPassword);
  await page.waitForURL('**/admin');
  for (const [name, url] of [
    ['dashboard', '/admin'],
    ['services', '/admin/services'],
    ['counters', '/admin/counters'],
    ['users', '/admin/users'],
    ['displays', '/admin/displays'],
    ['settings', '/admin/settings'],
    ['history', '/admin/history'],
    ['audit log', '/admin/audit'],
    ['poster', '/admin/poster'],
    ['BPJS bridge', '/admin/bpjs'],
    ['counter choice', '/staff'],
  ]) {
    await page.goto(url);
    await audit(name);
  }
  await page.getByRole('link', { name: 'Loket 1' }).click();
  await page.getByRole('button', { name: 'Panggil berikutnya' }).click();
  await page.locator('#current-number').filter({ hasText: 'A-001' }).waitFor();
  await audit('staff console');
  await page.goto('/staff/visits');
  await page.getByLabel('Kode booking').fill('BELUM-ADA');
  await page.getByRole('button', { name: 'Cari' }).click();
  await page.getByText('Tidak ada kunjungan dengan kode booking itu.').waitFor();
  await audit('visit search, nothing found');
  await page.getByLabel('Kode booking').fill(booking);
  await page.getByRole('button', { name: 'Cari' }).click();
  await page.getByText('Dipanggil ke Loket 1').waitFor();
  await audit('visit found');
} finally {
  await browser.close();
}
if (found.length) {
  console.error(found.join('\n'));
  process.exit(1);
}
console.log('every page passed the accessibility audit');
