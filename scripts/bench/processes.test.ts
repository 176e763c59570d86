import { parentPidOf, rssKiBOf, treeRssKiB } from './processes';

describe('bench process-tree memory', () => {
  it('reads the parent pid even when the command name holds spaces and parentheses', () => {
    expect(parentPidOf('4242 (node) S 4200 4242 4242 0 -1 4194560')).toBe(4200);
    expect(parentPidOf('77 (my (odd) name) R 12 77 77 0')).toBe(12);
  });

  it('reads VmRSS in KiB, and none for a zombie', () => {
    expect(rssKiBOf('Name:\tjava\nVmPeak:\t 999 kB\nVmRSS:\t  204800 kB\nThreads: 40\n')).toBe(204800);
    expect(rssKiBOf('Name:\tdefunct\nState:\tZ (zombie)\n')).toBe(0);
  });

  it('adds up a process and all its descendants, and nothing else', () => {
    const entries = [
      { pid: 10, ppid: 1, rssKiB: 50 }, // npm
      { pid: 11, ppid: 10, rssKiB: 5 }, // sh
      { pid: 12, ppid: 11, rssKiB: 100 }, // node
      { pid: 13, ppid: 12, rssKiB: 300 }, // java
      { pid: 20, ppid: 1, rssKiB: 999 }, // someone else's
    ];
    expect(treeRssKiB(entries, 10)).toBe(455);
    expect(treeRssKiB(entries, 12)).toBe(400);
    expect(treeRssKiB(entries, 99)).toBe(0);
  });
});
