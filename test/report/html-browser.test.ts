// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright's locator.innerText() is the rendered text these checks mean, not the DOM property the rule is about
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportInputs } from '../../src/engine/report/report.js';
import type { ReportData } from '../../src/engine/report/data.js';
import { selectRules } from '../../src/engine/analyze/rule-set.js';
import { launchChromium, openWatched, type WatchedPage } from '../helpers/browser.js';
import { REPO_ROOT, makeWorkspace, runCliAsync } from '../helpers/make-inputs.js';
import { conversation, makeTrace } from '../helpers/trace-builder.js';

// The HTML report in a real headless Chromium, opened from file:// as a reader would: the samples
// report's turns, findings, links and waterfall bars, the script's highlight, filter and
// expand/collapse, the page without its script; and a report of hostile traces in which nothing
// may run. One browser for the file; each test opens its own context.

const ws = makeWorkspace('tracetriage-html-');
let browser: Browser;
let samples: { file: string; url: string; data: ReportData };

/** Writes the HTML report of `inputs` with the real binary and returns its path and URL. */
async function renderReport(inputs: string[], name: string): Promise<{ file: string; url: string }> {
  const file = ws.path(name);
  const run = await runCliAsync(['report', ...inputs, '--format', 'html', '-o', file]);
  expect(run.status, run.stderr).toBe(0);
  return { file, url: pathToFileURL(file).href };
}

/** Nothing went wrong on the page: no error, no CSP violation, no request but the file, no dialog. */
async function expectQuiet(watched: WatchedPage, url: string): Promise<void> {
  expect(watched.consoleErrors).toEqual([]);
  expect(watched.pageErrors).toEqual([]);
  expect(await watched.violations()).toEqual([]);
  expect(watched.requests).toEqual([url]);
  expect(watched.dialogs).toEqual([]);
}

beforeAll(async () => {
  const selection = selectRules({}, []);
  const [b, rendered, data] = await Promise.all([
    launchChromium(),
    renderReport(['samples/'], 'samples.html'),
    reportInputs([join(REPO_ROOT, 'samples')], { rules: selection.rules, severityOverride: selection.severityOverride, maxSessions: 20, config: null, rejected: () => 0 }),
  ]);
  browser = b;
  samples = { ...rendered, data };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  ws.cleanup();
});

describe('the samples report in Chromium', () => {
  it('shows one strip per session, the refund root cause and its inherited turns, findings that link to turns, and one bar per span', async () => {
    const w = await openWatched(browser, samples.url);
    const { page } = w;
    const strips = page.locator('nav.strip');
    expect(await strips.count()).toBe(4);
    const boxes = await Promise.all([0, 1, 2, 3].map((i) => strips.nth(i).locator('li a').count()));
    expect(boxes).toEqual(samples.data.sessions.map((s) => s.turns));
    expect(samples.data.sessions[0]!.id).toBe('sess-refund-7f3a');
    const refund = await strips
      .nth(0)
      .locator('li a')
      .evaluateAll((links) => links.map((a) => [(a as unknown as { className: string }).className, (a as unknown as { getAttribute(n: string): string }).getAttribute('aria-label')]));
    expect(refund).toEqual([
      ['st-passed', 'Turn 1: passed'],
      ['st-passed', 'Turn 2: passed'],
      ['st-root-cause', 'Turn 3: root cause'],
      ['st-inherited', 'Turn 4: inherited'],
      ['st-inherited', 'Turn 5: inherited'],
    ]);
    expect(await page.locator('#s1-root1').innerText()).toContain('Turn 3 is where the conversation went wrong');

    // Every finding of the dump is listed (the root cause twice: in its box and in its turn).
    const findings = await page.locator('li.finding').count();
    expect(findings).toBe(samples.data.findings.length + 1);
    const broken = (await page.evaluate(`[...document.querySelectorAll('li.finding a[href]')].map((a) => a.getAttribute('href'))
      .filter((href) => { const t = document.getElementById(href.slice(1)); return !t || !t.matches('section.turn'); })`)) as string[];
    expect(broken).toEqual([]);
    expect(await page.locator('li.finding a[href]').count()).toBeGreaterThan(15);

    for (const [i, s] of samples.data.sessions.entries()) {
      for (const t of s.turnList) expect(await page.locator(`#s${i + 1}-t${t.number} svg.wf rect.bar`).count()).toBe(t.waterfall.spans.length);
    }
    await expectQuiet(w, samples.url);
    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'test-artifacts', 'report-samples.png'), await page.screenshot({ fullPage: true }));
    await w.close();
  });

  it('scrolls to and highlights the turn a strip box names, by mouse and by keyboard, also on a second click', async () => {
    const w = await openWatched(browser, samples.url);
    const { page } = w;
    const inView = async (id: string): Promise<boolean> => {
      const box = await page.locator(`#${id}`).boundingBox();
      return box !== null && box.y >= 0 && box.y < 900;
    };
    await page.locator('footer').scrollIntoViewIfNeeded();
    await page.locator('nav.strip a[href="#s1-t3"]').click();
    await expect.poll(() => page.locator('#s1-t3').getAttribute('class')).toBe('turn st-root-cause is-current');
    expect(await inView('s1-t3')).toBe(true);
    expect(await page.evaluate('location.hash')).toBe('#s1-t3');

    // The same box again, after scrolling away: no hashchange, the script scrolls back itself.
    await page.locator('footer').scrollIntoViewIfNeeded();
    expect(await inView('s1-t3')).toBe(false);
    await page.locator('nav.strip a[href="#s1-t3"]').click();
    await expect.poll(() => inView('s1-t3')).toBe(true);

    await page.locator('nav.strip a[href="#s1-t4"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('s1-t4');
    expect(await page.locator('.is-current').count()).toBe(1);
    expect(await inView('s1-t4')).toBe(true);
    await expectQuiet(w, samples.url);
    await w.close();
  });

  it('filters findings by severity and expands or collapses every detail', async () => {
    const w = await openWatched(browser, samples.url);
    const { page } = w;
    const warn = samples.data.summary.bySeverity.warn;
    await page.getByRole('checkbox', { name: 'warn' }).uncheck();
    expect(await page.locator('li.finding[data-severity="warn"]:visible').count()).toBe(0);
    expect(await page.locator('li.finding[data-severity="error"]:visible').count()).toBe(2);
    expect(await page.locator('#filter-note').innerText()).toBe(`${warn} findings hidden by the filter`);
    await page.getByRole('checkbox', { name: 'warn' }).check();
    expect(await page.locator('li.finding:visible').count()).toBe(samples.data.findings.length + 1);
    expect(await page.locator('#filter-note').innerText()).toBe('');

    const all = await page.locator('details').count();
    await page.getByRole('button', { name: 'Collapse all' }).click();
    expect(await page.locator('details[open]').count()).toBe(0);
    await page.getByRole('button', { name: 'Expand all' }).click();
    expect(await page.locator('details[open]').count()).toBe(all);
    await expectQuiet(w, samples.url);
    await w.close();
  });

  it('reads without its script: controls hidden, texts and the root cause shown, strip links still go to the turn', async () => {
    const w = await openWatched(browser, samples.url, { javaScriptEnabled: false });
    const { page } = w;
    expect(await page.locator('#controls').isVisible()).toBe(false);
    expect(await page.locator('#s1-root1').isVisible()).toBe(true);
    expect(await page.locator('#s1-t3 details.io pre').first().innerText()).toBe("Honestly I'd rather just return it and get my money back. What's your refund policy?");
    await page.locator('nav.strip a[href="#s1-t3"]').click();
    expect(new URL(page.url()).hash).toBe('#s1-t3');
    expect(await page.locator('#s1-t3:target').count()).toBe(1);
    expect(w.consoleErrors).toEqual([]);
    expect(w.requests).toEqual([samples.url]);
    await w.close();
  });
});

