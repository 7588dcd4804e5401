// A page object for the standalone dev page: what an agent sees and does, by role and name.
import { test as base, expect, type Locator, type Page } from '@playwright/test';

export class DevPage {
  readonly list: Locator;
  readonly widget: Locator;
  readonly problems: string[] = [];
  /** Requests a test fails on purpose (a cut stream): the browser logs them, and that is fine. */
  private expectedFailures: RegExp[] = [];

  constructor(readonly page: Page) {
    this.list = page.getByRole('navigation', { name: 'Conversations' });
    this.widget = page.getByRole('main', { name: 'Widget' });
    // Any script error or dialog (alert from hostile content) is a failure of the page.
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Demo profile pictures live on the platforms' hosts, which this network cannot
      // reach; the widget falls back to initials. Our own origin must load cleanly.
      const from = message.location().url;
      const ours = from.startsWith('http://127.0.0.1') || from === '';
      const expected = message.text().startsWith('Failed to load resource')
        && this.expectedFailures.some((pattern) => pattern.test(from));
      if (ours && !expected) this.problems.push(`console error: ${message.text()} (${from})`);
    });
    page.on('dialog', async (dialog) => {
      this.problems.push(`dialog: ${dialog.message()}`);
      await dialog.dismiss();
    });
  }

  /** The browser may log failed requests to URLs matching `pattern`: the test causes them. */
  expectFailedRequests(pattern: RegExp) {
    this.expectedFailures.push(pattern);
  }

  async open() {
    await this.page.goto('/dev/');
    await expect(this.rows().first()).toBeVisible();
  }

  tab(name: 'My conversations' | 'All conversations') {
    return this.list.getByRole('button', { name });
  }

  async showList(name: 'My conversations' | 'All conversations') {
    await this.tab(name).click();
    await expect(this.tab(name)).toHaveAttribute('aria-pressed', 'true');
    await expect(this.rows().first()).toBeVisible();
  }

  rows() {
    return this.list.getByRole('listitem').getByRole('button');
  }

  row(text: string | RegExp) {
    return this.rows().filter({ hasText: text });
  }

  async openConversation(text: string | RegExp) {
    await this.row(text).first().click();
    await expect(this.widget.getByRole('article')).toBeVisible();
  }

  conversation() {
    return this.widget.getByRole('article');
  }

  composer() {
    return this.widget.getByRole('form', { name: 'Composer' });
  }

  /** The composer's message box, whatever its label says ("Public reply", …). */
  messageBox() {
    return this.composer().getByRole('textbox').first();
  }
}

/** `test` with a `dev` fixture that fails the test on any page error, console error or dialog. */
export const test = base.extend<{ dev: DevPage }>({
  dev: async ({ page }, use) => {
    const dev = new DevPage(page);
    await use(dev);
    expect(dev.problems, 'the page logged no errors and opened no dialogs').toEqual([]);
  },
});
