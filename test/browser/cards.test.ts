/**
 * The real bundle in a real browser (issue 15): Debian's Chromium, driven by playwright-core,
 * loads webapp/dist/main.js (built here as `make plugin` builds it) into a page hosting React 18
 * like the web app, renders every shared fixture through the registered components, checks what a
 * user would see (text, colours, nothing wider than the column) and saves a screenshot per card in
 * test-results/cards/ (MATTEROPS_DOC_IMAGES=1 also refreshes docs/images/). A missing Chromium
 * fails the run: `apt-get install chromium`, or MATTEROPS_CHROMIUM=<path>.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../webapp/build.ts';
import { aliceUserId, fixture, fixtures, malformed, valid } from '../unit/webapp/fixtures.ts';
import { type HostPage, startHostPage } from './host-page.ts';

const root = join(import.meta.dirname, '..', '..');
const shots = join(root, 'test-results', 'cards');
const docImages = process.env.MATTEROPS_DOC_IMAGES === '1' ? join(root, 'docs', 'images') : undefined;
/** The fixture each card's picture in docs/mattermost.md shows. */
const docCards: Record<string, string> = {
  'status-rolling-warnings': 'card-status.png',
  'change-running': 'card-change.png',
  'incident-open-critical': 'card-incident.png',
  'digest-red': 'card-digest.png',
};
const executablePath = process.env.MATTEROPS_CHROMIUM ?? '/usr/bin/chromium';
const dark = {
  centerChannelBg: '#1f1f1f',
  centerChannelColor: '#dddddd',
  onlineIndicator: '#06d6a0',
  awayIndicator: '#f5ab00',
  dndIndicator: '#f74343',
  linkColor: '#5d89ea',
  buttonBg: '#4a7ee5',
  buttonColor: '#ffffff',
};

/** Bot posts re-posted by a user with the same type and props: what a forger would make. */
const forged = ['status-bot-stable', 'incident-bot-resolved', 'incident-open-critical'];

