/**
 * Preloaded into every measured child (`node --import <this file> <script> ...`). When the
 * process exits it writes `__PEAK_RSS_KB=<n>` to stderr, where n is `process.resourceUsage()
 * .maxRSS`: the kernel's own high-water mark of resident memory for the whole process (getrusage
 * ru_maxrss, in KiB; all threads, so worker_threads included). Exact, not sampled: polling
 * /proc/<pid>/status from outside can miss a short peak and races the exit. Not counted: memory
 * of child processes the measured command might spawn itself, and a process killed by a signal
 * reports nothing (the harness then treats the run as crashed).
 */
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.on('exit', () => {
    try {
      const usage = process.resourceUsage();
      // CPU time too (user + system, µs, all threads): on a shared machine it moves less than wall time.
      writeSync(2, `\n__PEAK_RSS_KB=${usage.maxRSS}\n__CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`);
    } catch {
      // stderr closed: the harness will report the missing value
    }
  });
}
