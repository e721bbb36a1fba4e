import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Bytes of V8 heap in use after full garbage collections, for tests that bound what a structure keeps
 * per entry. `--expose-gc` is turned on at run time, so mocha needs no flag.
 */
export function heapUsedAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
