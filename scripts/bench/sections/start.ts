import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCloud } from '../cloud';
import type { Section } from '../context';

/**
 * `npm start` from spawn to the API's first answer: in memory, with
 * --persist into an empty folder (tables created), and with --persist again
 * on that folder (tables already there), which is how a learner restarts.
 */
export const measureStart: Section = async (context, figures) => {
  for (let run = 1; run <= context.runs; run++) {
    context.progress(`npm start, run ${run}/${context.runs}`);
    const memory = await startCloud(context);
    await memory.stop();
    figures.add('ready, in memory', 's', memory.readySeconds);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-bench-persist-'));
    try {
      const first = await startCloud(context, { persistDir: dir });
      await first.stop();
      figures.add('ready, --persist (empty folder)', 's', first.readySeconds);
      const again = await startCloud(context, { persistDir: dir });
      await again.stop();
      figures.add('ready, --persist (data kept)', 's', again.readySeconds);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
};
