import http from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import type { LocalCloud } from '../local-cloud/local-cloud';
import { type InProcessCloud, startInProcessCloud } from '../test-support/in-process-cloud';
import { tableNameOf } from '../local-cloud/serverless-config';
import { NO_CHROMIUM_MESSAGE, chromiumPath, launchChromium, staysOnMachine } from './browser';
import { type Dashboard, startDashboard } from './server';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core)
 * against the whole local cloud started in this process: the API, the outbox
 * stream and relay, and the real saga from serverless.yml, on the test run's
 * DynamoDB Local. Orders are placed through the API and through the page's
 * buttons; the assertions read what the page shows. One browser for the file.
 */
const hasChromium = chromiumPath() !== undefined;
const describeInBrowser = hasChromium ? describe : describe.skip;
if (!hasChromium) {
  // Only a machine without a browser skips these, and says why.
  console.warn(`Skipping the dashboard browser tests: ${NO_CHROMIUM_MESSAGE}`);
}

const WAIT = { timeout: 15_000 };

describeInBrowser(`the dashboard in a real browser${hasChromium ? '' : ` (skipped: ${NO_CHROMIUM_MESSAGE})`}`, () => {
  let cloud: LocalCloud;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  let running: InProcessCloud | undefined;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    running = await startInProcessCloud('dash', { environment: { FAULT_INJECTION: '' } });
    cloud = running.cloud;
    dashboard = await startDashboard(cloud, { port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(dashboard.url);
    await page.waitForSelector('.connection.live', WAIT);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await running?.stop();
  });

  async function createOrder(body: unknown, key?: string): Promise<{ statusCode: number; orderId: string }> {
    const response = await fetch(`${cloud.apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    });
    return { statusCode: response.status, orderId: ((await response.json()) as { orderId: string }).orderId };
  }

  /**
   * Places a demo order from the page (by clicking its button, or as `press` does) and returns
   * its id once the page has chosen it: the announcement is cleared first, so an earlier one
   * cannot be taken for this order's, and the earlier order is no longer the one selected.
   */
  async function placeFromPage(kind: string, label: string, press = () => page.click(`button[data-demo="${kind}"]`)): Promise<string> {
    await page.evaluate(() => {
      (document.getElementById('announce') as HTMLElement).textContent = '';
    });
    await press();
    await page.waitForSelector(`#announce:has-text("${label}: HTTP 201")`, WAIT);
    const prefix = /, order (\S{8})/.exec((await page.textContent('#announce')) ?? '')?.[1] as string;
    const selected = await page.waitForSelector(`.order.selected[data-order-id^="${prefix}"]`, WAIT);
    return (await selected.getAttribute('data-order-id')) as string;
  }

  const stateClasses = async (state: string) => ((await page.getAttribute(`#graph [data-state="${state}"]`, 'class')) ?? '').split(' ');

  it('loads in under a second', async () => {
    const timing = await page.evaluate(() => JSON.parse(JSON.stringify(performance.getEntriesByType('navigation')[0])) as PerformanceNavigationTiming);
    expect(timing.loadEventEnd).toBeGreaterThan(0);
    expect(timing.loadEventEnd).toBeLessThan(1000);
  });

  it('shows an order created through the API, with its saga graph reaching COMPLETED', async () => {
    const { statusCode, orderId } = await createOrder({ customerId: 'customer-1', items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }] });
    expect(statusCode).toBe(201);
    await page.click(`[data-order-id="${orderId}"]`, WAIT);
    await page.waitForSelector(`[data-order-id="${orderId}"][data-status="COMPLETED"]`, WAIT);
    await page.waitForSelector('[data-execution-status="SUCCEEDED"][data-verdict="completed"]', WAIT);
    for (const state of ['ReserveInventory', 'ProcessPayment', 'SendNotification', 'CompleteOrder', 'PublishOrderCompleted', 'OrderCompleted'])
      expect(await stateClasses(state)).toContain('visited');
    expect(await stateClasses('OrderCompleted')).toEqual(expect.arrayContaining(['end', 'end-completed']));
    expect(await stateClasses('BeginCompensation')).not.toContain('visited');
    expect(await page.textContent('#order-detail')).toMatch(/PENDING[\s\S]*INVENTORY_RESERVED[\s\S]*PAYMENT_PROCESSED[\s\S]*COMPLETED/);
    // Its outbox event was published by the relay, on its first attempt.
    await page.waitForSelector('#outbox tr:has-text("published")', WAIT);
  });

  it('shows a saga started again for a finished order as a replay that ended AlreadyFinished and did nothing', async () => {
    const finished = (await page.getAttribute('.order.selected', 'data-order-id')) as string;
    const [machine] = cloud.stateMachineArns;
    const original = cloud.stepFunctions.listExecutions(machine).items.find((execution) => JSON.parse(execution.input).orderId === finished);
    expect(original?.status).toBe('SUCCEEDED');
    // What the reconciler does when it finds no progress in time: a fresh run under a new name, for an order that has finished meanwhile.
    cloud.stepFunctions.startExecution({ stateMachineArn: machine, name: `${original?.name}-retry-1`, input: original?.input });
    const replay = `#executions [data-execution-name="${original?.name}-retry-1"][data-verdict="already-finished"]`;
    await page.waitForSelector(replay, WAIT);
    // The graph stays on the execution that did the order's work until the replay is chosen.
    expect(await stateClasses('ProcessPayment')).toContain('visited');
    await page.click(replay);
    await page.waitForSelector('[data-execution-status="SUCCEEDED"][data-verdict="already-finished"]', WAIT);
    expect(await stateClasses('ReserveInventory')).toEqual(expect.arrayContaining(['visited', 'caught']));
    expect(await stateClasses('AlreadyFinished')).toEqual(expect.arrayContaining(['visited', 'end', 'end-already-finished']));
    for (const state of ['ProcessPayment', 'BeginCompensation']) expect(await stateClasses(state)).not.toContain('visited');
    expect(await page.textContent('#history')).toContain('OrderAlreadyFinishedError');
    expect(await page.textContent('#history .verdict')).toContain('replay');
  });

  it('shows an out-of-stock order placed from the page failing, with its compensation states marked', async () => {
    const orderId = await placeFromPage('out-of-stock', 'Out of stock');
    await page.waitForSelector(`.order.selected[data-order-id="${orderId}"][data-status="FAILED"]`, WAIT);
    // A business failure: the compensations all ran, so the execution succeeded, with an outcome that says the order FAILED.
    await page.waitForSelector('[data-execution-status="SUCCEEDED"][data-verdict="business-failure"]', WAIT);
    expect(await page.textContent('#history .verdict')).toMatch(/business failure: order FAILED/);
    expect(await stateClasses('ReserveInventory')).toEqual(expect.arrayContaining(['visited', 'caught']));
    for (const state of ['BeginCompensation', 'RefundPayment', 'ReleaseInventory', 'MarkOrderFailed', 'PublishOrderFailed']) {
      expect(await stateClasses(state)).toEqual(expect.arrayContaining(['visited', 'succeeded']));
    }
    expect(await stateClasses('OrderFailed')).toEqual(expect.arrayContaining(['visited', 'end', 'end-business-failure']));
    for (const state of ['ProcessPayment', 'FlagNeedsAttention', 'NeedsAttention']) expect(await stateClasses(state)).not.toContain('visited');
    expect(await page.textContent('#history')).toContain('OutOfStock');
    expect(await page.$('.attention-banner')).toBeNull();
  });

  it('shows loudly, apart from a business failure, a saga whose compensation ran out of retries and needs a person', async () => {
    // Set as npm start's FAULT_INJECTION would be: every release fails, past the compensation's 6 retries.
    cloud.runtime.updateEnvironment({ FAULT_INJECTION: JSON.stringify({ releaseInventory: { firstAttempts: 100 } }) });
    try {
      await placeFromPage('out-of-stock', 'Out of stock');
      await page.waitForSelector('[data-execution-status="FAILED"][data-verdict="needs-attention"]', WAIT);
    } finally {
      cloud.runtime.updateEnvironment({ FAULT_INJECTION: '' });
    }
    await page.waitForSelector('#history .attention-banner[role="alert"]', WAIT);
    expect(await stateClasses('ReleaseInventory')).toEqual(expect.arrayContaining(['visited', 'caught', 'retried']));
    expect(await stateClasses('NeedsAttention')).toEqual(expect.arrayContaining(['visited', 'failed', 'end', 'end-needs-attention']));
    expect(await stateClasses('OrderFailed')).not.toContain('visited');
    // The order is flagged for a person, in the list and in its detail.
    await page.waitForSelector('.order.selected[data-status="COMPENSATING"][data-attention="true"]', WAIT);
    expect(await page.textContent('#order-detail .attention-banner')).toContain('needsAttention');
  });

  it('shows a repeated idempotency key being replayed, and the same key with another body refused', async () => {
    const orderId = await placeFromPage('in-stock', 'In stock');
    const key = /key (demo-[\w-]+)/.exec((await page.textContent('#announce')) ?? '')?.[1] as string;
    await page.click('button[data-demo="repeat"]');
    await page.waitForSelector(`#idempotency tr[data-key="${key}"][data-replays="1"]`, WAIT);
    await page.waitForSelector('#announce:has-text("idempotent replay")', WAIT);
    await page.click('button[data-demo="other-body"]');
    await page.waitForSelector(`#idempotency tr[data-key="${key}"] .tag:has-text("conflict")`, WAIT);
    await page.waitForSelector('#announce:has-text("HTTP 422")', WAIT);
    const row = `#idempotency tr[data-key="${key}"]`;
    expect(await page.textContent(`${row} .countdown`)).toMatch(/^(9|10) min/);
    // The key as the client sent it, once: Powertools' lock and the order's own claim are the one row, the claim naming the order.
    expect(await page.locator(row).count()).toBe(1);
    expect(await page.getAttribute(row, 'data-claim-order')).toBe(orderId);
    expect(await page.textContent(`${row} .claim`)).toContain(orderId.slice(0, 8));
    expect(await page.textContent(`${row} td:nth-child(2)`)).toContain('completed');
    expect(await page.textContent('#idempotency')).not.toContain('key not known');
    expect(await page.textContent('#idempotency')).not.toMatch(/order-key#|customer-123#/);
  });

  it('shows the retries of each step whose fault injection was switched on from the page', async () => {
    const steps = ['reserveInventory', 'processPayment', 'sendNotification'];
    for (const step of steps) {
      await page.check(`input[data-fault="${step}"]`);
      await page.waitForSelector(`#fault-plan:has-text("${step}")`, WAIT);
    }
    expect(JSON.parse(process.env.FAULT_INJECTION as string)).toEqual(Object.fromEntries(steps.map((step) => [step, { firstAttempts: 2 }])));
    try {
      const orderId = await placeFromPage('in-stock', 'In stock');
      await page.waitForSelector(`.order.selected[data-order-id="${orderId}"][data-status="COMPLETED"]`, WAIT);
      await page.waitForSelector('[data-execution-status="SUCCEEDED"][data-verdict="completed"]', WAIT);
      for (const state of ['ReserveInventory', 'ProcessPayment', 'SendNotification']) {
        await page.waitForSelector(`#graph [data-state="${state}"][data-retries="2"]`, WAIT);
        expect(await stateClasses(state)).toEqual(expect.arrayContaining(['retried', 'succeeded']));
      }
      expect(await page.textContent('#history')).toContain('TransientError');
    } finally {
      for (const step of steps) await page.uncheck(`input[data-fault="${step}"]`);
    }
    await page.waitForSelector('#fault-plan:has-text("off")', WAIT);
    expect(process.env.FAULT_INJECTION).toBe('');
  });

  it('pulses the state a running saga is in, and stops when it moves on', async () => {
    // The only way to keep a step in progress deterministically: hold its
    // invocation at the door (the real handler runs once released).
    const invoke = cloud.runtime.invoke;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    cloud.runtime.invoke = async function (this: typeof cloud.runtime, name: string, event: unknown) {
      if (name === 'sendNotification') await held;
      return invoke.call(this, name, event);
    };
    let orderId = '';
    try {
      orderId = await placeFromPage('in-stock', 'In stock');
      await page.waitForSelector('[data-execution-status="RUNNING"][data-verdict="running"]', WAIT);
      await page.waitForSelector('#graph [data-state="SendNotification"].current', WAIT);
      const box = '#graph [data-state="SendNotification"] rect.box';
      expect(await page.$eval(box, (element) => getComputedStyle(element).animationName)).toBe('pulse');
      expect(await page.locator('#graph .current').count()).toBe(1);
      expect(await stateClasses('ProcessPayment')).toEqual(expect.arrayContaining(['visited', 'succeeded']));
    } finally {
      release();
      cloud.runtime.invoke = invoke;
    }
    await page.waitForSelector(`.order.selected[data-order-id="${orderId}"][data-status="COMPLETED"]`, WAIT);
    await page.waitForSelector('[data-execution-status="SUCCEEDED"]', WAIT);
    expect(await page.locator('#graph .current').count()).toBe(0);
  });

  it('shows an outbox event the relay cannot handle, its relay attempts, and its record in the on-failure queue', async () => {
    // A poison event (no order in its payload) written straight to the outbox: the relay reports it failed every time.
    const eventId = `poison-${process.pid}`;
    const dynamodb = new DynamoDBClient({
      endpoint: cloud.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const item = { eventId, aggregateId: 'no-such-order', eventType: 'ORDER_CREATED', payload: {}, createdAt: new Date().toISOString() };
      await DynamoDBDocumentClient.from(dynamodb).send(new PutCommand({ TableName: tableNameOf(cloud.config, 'OutboxTable'), Item: item }));
    } finally {
      dynamodb.destroy();
    }
    await page.waitForSelector(`#outbox .failure:has-text("RetryAttemptsExhausted"):has-text("${eventId.slice(0, 8)}")`, WAIT);
    const row = `#outbox tr[data-event-id="${eventId}"]`;
    expect(await page.textContent(row)).toContain('not yet');
    // The first delivery and the 5 retries serverless.yml allows (maximumRetryAttempts: 5).
    expect(await page.textContent(`${row} td:nth-child(4)`)).toMatch(/^6\b/);
    // Alone in its batch it fails the whole batch (Powertools' FullBatchFailureError); with others, it is reported on its own.
    expect(await page.getAttribute(`${row} .tag.bad`, 'title')).toMatch(/FullBatchFailureError|batch item failure/);
  });

  it('can be driven from the keyboard: a demo button and an order row answer to Enter', async () => {
    const placed = await placeFromPage('in-stock', 'In stock', async () => {
      await page.focus('button[data-demo="in-stock"]');
      await page.keyboard.press('Enter');
    });
    // The new order is listed first before the row below it is picked, so the list does not shift under the test.
    await page.waitForSelector(`.orders li:first-child .order[data-order-id="${placed}"]`, WAIT);
    const orderId = (await page.getAttribute('.orders li:nth-child(2) .order', 'data-order-id')) as string;
    const second = page.locator(`.order[data-order-id="${orderId}"]`);
    await second.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.order.selected[data-order-id="${orderId}"][aria-pressed="true"]`, WAIT);
    // Redrawing the list every second keeps the focus where it was.
    await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.orderId === id, orderId, WAIT);
  });

  it('keeps its layout at 1280×720, in large type too', async () => {
    await page.click('#large-type');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth || document.documentElement.scrollHeight > window.innerHeight,
    );
    await page.click('#large-type');
    expect(overflow).toBe(false);
  });

  it('refuses control requests from other sites and DNS-rebinding hosts', async () => {
    const send = (headers: Record<string, string>, method = 'POST') =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port: dashboard.port,
            path: method === 'POST' ? '/api/faults' : '/api/snapshot',
            method,
            headers: { 'content-type': 'application/json', ...headers },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode as number);
          },
        );
        request.on('error', reject);
        request.end(method === 'POST' ? JSON.stringify({ step: 'processPayment', on: false }) : undefined);
      });
    const own = `127.0.0.1:${dashboard.port}`;
    const orderCount = async () => ((await (await fetch(`${dashboard.url}/api/snapshot`)).json()) as { orders: unknown[] }).orders.length;
    const ordersBefore = await orderCount();
    expect(await send({ host: own, origin: 'https://evil.example' })).toBe(403);
    expect(await send({ host: own })).toBe(403);
    expect(await send({ host: `evil.example:${dashboard.port}`, origin: `http://evil.example:${dashboard.port}` })).toBe(403);
    expect(await send({ host: `evil.example:${dashboard.port}` }, 'GET')).toBe(403);
    expect(await send({ host: own, origin: `http://${own}` })).toBe(200);
    // And from inside a page of another origin, the browser itself cannot get through.
    const foreign = await browser.newPage();
    // Served by the test itself: nothing leaves the machine.
    await foreign.route('http://evil.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<p>not the dashboard</p>' }));
    await foreign.goto('http://evil.example/');
    // A form-like request needs no CORS preflight; Chromium may block it (private network access), else the Origin check does.
    await foreign.evaluate(
      (url) =>
        fetch(`${url}/api/orders`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"kind":"in-stock"}' }).catch(
          () => undefined,
        ),
      dashboard.url,
    );
    await foreign.close();
    // The dashboard answers only after the API did, so an order placed would be in the table by now.
    expect(await orderCount()).toBe(ordersBefore);
  });

  it('logged no console error and made no request outside this machine', () => {
    expect(consoleErrors).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !staysOnMachine(url))).toEqual([]);
  });
});
