/**
 * Real Chromium through playwright-core: each user gets a browser context of their own
 * (own cookies, like another device), and every console error fails the test.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@pms/db';
import { CHROMIUM, SCREENSHOTS } from './paths.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface Tab {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far, minus those `allowConsoleErrors` expects. */
  consoleErrors(): string[];
  /** Tolerates errors the browser itself logs for an expected reason (e.g. a server being restarted). */
  allowConsoleErrors(pattern: RegExp): void;
}

export interface TabOptions {
  width?: number;
  height?: number;
  /** The system's scheme the page sees (prefers-color-scheme); light unless asked. */
  colorScheme?: 'light' | 'dark';
  /** The browser's language (navigator.language, Accept-Language); the machine's unless asked. */
  locale?: string;
}

export async function openTab(browser: Browser, baseURL: string, options: TabOptions = {}): Promise<Tab> {
  // Reduced motion: the app then skips its transitions, so screenshots never catch one halfway.
  const context = await browser.newContext({
    baseURL,
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    reducedMotion: 'reduce',
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale,
  });
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  const allowed: RegExp[] = [];
  return {
    page,
    context,
    consoleErrors: () => errors.filter((error) => !allowed.some((pattern) => pattern.test(error))),
    allowConsoleErrors: (pattern) => void allowed.push(pattern),
  };
}

/** Console errors and uncaught exceptions of a page, as they happen. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

/** Signs in through the form, as a person would, and waits for the live shell. */
export async function signIn(tab: Tab, email: string): Promise<void> {
  const { page } = tab;
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-menu').waitFor();
  await connection(page, 'connected').waitFor();
}

export const connection = (page: Page, status: 'connecting' | 'connected' | 'reconnecting' | 'offline') =>
  page.locator(`[data-connection="${status}"]`);

/** The bell once it shows exactly `count` unread. */
export const bellWithUnread = (page: Page, count: number) => page.locator(`[data-testid="bell"][data-unread="${count}"]`);

/** The bell's number now, once the counts have loaded: for a count the badge may pass in one render. */
export const unreadOn = async (page: Page) => Number(await page.locator('[data-testid="bell"][data-unread]').getAttribute('data-unread'));

/**
 * Closes the bell's open dropdown, and waits until it is gone: while it is open, what it shows is
 * marked seen, so a notification arriving then never counts as new. Escape reaches the dropdown
 * only once it is shown (it takes the focus then).
 */
export async function closeBell(page: Page): Promise<void> {
  const dropdown = page.getByTestId('bell-dropdown');
  await dropdown.waitFor();
  await page.keyboard.press('Escape');
  await dropdown.waitFor({ state: 'hidden' });
}

export const goalCard = (scope: Page | Locator, title: string) => scope.getByTestId('goal-card').filter({ hasText: title });

export const toast = (page: Page, text: string) => page.getByTestId('toast').filter({ hasText: text });

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Client-side navigation through the app's own links, never a reload. */
export async function navigate(page: Page, label: string): Promise<void> {
  // On a phone the navigation sits behind the menu button (which closes it again on navigation).
  const menu = page.getByRole('button', { name: 'Toggle navigation' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
}

/** Marks the page so that `wasReloaded` can tell whether it was reloaded since. */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { __pmsSamePage: true }));
}

export async function wasReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => !(window as unknown as { __pmsSamePage?: boolean }).__pmsSamePage);
}
