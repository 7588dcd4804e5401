// The main tasks by keyboard alone at 360 px, LivePerson's widget width: like and undo,
// reply to a chosen message with a mention, Link to DM, switch space and send privately,
// an internal note, retry. It prints the key presses per task (a figure, not a test) and
// runs axe-core on every state: no serious or critical finding.
import { expect, type Page } from '@playwright/test';
import { noSeriousFindings } from './a11y';
import { test } from './dev-page';

/** Presses keys and counts them: the walkthrough's figure per task. */
class Keys {
  count = 0;
  constructor(readonly page: Page) {}
  async press(key: string, times = 1) {
    for (let i = 0; i < times; i++) {
      await this.page.keyboard.press(key);
      this.count += 1;
    }
  }
  /** Tabs forward until `predicate` holds for the focused element (at most 120 presses). */
  async tabTo(description: string, predicate: (el: { name: string; role: string; text: string }) => boolean, key = 'Tab') {
    for (let i = 0; i < 120; i++) {
      await this.press(key);
      const focused = await this.page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return {
          name: el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '',
          role: el?.getAttribute('role') ?? el?.tagName.toLowerCase() ?? '',
          text: (el as HTMLInputElement | null)?.labels?.[0]?.textContent?.trim() ?? '',
        };
      });
      if (predicate(focused)) return;
    }
    throw new Error(`${key} never reached ${description}`);
  }
  /** Tabs backward until `predicate` holds. */
  async shiftTabTo(description: string, predicate: (el: { name: string; role: string; text: string }) => boolean) {
    await this.tabTo(description, predicate, 'Shift+Tab');
  }
  /** Text typed counts as one step, not one press per letter. */
  async type(text: string) {
    await this.page.keyboard.insertText(text);
    this.count += 1;
  }
  take() {
    const n = this.count;
    this.count = 0;
    return n;
  }
}

/** The contrast of the focus ring of the focused control against what it sits on. */
async function focusRingContrast(page: Page): Promise<number> {
  return page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): string => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    let el = document.activeElement as HTMLElement;
    if (getComputedStyle(el).outlineStyle === 'none') el = el.closest('.toggle__option') ?? el;
    const style = getComputedStyle(el);
    // An outline drawn inside the element sits on its own background; outside, on its parent's.
    const inside = parseFloat(style.outlineOffset) < 0;
    const ring = lum(rgb(style.outlineColor));
    const under = lum(rgb(background(inside ? el : el.parentElement)));
    const [hi, lo] = ring > under ? [ring, under] : [under, ring];
    return style.outlineStyle === 'none' ? 0 : (hi + 0.05) / (lo + 0.05);
  });
}

test('keyboard only, at 360 px: the main tasks, with axe on every state', async ({ dev, page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 360, height: 740 });
  const keys = new Keys(page);
  const report: string[] = [];
  await dev.open();
  await noSeriousFindings(page, 'the dev page');

  // Open Maria's conversation from the list.
  await keys.tabTo('Maria’s row', (f) => f.name.includes('Maria Gonzalez'));
  await keys.press('Enter');
  await expect(dev.conversation()).toContainText('Maria Gonzalez');
  report.push(`open a conversation from the list: ${keys.take()}`);
  await noSeriousFindings(page, "Maria's conversation");

  // Like a comment, then undo.
  await keys.tabTo('a Like on a comment', (f) => /^Like Maria Gonzalez's comment/.test(f.name));
  const like = page.locator(':focus');
  const was = await like.getAttribute('aria-pressed');
  await keys.press('Space');
  await expect(like).toHaveAttribute('aria-pressed', was === 'true' ? 'false' : 'true');
  expect(await focusRingContrast(page), 'the focus shows on the pressed button').toBeGreaterThanOrEqual(3);
  await keys.press('Space');
  await expect(like).toHaveAttribute('aria-pressed', was!);
  report.push(`like and undo: ${keys.take()}`);

  // Reply to a chosen message, with a mention (Facebook tags the consumer).
  await keys.tabTo('Reply to the second comment', (f) => /^Reply to Maria Gonzalez's comment/.test(f.name));
  await keys.press('Enter');
  await expect(dev.messageBox()).toBeFocused();
  await keys.type('Yes, the rainfly is included. ');
  await keys.tabTo('Mention', (f) => f.name === 'Mention');
  await keys.press('Enter');
  await expect(dev.messageBox()).toBeFocused();
  await expect(dev.messageBox()).toHaveValue(/@Maria Gonzalez/);
  await noSeriousFindings(page, 'a reply with its target and mention');
  await keys.press('Control+Enter');
  await expect(dev.conversation().getByRole('listitem').filter({ hasText: 'the rainfly is included' })).toBeVisible();
  report.push(`reply to a chosen message with a mention: ${keys.take()}`);

  // Link to DM: preview, then send.
  await keys.tabTo('Link to DM', (f) => f.name === 'Link to DM');
  await keys.press('Enter');
  const preview = dev.widget.getByRole('region', { name: /^Invite Maria Gonzalez/ });
  await expect(preview).toBeVisible();
  await noSeriousFindings(page, 'the invitation preview');
  await keys.tabTo('Send invitation', (f) => /^Send (another )?invitation$/.test(f.name));
  await keys.press('Enter');
  await expect(preview).toHaveCount(0);
  report.push(`Link to DM: ${keys.take()}`);

  // Switch space and send privately: Priya wrote in both spaces.
  await page.locator('nav').getByRole('button', { name: /Priya Sharma/ }).focus();
  keys.count += 1; // one step: back to the list (a landmark jump in a screen reader)
  await keys.press('Enter');
  await expect(dev.conversation()).toContainText('Priya Sharma');
  await keys.tabTo('the reply space', (f) => f.role === 'input' && (f.text === 'Private' || f.text === 'Public'));
  expect(await focusRingContrast(page), 'the focus on the selected segment shows').toBeGreaterThanOrEqual(3);
  await keys.press('ArrowLeft');
  await keys.press('ArrowRight');
  await expect(dev.widget.getByRole('radio', { name: 'Private' })).toBeChecked();
  await keys.tabTo('the message box', (f) => f.role === 'textarea');
  await keys.type('Your replacement ships tomorrow.');
  await keys.press('Enter');
  await expect(dev.conversation().getByRole('listitem').filter({ hasText: 'ships tomorrow' })).toContainText('Private (DM)');
  report.push(`switch space and send privately: ${keys.take()}`);

  // An internal note.
  await keys.shiftTabTo('Write an internal note', (f) => f.text === 'Write an internal note');
  await keys.press('Space');
  await noSeriousFindings(page, 'note mode');
  await keys.tabTo('the message box', (f) => f.role === 'textarea');
  await keys.type('Replacement approved by the warehouse.');
  await keys.press('Enter');
  await expect(dev.conversation().getByRole('listitem').filter({ hasText: 'approved by the warehouse' })).toContainText('Internal note');
  report.push(`internal note: ${keys.take()}`);

  // Retry the failed message.
  await page.locator('nav').getByRole('button', { name: /Priya Sharma/ }).focus();
  keys.count += 1;
  await keys.tabTo('Retry', (f) => /^Retry the message of /.test(f.name));
  await keys.press('Enter');
  const failed = dev.conversation().getByRole('listitem').filter({ hasText: 'Your tracking number' });
  await expect(failed).toContainText('Sent');
  report.push(`retry: ${keys.take()}`);
  await noSeriousFindings(page, 'after a retry');

  console.log(`keyboard walkthrough at 360 px, key presses per task:\n  ${report.join('\n  ')}`);
});
