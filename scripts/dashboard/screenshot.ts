/**
 * `npm run docs:screenshot`: the dashboard picture in the README and
 * docs/local-cloud.md, taken from the real page. It starts the whole local
 * cloud (its own DynamoDB Local on a free port, nothing kept), places the
 * demo orders through the page's own buttons, waits for every saga to end,
 * and saves docs/images/dashboard.png at 1280×720.
 */
import '../local-cloud/quiet-sdk';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startLocalCloud } from '../local-cloud/local-cloud';
import { freePort } from '../local-cloud/ports';
import { launchChromium } from './browser';
import { startDashboard } from './server';

export const SCREENSHOT = path.join(REPO_ROOT, 'docs/images/dashboard.png');

async function main(): Promise<void> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'sdp-screenshot-'));
  const cloud = await startLocalCloud({
    apiPort: 0,
    sfnPort: 0,
    dynamodbPort: await freePort(),
    stateDir,
    stateMachineRetryWaitMs: 0,
    environment: { FAULT_INJECTION: '' },
  });
  try {
    const dashboard = await startDashboard(cloud, { port: 0 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(dashboard.url);
      await page.waitForSelector('.connection.live');
      const place = async (kind: string, label: string) => {
        await page.click(`button[data-demo="${kind}"]`);
        await page.waitForSelector(`#announce:has-text("${label}: HTTP")`);
      };
      await place('in-stock', 'In stock');
      await place('repeat', 'Repeat (same key)');
      await place('out-of-stock', 'Out of stock');
      await page.check('input[data-fault="processPayment"]');
      await page.waitForSelector('#fault-plan:has-text("processPayment")');
      await place('in-stock', 'In stock');
      await page.waitForSelector('.order.selected[data-status="COMPLETED"]');
      await place('over-limit', 'Over payment limit');
      // The picture: the declined payment's compensation, with the fault switch still on.
      await page.waitForSelector('.order.selected[data-status="FAILED"]');
      // A business failure: the compensations ran, the execution succeeded with outcome FAILED.
      await page.waitForSelector('[data-execution-status="SUCCEEDED"][data-verdict="business-failure"]');
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
      console.log(`Saved ${path.relative(process.cwd(), SCREENSHOT)}`);
    } finally {
      await browser.close();
      await dashboard.close();
    }
  } finally {
    await cloud.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`docs:screenshot: ${error.message}`);
  process.exit(1);
});
