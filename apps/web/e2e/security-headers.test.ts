/**
 * The built SPA under the server's Content-Security-Policy: every screen, dialog, menu and the
 * live socket work without a single violation, Mantine's theme styles apply (they need the page's
 * nonce), the app's own POSTs keep their Origin under Referrer-Policy: no-referrer (the CSRF check
 * reads it), and no source map is published. Screenshots at 1280 and 375 px show that nothing lost its styling.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { demo } from '../../server/test/support/server.js';
import { navigate, screenshot, signIn, type Tab } from './support/browser.js';
import { WEB_DIST } from './support/paths.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

/** Opens a tab that records CSP violations as the page reports them (besides the console errors every tab collects). */
async function watchedTab(width: number): Promise<Tab & { violations(): Promise<string[]> }> {
  const tab = await suite.openTab({ width });
  await tab.context.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { __cspViolations: seen });
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective}: ${e.blockedURI || e.sample} (${e.sourceFile}:${e.lineNumber}:${e.columnNumber})`));
  });
  return { ...tab, violations: () => tab.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations) };
}

/** The theme's primary colour (indigo) comes from the <style> Mantine injects, which applies only if the nonce admitted it. */
const INDIGO = '#4c6ef5';
const primaryColor = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--mantine-primary-color-filled').trim());

it('runs every screen under the strict CSP without a violation, styled, at 1280 px', async () => {
  const tab = await watchedTab(1280);
  const { page } = tab;
  const document = await page.goto('/');
  const csp = document!.headers()['content-security-policy']!;
  expect(csp).toMatch(/style-src 'self' 'nonce-[\w+/]+=*'/);
  expect(csp).not.toContain('unsafe');
  const origins: Array<Promise<string | undefined>> = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/trpc/')) origins.push(request.allHeaders().then((headers) => headers.origin));
  });

  await signIn(tab, demo.sam);
  expect(await primaryColor(page)).toBe(INDIGO);
  // Dialogs, selects (floating UI), menus, notifications, the other pages.
  await page.getByRole('button', { name: 'New goal' }).click();
  const dialog = page.getByRole('dialog', { name: 'New goal' });
  await dialog.getByLabel('Type').click();
  await page.getByRole('option').first().waitFor();
  await screenshot(page, 'csp-1280-new-goal');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  for (const label of ['Pending approvals', 'Team', 'Notifications', 'My goals']) await navigate(page, label);
  await page.getByTestId('bell').click();
  await screenshot(page, 'csp-1280-bell');
  await page.keyboard.press('Escape');
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();

  expect(origins.length).toBeGreaterThanOrEqual(2); // sign-in and sign-out
  expect(new Set(await Promise.all(origins))).toEqual(new Set([suite.url]));
  expect(await tab.violations()).toEqual([]);
  expect(tab.consoleErrors()).toEqual([]);
});

it('looks right on a 375 px phone under the same policy', async () => {
  const tab = await watchedTab(375);
  await signIn(tab, demo.alice);
  expect(await primaryColor(tab.page)).toBe(INDIGO);
  await screenshot(tab.page, 'csp-375-my-goals');
  await tab.page.getByRole('button', { name: 'Toggle navigation' }).click();
  await tab.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Assigned to me' }).waitFor();
  await tab.page.waitForFunction(() => document.getAnimations().length === 0); // the burger turns into a cross
  await screenshot(tab.page, 'csp-375-navigation');
  expect(await tab.violations()).toEqual([]);
  expect(tab.consoleErrors()).toEqual([]);
});

it('publishes no source maps: the build emits none and the server refuses the paths', async () => {
  const assets = readdirSync(join(WEB_DIST, 'assets'));
  expect(assets.filter((name) => name.endsWith('.map'))).toEqual([]);
  const script = assets.find((name) => name.endsWith('.js'))!;
  const tab = await suite.openTab();
  expect((await tab.page.request.get(`/assets/${script}`)).status()).toBe(200);
  expect((await tab.page.request.get(`/assets/${script}.map`)).status()).toBe(404);
});
