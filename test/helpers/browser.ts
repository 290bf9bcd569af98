import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`make chromium` installs it); playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine without a network: without the background
 * networking, component update and sync flags it keeps trying to reach Google's hosts, and each
 * refused connection is noise (or a stall) in a test; `--no-sandbox` because CI runs as root.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * One headless Chromium for a test file. Without `userDataDir`, playwright-core starts it on a
 * fresh temporary profile (`playwright_chromiumdev_profile-*`) and deletes it on close, so no
 * state carries over between runs.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 120_000 });
}

/** A page and what it did: console errors, uncaught errors, CSP violations, requests, dialogs. */
export interface WatchedPage {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  /** `securitypolicyviolation` events: `<directive> <blocked URI>`. */
  violations(): Promise<string[]>;
  requests: string[];
  dialogs: string[];
  close(): Promise<void>;
}

/**
 * Opens `url` in a new context of `browser`, recording everything a test asserts on. The CSP
 * listener is installed before the page's own script runs (an init script is not subject to
 * the page's policy), so a violation during parsing is caught too.
 */
export async function openWatched(browser: Browser, url: string, options: { javaScriptEnabled?: boolean } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  // Browser-side code as text: the tests are compiled without the DOM library.
  await page.addInitScript(`{
    const seen = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective + ' ' + e.blockedURI));
  }`);
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    consoleErrors,
    pageErrors,
    requests,
    dialogs,
    // With JavaScript off the listener cannot run either; the console still reports violations.
    violations: async () => (options.javaScriptEnabled === false ? [] : ((await page.evaluate('[...window.__cspViolations]')) as string[])),
    close: () => context.close(),
  };
}
