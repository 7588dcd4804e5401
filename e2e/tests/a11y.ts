// Accessibility checks shared by the end-to-end specs: axe-core on the page as it is.
import { expect, type Frame, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page as it is; the serious and critical findings, in words. */
export async function seriousFindings(page: Page | Frame): Promise<string[]> {
  // Evaluated through the debugger protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => (window as any).axe.run(document, {
    resultTypes: ['violations'],
  }));
  return results.violations
    .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: any) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
}

export async function noSeriousFindings(page: Page | Frame, state: string) {
  expect(await seriousFindings(page), `axe on ${state}`).toEqual([]);
}
