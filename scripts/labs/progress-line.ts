/**
 * The one line check:lab shows while it waits: what it is checking, how many
 * requirements have finished (and failed) and the seconds so far, redrawn in
 * place on a terminal and erased before the report. Not a terminal (CI, a
 * pipe, a test): nothing at all, so the report stays plain.
 */
const PROGRESS_GLOBAL = '__sdpLabTestProgress__'; // the name project-results-reporter.js calls
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressLine {
  stop(): void;
}

export function startProgressLine(what: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  const store = globalThis as unknown as Record<string, ((status: string) => void) | undefined>;
  if (!stream.isTTY) return { stop() {} };
  const started = Date.now();
  let finished = 0;
  let failed = 0;
  let frame = 0;
  const draw = () => {
    const seconds = Math.floor((Date.now() - started) / 1000);
    const counts = finished === 0 ? 'starting' : `${finished} requirement${finished === 1 ? '' : 's'} checked${failed > 0 ? `, ${failed} not met yet` : ''}`;
    stream.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${what}: ${counts}… ${seconds}s`);
  };
  store[PROGRESS_GLOBAL] = (status) => {
    finished++;
    if (status === 'failed') failed++;
    draw();
  };
  draw();
  const timer = setInterval(draw, 120);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      delete store[PROGRESS_GLOBAL];
      stream.write('\r\u001b[2K');
    },
  };
}