let browser: Browser;
let host: HostPage;
let page: Page;
const actionCalls: { url: string; headers: Record<string, string>; body: unknown }[] = [];

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (or set MATTEROPS_CHROMIUM)`);
  const bundle = await buildBundle();
  host = await startHostPage(bundle.file);
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 680, height: 900 }, deviceScaleFactor: 1 });
  await context.addCookies([{ name: 'MMCSRF', value: 'csrf-from-cookie', url: host.url }]);
  page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/api/v4/posts/*/actions/*', async (route) => {
    const req = route.request();
    actionCalls.push({ url: new URL(req.url()).pathname, headers: req.headers(), body: req.postDataJSON() });
    await route.fulfill({ status: 200, contentType: 'application/json', body: '{"status":"OK"}' });
  });
  await page.clock.setFixedTime(new Date('2026-12-02T10:07:00Z'));
  await page.goto(host.url);
  for (const f of fixtures) await page.evaluate(([name, post]) => window.renderPost(name, post), [f.name, f.post] as const);
  await page.evaluate(([post, theme]) => window.renderPost('dark-status-rolling-warnings', post, theme), [fixture('status-rolling-warnings'), dark] as const);
  for (const name of forged)
    await page.evaluate(([n, post]) => window.renderPost(`forged-${n}`, post), [name, { ...fixture(name), user_id: aliceUserId }] as const);
  expect(errors).toEqual([]);
  mkdirSync(shots, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

declare global {
  interface Window {
    pluginIds: string[];
    postTypes: Record<string, unknown>;
    renderPost(name: string, post: unknown, theme?: unknown): void;
  }
}

const box = (name: string) => page.locator(`[data-fixture="${name}"]`);
const style = (name: string, selector: string, property: string) =>
  box(name)
    .locator(selector)
    .first()
    .evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);

describe('the bundle in Chromium', () => {
  it('registers once, with the four post types', async () => {
    expect(await page.evaluate(() => window.pluginIds)).toEqual(['io.matterops.companion']);
    expect(await page.evaluate(() => Object.keys(window.postTypes))).toEqual([
      'custom_matterops_status',
      'custom_matterops_change',
      'custom_matterops_incident',
      'custom_matterops_digest',
    ]);
  });

  it.each(valid.map((f) => f.name))('renders %s as a card no wider than the column, and saves its picture', async (name) => {
    const kind = name.split('-')[0]!;
    expect(await box(name).locator(`.matterops-card.matterops-${kind}`).count()).toBe(1);
    const widths = await box(name).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await box(name).screenshot({ path: join(shots, `${name}.png`) });
    const doc = docCards[name];
    if (docImages && doc) await box(name).screenshot({ path: join(docImages, doc) });
  });

  it.each(forged)('shows %s as its plain text when a user, not the bot, posted it', async (name) => {
    expect(await box(`forged-${name}`).locator('.matterops-card').count()).toBe(0);
    expect(await box(`forged-${name}`).locator('.matterops-plain').innerText()).toContain(fixture(name).message);
  });

  it.each(malformed.map((f) => f.name))('shows %s as its plain text', async (name) => {
    expect(await box(name).locator('.matterops-card').count()).toBe(0);
    expect(await box(name).locator('.matterops-plain').innerText()).toContain(fixture(name).message);
  });
});

describe('what a user sees', () => {
  it('status: the state pill in the warning colour, the replicas bar two thirds full', async () => {
    expect(await box('status-rolling-warnings').locator('.matterops-pill').first().innerText()).toBe('reconciling');
    expect(await style('status-rolling-warnings', '.matterops-pill', 'color')).toBe('rgb(255, 188, 31)');
    const bar = await box('status-rolling-warnings')
      .locator('.matterops-replicas-ready')
      .evaluate((el) => el.getBoundingClientRect().width / (el.parentElement?.getBoundingClientRect().width ?? 1));
    expect(bar).toBeCloseTo(2 / 3, 2);
    expect(await box('status-rolling-warnings').innerText()).toContain('Back-off restarting failed container');
  });

  it('incident: red edge, counting from the fixed clock, and an Undo button that posts the action with the CSRF cookie', async () => {
    expect(await style('incident-open-critical', '.matterops-card', 'border-left-color')).toBe('rgb(210, 75, 78)');
    expect(await box('incident-open-critical').locator('.matterops-since').innerText()).toBe('open for 7 min');
    await box('incident-open-critical').getByRole('button', { name: 'Undo: upgrade mattermost 9.8.1' }).click();
    await expect.poll(() => actionCalls.length).toBe(1);
    expect(actionCalls[0]).toMatchObject({
      url: '/api/v4/posts/post-incident-open-critical/actions/undo',
      headers: { 'x-requested-with': 'XMLHttpRequest', 'x-csrf-token': 'csrf-from-cookie' },
      body: { selected_option: '' },
    });
  });

  it('digest: worst first under a RED header', async () => {
    const rows = await box('digest-unsorted-long')
      .locator('.matterops-digest-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-health')));
    expect(rows).toEqual(['RED', 'WATCH', 'GREEN']);
    expect(await style('digest-red', '.matterops-digest-header strong', 'color')).toBe('rgb(210, 75, 78)');
  });

  it('long values wrap inside the column instead of widening the post', async () => {
    for (const name of ['status-long-values', 'digest-unsorted-long']) {
      const card = await box(name)
        .locator('.matterops-card')
        .evaluate((el) => ({ width: el.getBoundingClientRect().width, scroll: el.scrollWidth, client: el.clientWidth }));
      expect(card.width).toBeLessThanOrEqual(600);
      expect(card.scroll).toBeLessThanOrEqual(card.client);
    }
  });

  it('change: an edit of the post fills the steps in, in the same card', async () => {
    const states = () =>
      box('edited-change')
        .locator('.matterops-step')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    await page.evaluate((post) => window.renderPost('edited-change', post), fixture('change-running'));
    expect(await states()).toEqual(['done', 'done', 'running', 'pending']);
    await page.evaluate((post) => window.renderPost('edited-change', post), fixture('change-done'));
    expect(await states()).toEqual(['done', 'done', 'done', 'done']);
    expect(await box('edited-change').locator('.matterops-outcome').innerText()).toBe('done, stable 3/3');
    expect(await page.locator('[data-fixture="edited-change"]').count()).toBe(1);
  });

  it("a dark theme's colours reach the card", async () => {
    expect(await style('dark-status-rolling-warnings', '.matterops-card', 'background-color')).toBe('rgb(31, 31, 31)');
    expect(await style('dark-status-rolling-warnings', '.matterops-card', 'color')).toBe('rgb(221, 221, 221)');
    await box('dark-status-rolling-warnings').screenshot({ path: join(shots, 'dark-status-rolling-warnings.png') });
  });
});
