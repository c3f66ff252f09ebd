// The README's picture of the demo inbox (docs/images/demo.png): a real notifyd in
// development mode, a few notifications, the page in headless Chromium.
//   NOTIFYD_BINARY=build/ci/server/notifyd node tests/interop/browser/screenshot.mjs [out.png]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startServer, mintToken, publish, api } from '../lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || path.resolve(here, '../../../docs/images/demo.png');
const node = await startServer(['--dev']);
const profile = mkdtempSync(path.join(tmpdir(), 'notifyd-shot-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_BINARY || '/usr/bin/chromium',
  headless: true,
  userDataDir: profile,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars'],
});
try {
  const titles = [
    ['DEPLOY', 'Deploy of web-app finished', 'Version 2.14.0 is live on production.'],
    ['COMMENT', 'Bob commented on "Q3 roadmap"', 'Looks good to me, one question on the timeline.'],
    ['INVOICE', 'Invoice #1042 is due in 3 days', 'Amount: 1,250.00 EUR'],
  ];
  for (const [type, title, body] of titles) {
    const r = await api(node, 'POST', '/api/v1/notifications', { orgId: 'demo', userIds: ['alice'], type, title, body });
    if (r.status !== 201) throw new Error(`publish: ${r.status}`);
  }
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 560, deviceScaleFactor: 1 });
  await page.goto(`${node.clientUrl}/demo?token=${mintToken('demo', 'alice')}`);
  await page.waitForFunction(() => document.body.dataset.state === 'open' && document.querySelectorAll('li').length === 3);
  // One read, and one more arriving live.
  await page.click('li:last-child button.read');
  await publish(node, 'demo', ['alice'], 'Welcome to notifyd');
  await page.waitForFunction(() => document.querySelectorAll('li').length === 4 && document.body.dataset.unread === '3');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await node.stop();
  rmSync(profile, { recursive: true, force: true });
}