describe('a report of hostile traces in Chromium', () => {
  const H = {
    script: '<script>window.__pwned=1</script>',
    textarea: '</textarea><img src=x onerror="window.__pwned=2">',
    attribute: '" onmouseover="window.__pwned=3" x="',
    style: '</style><script>window.__pwned=4</script>',
    svg: '<svg onload=window.__pwned=5>',
    javascript: 'javascript:window.__pwned=6',
  };
  const session = `sess-${H.script}${H.attribute}`;

  it('runs nothing a trace says, and shows every hostile string as the text it is', async () => {
    const traces = conversation(session, [
      { user: `${H.script} ${H.textarea}`, answer: `${H.attribute} ${H.javascript}`, assessments: [{ name: 'correctness', value: true, rationale: H.style }] },
      {
        user: H.svg,
        answer: `Yes: 60 days. ${H.textarea}`,
        toolError: { name: `lookup ${H.svg}`, type: `Err${H.attribute}`, message: `${H.script} ${H.javascript}` },
        assessments: [{ name: 'correctness', value: false, rationale: `${H.textarea} ${H.svg}` }],
        spans: [{ name: `span ${H.style}`, type: 'TOOL', start: 10, end: 20 }],
      },
      { user: `So 60 days? ${H.attribute}`, answer: `Yes: 60 days. ${H.style}`, assessments: [{ name: 'correctness', value: false, rationale: H.javascript }] },
    ]);
    const loose = makeTrace({
      key: 'loose',
      session: null,
      spans: [{ name: H.svg, type: 'AGENT', status: 'ERROR', exception: { type: H.script, message: H.textarea } }],
      assessments: [{ name: `judge ${H.attribute}`, error: { code: H.style, message: H.javascript } }],
    });
    const input = ws.write('hostile.jsonl', [...traces, loose].map((t) => JSON.stringify(t)).join('\n') + '\n');
    const { url } = await renderReport([input], 'hostile.html');
    const w = await openWatched(browser, url);
    const { page } = w;

    await page.getByRole('button', { name: 'Expand all' }).click();
    // Every element gets the events an injected handler would wait for, and the mouse passes
    // over every link, control, summary and waterfall row.
    await page.evaluate(`for (const el of document.querySelectorAll('body *')) {
      for (const type of ['mouseover', 'mouseenter', 'focus', 'focusin', 'load', 'error', 'animationstart']) el.dispatchEvent(new Event(type));
    }`);
    for (const el of await page.locator('a, button, summary, input, svg.wf g.row').all()) await el.hover({ force: true, timeout: 20_000 });
    for (const el of await page.locator('a, summary').all()) await el.click({ force: true, timeout: 20_000 });
    for (let i = 0; i < 40; i++) await page.keyboard.press('Tab');

    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('body img, body style, body iframe, body object, body embed, body [onload], body [onerror], body [onmouseover], body [style]').count()).toBe(0);
    const hrefs = (await page.evaluate(`[...document.querySelectorAll('[href], [src], [xlink\\\\:href]')].map((e) => e.getAttribute('href') ?? e.getAttribute('src'))`)) as string[];
    expect(hrefs.filter((h) => !/^#[a-z][a-z0-9-]*$/.test(h))).toEqual([]);

    await page.getByRole('button', { name: 'Expand all' }).click();
    const text = (await page.evaluate('document.body.textContent')) as string;
    expect(Object.values(H).filter((h) => !text.includes(h))).toEqual([]);
    expect(text).toContain(`Session ${session}`);
    expect(await page.locator('h2 code').first().innerText()).toBe(session);
    await expectQuiet(w, url);
    await w.close();
  }, 120_000);
});
