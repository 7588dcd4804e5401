// Refreshes the README's screenshot of the dev page when UPDATE_SCREENSHOT=1.
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { DevPage } from './dev-page';

test('README screenshot of the dev page', async ({ page }) => {
  test.skip(!process.env.UPDATE_SCREENSHOT, 'set UPDATE_SCREENSHOT=1 to refresh docs/screenshot.png');
  await page.setViewportSize({ width: 1100, height: 1120 });
  const dev = new DevPage(page);
  await dev.open();
  await dev.openConversation('Maria Gonzalez');
  await expect(dev.conversation()).toContainText('Maria Gonzalez');
  await page.screenshot({ path: resolve(__dirname, '../../docs/screenshot.png') });
});
