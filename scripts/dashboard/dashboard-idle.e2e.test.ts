import http from 'node:http';
import { type InProcessCloud, startInProcessCloud } from '../test-support/in-process-cloud';
import type { Snapshot } from './shared/model';
import { type Dashboard, startDashboard } from './server';

/**
 * The dashboard costs nothing while no page is open: each of its pictures
 * scans whole tables, which under load competed with the orders for DynamoDB
 * Local. A page that opens still gets the system as it is now. The whole
 * local cloud runs in this process on the test run's DynamoDB Local; the page
 * is a plain server-sent events client (the browser tests cover the page).
 */
describe('the dashboard with no page open', () => {
  let running: InProcessCloud;
  let dashboard: Dashboard;

  beforeAll(async () => {
    running = await startInProcessCloud('idle', { environment: { FAULT_INJECTION: '' } });
    dashboard = await startDashboard(running.cloud, { port: 0, debounceMs: 5 });
  }, 60_000);

  afterAll(async () => {
    await dashboard?.close();
    await running?.stop();
  });

  async function finishedOrder(): Promise<string> {
    const created = await fetch(`${running.cloud.apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'idle-customer', items: [{ productId: 'laptop', quantity: 1, price: 1 }] }),
    });
    expect(created.status).toBe(201);
    const { orderId } = (await created.json()) as { orderId: string };
    const deadline = Date.now() + 20_000;
    for (;;) {
      const order = (await (await fetch(`${running.cloud.apiUrl}/orders/${orderId}`)).json()) as { status: string };
      if (order.status === 'COMPLETED' || order.status === 'FAILED') return orderId;
      if (Date.now() > deadline) throw new Error(`order ${orderId} still ${order.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Opens the live updates as the page does and resolves with the first picture, and the request to close. */
  function firstPicture(): Promise<{ snapshot: Snapshot; close: () => void }> {
    return new Promise((resolve, reject) => {
      const request = http.get(`http://127.0.0.1:${dashboard.port}/api/events`, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          const end = text.indexOf('\n\n');
          if (end >= 0) resolve({ snapshot: JSON.parse(text.slice('data: '.length, end)) as Snapshot, close: () => request.destroy() });
        });
      });
      request.on('error', reject);
    });
  }

  it('takes no picture of the tables while nobody watches, and a page that opens sees the orders as they are now', async () => {
    const first = await finishedOrder();
    const second = await finishedOrder();
    expect(dashboard.snapshotsTaken).toBe(0);

    const { snapshot, close } = await firstPicture();
    close();
    const shown = new Map(snapshot.orders.map((order) => [order.orderId, order.status]));
    expect(shown.get(first)).toBe('COMPLETED'); // the laptop is in the seed stock
    expect(shown.get(second)).toBe('COMPLETED');
    expect(dashboard.snapshotsTaken).toBeGreaterThan(0);

    // The page closed: once what it had scheduled ran, more orders take no more pictures.
    await finishedOrder();
    const taken = dashboard.snapshotsTaken;
    await finishedOrder();
    expect(dashboard.snapshotsTaken).toBe(taken);
  }, 60_000);
});
