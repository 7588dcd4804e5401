// The widget's counter counts a public X reply as X does: every case of X's own
// conformance suite (twitter-text's validate.yml and tlds.yml, read at test time from the
// shared fixtures, never copied here), typed into the composer of the release build.
import { expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from './dev-page';

/** `$SOCIAL_FIXTURES_DIR`, else the nearest `shared/fixtures` above the project. */
function fixturesDir(): string {
  if (process.env.SOCIAL_FIXTURES_DIR) return process.env.SOCIAL_FIXTURES_DIR;
  for (let dir = resolve(__dirname, '../..'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared/fixtures');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return resolve(__dirname, '../../../shared/fixtures');
  }
}
const dir = join(fixturesDir(), 'twitter-text');

type Case = { description: string; text: string; weight: number; valid?: boolean };

function cases(): Case[] {
  if (!existsSync(join(dir, 'validate.json'))) {
    throw new Error(`X's conformance data is missing: looked in ${dir} (set SOCIAL_FIXTURES_DIR)`);
  }
  const validate = JSON.parse(readFileSync(join(dir, 'validate.json'), 'utf8')).tests;
  const weighted = [
    ...validate.WeightedTweetsWithDiscountedEmojiCounterTest,
    ...validate.UnicodeDirectionalMarkerCounterTest,
  ].map((c: any) => ({
    description: c.description,
    text: c.text,
    weight: c.expected.weightedLength,
    valid: c.expected.valid,
  }));
  const tlds = JSON.parse(readFileSync(join(dir, 'tlds.json'), 'utf8')).tests;
  const domains = [...tlds.country, ...tlds.generic].flatMap((c: any) => {
    const bare = c.text.replace(/^https?:\/\//, 'foo.').replace('foo.twitter.', 'foo.');
    return [
      { description: c.description, text: c.text, weight: 23 },
      { description: `${c.description} (bare)`, text: bare, weight: 23 },
    ];
  });
  return [...weighted, ...domains];
}

test('the composer counts every case of X\'s conformance suite as X does', async ({ dev }) => {
  test.setTimeout(120_000);
  const all = cases();
  expect(all.length).toBeGreaterThan(3000);
  await dev.open();
  await dev.openConversation('Mallory');
  const box = dev.widget.getByRole('textbox');
  await expect(box).toBeVisible();
  const send = dev.widget.locator('form.composer button[type=submit]');
  // Typed in the page, one after the other, reading the counter and Send after each.
  const seen: { count: string; blocked: string | null }[] = await box.evaluate(
    async (el, texts: string[]) => {
      const area = el as HTMLTextAreaElement;
      const form = area.closest('form')!;
      const counter = form.querySelector('.composer__count')!;
      const button = form.querySelector('button[type=submit]')!;
      const out = [];
      for (const text of texts) {
        area.value = text;
        area.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((done) => setTimeout(done, 0));
        out.push({ count: counter.textContent ?? '', blocked: button.getAttribute('aria-disabled') });
      }
      return out;
    },
    all.map((c) => c.text),
  );
  await expect(send).toBeVisible();
  const wrong = all.flatMap((c, i) => {
    const count = Number(seen[i].count.split('/')[0].trim());
    const problems = [];
    if (count !== c.weight) problems.push(`counted ${count}, X counts ${c.weight}`);
    if (c.valid !== undefined && (seen[i].blocked === 'true') === c.valid) {
      problems.push(`Send ${seen[i].blocked === 'true' ? 'refused' : 'offered'} but X says valid=${c.valid}`);
    }
    return problems.length ? [`${c.description} ${JSON.stringify(c.text.slice(0, 60))}: ${problems.join('; ')}`] : [];
  });
  expect(wrong, wrong.slice(0, 20).join('\n')).toEqual([]);
  console.log(`x-counting: ${all.length} conformance cases counted as X counts`);
});
