// A page object for the dev agent workspaces (another origin than the widget, which they
// frame): the lists, the framed widget, the workspace's own reply box, and the test hook
// `window.devWorkspace` the pages expose. Fails the test on any error the pages log.
import { expect, type Frame, type FrameLocator, type Locator, type Page } from '@playwright/test';
import { OwnServer } from './own-server';

export type ListName = 'My conversations' | 'All conversations';

/** A server with a dev workspace on a second port (its origin may frame the widget). */
export async function serverWithWorkspace(flags: string[] = []) {
  const { freePort } = await import('./own-server');
  const workspacePort = await freePort();
  const server = await OwnServer.start(['--dev-workspace-port', String(workspacePort), ...flags]);
  return { server, workspaceUrl: `http://127.0.0.1:${workspacePort}` };
}

export class WorkspacePage {
  readonly list: Locator;
  readonly widget: FrameLocator;
  readonly reply: Locator;
  readonly problems: string[] = [];
  readonly warnings: string[] = [];
  private expectedFailures: RegExp[] = [];

  constructor(readonly page: Page) {
    this.list = page.getByRole('region', { name: 'Conversations' });
    this.widget = page.frameLocator('iframe[title="Social widget"]');
    this.reply = page.getByLabel('Workspace reply');
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      const from = message.location().url;
      if (message.type() === 'warning' && from.includes('127.0.0.1')) this.warnings.push(message.text());
      if (message.type() !== 'error') return;
      const ours = from.startsWith('http://127.0.0.1') || from === '';
      const expected = message.text().startsWith('Failed to load resource')
        && this.expectedFailures.some((pattern) => pattern.test(from) || pattern.test(message.text()));
      if (ours && !expected) this.problems.push(`console error: ${message.text()} (${from})`);
    });
    page.on('dialog', async (dialog) => {
      this.problems.push(`dialog: ${dialog.message()}`);
      await dialog.dismiss();
    });
  }

  /** Failed requests to URLs matching `pattern` are the test's doing. */
  expectFailedRequests(pattern: RegExp) {
    this.expectedFailures.push(pattern);
  }

  async open(url: string) {
    await this.page.goto(url);
    await expect(this.rows().first()).toBeVisible();
  }

  /** The widget's frame, once it exists. */
  frame(): Frame {
    const frame = this.page.frames().find((f) => f !== this.page.mainFrame() && f.name() === '' && f.url().includes('127.0.0.1'));
    if (!frame) throw new Error('the widget frame is not there');
    return frame;
  }

  rows() {
    return this.list.getByRole('listitem').getByRole('button');
  }

  row(text: string | RegExp) {
    return this.rows().filter({ hasText: text });
  }

  async showList(name: ListName) {
    const tab = this.list.getByRole('button', { name });
    await tab.click();
    await expect(tab).toHaveAttribute('aria-pressed', 'true');
    await expect(this.rows().first()).toBeVisible();
  }

  async openConversation(consumer: string) {
    await this.row(consumer).first().click();
    await expect(this.conversation()).toHaveAccessibleName(new RegExp(`^Conversation with ${consumer} on `));
  }

  conversation() {
    return this.widget.getByRole('article');
  }

  composer() {
    return this.widget.getByRole('form', { name: 'Composer' });
  }

  messageBox() {
    return this.composer().getByRole('textbox').first();
  }

  toggle() {
    return this.widget.getByRole('radiogroup', { name: 'Reply space' });
  }

  /** Posts a raw message to the widget from the workspace (its parent, an allowed origin). */
  async send(message: unknown) {
    await this.page.evaluate((m) => (window as any).devWorkspace.send(m), message);
  }

  async focus(id: string) {
    await this.send({ protocol: 'social-widget', version: 1, type: 'focus', conversation: id });
  }

  /** The types of the messages the widget posted to the workspace. */
  async received(): Promise<string[]> {
    return this.page.evaluate(() => (window as any).devWorkspace.received.map((m: any) => m.type ?? m.cmdName));
  }

  /** Marks the widget's document, to tell later that it was not reloaded. */
  async markWidget() {
    await this.frame().evaluate(() => { (window as any).__notReloaded = true; });
    return async () => expect(await this.frame().evaluate(() => (window as any).__notReloaded)).toBe(true);
  }

  async signInAsDemoAgent(name = 'Dana') {
    const button = this.widget.getByRole('group', { name: 'Demo agents' }).getByRole('button', { name: new RegExp(`^${name}`) });
    await button.click();
    await expect(this.widget.getByRole('button', { name: 'Sign out' })).toBeVisible();
  }
}

/** Saves a screenshot of the final state as a test artifact. */
export async function finalState(page: Page, name: string) {
  const { test } = await import('@playwright/test');
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}
