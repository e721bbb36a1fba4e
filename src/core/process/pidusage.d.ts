// pidusage ships no types; this is the part of its API the portable sampler uses.
declare module 'pidusage' {
  interface PidusageStat {
    /** Percent since the previous call for this pid, 100 = one core. */
    cpu: number;
    /** RSS, bytes. */
    memory: number;
    ppid: number;
    pid: number;
    /** User + system CPU time, ms. */
    ctime: number;
    /** ms since the process started. */
    elapsed: number;
    /** ms since the epoch. */
    timestamp: number;
  }
  function pidusage(pid: number): Promise<PidusageStat>;
  namespace pidusage {
    function clear(): void;
  }
  export = pidusage;
}
