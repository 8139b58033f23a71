// What the browser tests share: Debian's Chromium through playwright-core (never a downloaded
// browser), a failure on any script error or CSP violation, screenshots at phone and desktop
// width, and small assertions that say what a user would have seen.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const modules = process.env.GILIRAN_NODE_MODULES;
if (!modules) throw new Error('GILIRAN_NODE_MODULES must point at playwright-core (scripts/browser-tools)');
const { chromium } = createRequire(path.join(modules, 'noop.js'))('playwright-core');

export const base = process.env.GILIRAN_URL;
export const adminPassword = process.env.GILIRAN_ADMIN_PASSWORD;
const shots = process.env.GILIRAN_SCREENSHOTS;

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1920, height: 1080 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.GILIRAN_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

// A browser context (its own cookies and storage: one person's device) whose pages fail the
// test on any uncaught script error, console error or refused resource.
export async function person(browser, name, viewport = DESKTOP) {
  const context = await browser.newContext({
    viewport,
    isMobile: viewport === PHONE,
    hasTouch: viewport === PHONE,
    baseURL: base,
    locale: 'id-ID',
  });
  context.on('page', (page) => watch(page, name));
  const page = await context.newPage();
  return { context, page };
}

export const problems = [];
const everyPage = [];

// On a failed step: every open page as it stood, and its text, to see why.
export async function capture() {
  mkdirSync(shots, { recursive: true });
  for (const [i, page] of everyPage.entries()) {
    if (page.isClosed()) continue;
    await page.screenshot({ path: path.join(shots, `failure-${i}.png`), fullPage: true }).catch(() => {});
    console.error(`--- page ${i}: ${page.url()}\n${(await page.locator('main').innerText().catch(() => '')).slice(0, 1500)}`);
  }
}
function watch(page, who) {
  everyPage.push(page);
  page.on('pageerror', (error) => problems.push(`${who}: script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // An expected refusal the page itself handles (a test provokes 4xx answers on purpose).
    if (/status of (401|403|404|409|422|429)/.test(text)) return;
    problems.push(`${who}: console error: ${text}`);
  });
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export async function eventually(what, probe, timeout = 5000) {
  const until = Date.now() + timeout;
  let last;
  while (Date.now() < until) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${timeout} ms (last seen: ${JSON.stringify(last)})`);
}

// Full-page screenshots at phone and desktop width into the screenshots folder, for people
// to look at; `prepare` runs after each resize (for example to open a section).
export async function screenshot(page, name) {
  mkdirSync(shots, { recursive: true });
  const before = page.viewportSize();
  for (const [label, size] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(100);
    await page.screenshot({ path: path.join(shots, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

export async function login(page, username, password) {
  await page.getByLabel(/Nama pengguna|Username/).fill(username);
  await page.getByLabel(/Kata sandi|Password/).fill(password);
  await page.getByRole('button', { name: /Masuk|Log in/ }).click();
}

// Prints what the pages complained about (also when a step failed: it often says why).
export function reportProblems() {
  if (problems.length) console.error(problems.join('\n'));
}

export function finish(started) {
  if (problems.length) {
    reportProblems();
    process.exit(1);
  }
  console.log(`browser story passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
