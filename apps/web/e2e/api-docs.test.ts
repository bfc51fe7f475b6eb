/**
 * The REST API's reference page (/api/v1/docs): Swagger UI, served from this site, renders the
 * OpenAPI document under the page's own CSP without a single violation or console error, at
 * 1280 and 375 px (screenshots in test-results/screenshots).
 */
import { expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { browserSuite } from './support/suite.js';

const suite = browserSuite();

for (const width of [1280, 375]) {
  it(`renders every tag and operation under its CSP at ${width} px`, async () => {
    const tab = await suite.openTab({ width });
    const { page } = tab;
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await tab.context.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { __cspViolations: seen });
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective}: ${e.blockedURI || e.sample}`));
    });
    await page.goto('/api/v1/docs');
    await page.getByRole('heading', { name: /PMS goals and notifications API/ }).waitFor();
    for (const tag of ['notifications', 'goals', 'users', 'compatibility']) {
      await page.locator(`#operations-tag-${tag}`).waitFor();
    }
    await page.getByText('/goals/{id}/approve').first().waitFor();
    // An operation opens with its parameters and response schema.
    await page.locator('#operations-goals-goals-reject').click();
    await page.locator('#operations-goals-goals-reject').getByText('Request body').waitFor();
    await screenshot(page, `api-docs-${width}`);
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(tab.consoleErrors()).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(suite.url) && !url.startsWith('data:'))).toEqual([]);
  });
}
