/**
 * History on disk: append-only segment files of checksummed records, so a reload or
 * a crash of the extension host keeps what was written.
 *
 * A segment is a file `NNNNNNNN.crmh` starting with an 8-byte magic, then records:
 *   u32 LE length of the body · u32 LE CRC-32 of the body · body (type byte + payload)
 * Record types: series definitions (id → name and labels, written in each segment
 * before the series' first block there, so a segment never depends on an older one
 * that retention deleted; deflated JSON, several in one record — names and labels
 * repeat their prefixes), a block of ticks (blockCodec), and an event (a restart, a
 * run's start with its commit — JSON). Files written before the block format 2 and
 * the deflated definitions (one plain record a series) are still read.
 *
 * Durability: ticks gather in a head block in memory and are written when it holds
 * `blockTicks` ticks; written records are fsync'd every `syncIntervalMs`. A crash
 * loses at most the head block and the unsynced records. Recovery reads each segment
 * up to the first record that is cut short or fails its checksum, truncates the torn
 * tail there and keeps everything before it.
 */
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Labels, Sample, SeriesMeta, seriesKey, seriesMeta } from '../model';
import { Block, BlockFormat, decodeBlock, encodeBlock } from './blockCodec';
import { ByteSource } from './byteStream';
import { TierAccumulator, TierBlock, decodeTierBlock, encodeTierBlock, tierBlockEnd } from './tierBlock';
import { PERSISTED_TIER_STEPS_MS, TierStore, TierWindow, bucketOf } from './tiers';

const MAGIC = Buffer.from('CRMHIST1', 'latin1');
const RECORD_HEADER = 8;
const SEGMENT_SUFFIX = '.crmh';
const INDEX_SUFFIX = '.idx';
/** Version of the sidecar summary; another version is ignored (the segment is read in full). */
const INDEX_VERSION = 2;
/**
 * Tier buckets gathered before a tier record is written: half an hour of the 1 min tier
 * (within the hour a restore reads raw anyway). A record carries each series' first
 * values whole (Gorilla): on the example server's series, a 4 h log takes 1.94 B a
 * sample with ten buckets a record, 1.91 with thirty. Only whole batches are written (not the
 * buckets pending when the log closes): the buckets after the newest written are
 * aggregated from the raw samples on disk by readers, and by the next session's writer,
 * which writes them with its first batch. So a crash loses none of them either.
 */
const TIER_BUCKETS_A_RECORD = 30;
/**
 * A log with no tier record (new, or written by a build before the tiers) has its
 * tiers aggregated from the raw samples of its newest segments up to this many bytes.
 */
const MAX_UNTIERED_TAIL_BYTES = 8 * 1024 * 1024;
/** A record larger than this is taken as a torn length field, not a record. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const enum RecordType {
  /** One series definition, plain (older files; read only). */
  Series = 1,
  /** A block in format 1 (older files; read only). */
  Block = 2,
  Event = 3,
  /** A block in format 2 (blockCodec). */
  BlockV2 = 4,
  /**
   * Several series definitions, deflated JSON [[id, name, labels, type?, unit?], …]:
   * the declared TYPE/UNIT too, so a restored counter is still summarised as one. A
   * definition repeated with the same id (its family's TYPE changed) replaces the older.
   */
  SeriesDefs = 5,
  /** Buckets of a tier (tierBlock.ts): the 10 s and 1 min aggregates of the ticks of the blocks before it. */
  Tiers = 6,
}

export interface HistoryOptions {
  /** Ticks gathered in memory before a block is written (and what a crash may lose). */
  readonly blockTicks?: number;
  /** A segment file is closed and a new one started past this size. */
  readonly segmentBytes?: number;
  /** Written records are fsync'd at most this long after being written. */
  readonly syncIntervalMs?: number;
  /** Segments whose newest sample is older than this are deleted. */
  readonly retentionMs?: number;
  /** Oldest segments are deleted while all of them together exceed this. */
  readonly maxBytes?: number;
  /**
   * Reads without changing a byte: no torn tail cut off, no retention, no writes.
   * For readers beside a live writer (the CLI's `history export` while VS Code records).
   */
  readonly readOnly?: boolean;
}

export const HISTORY_DEFAULTS = {
  blockTicks: 60,
  segmentBytes: 4 * 1024 * 1024,
  syncIntervalMs: 10_000,
  retentionMs: 7 * 24 * 3600_000,
  maxBytes: 256 * 1024 * 1024,
  readOnly: false,
} as const;

export interface SeriesHistory {
  readonly name: string;
  readonly labels: Labels;
  /** The TYPE/UNIT its source declared last, when it declared any. */
  readonly meta?: SeriesMeta;
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** A series' buckets of one tier, read from disk. */
export interface SeriesTierHistory {
  readonly name: string;
  readonly labels: Labels;
  readonly meta?: SeriesMeta;
  readonly buckets: TierWindow;
}

export interface HistoryEvent {
  readonly timeMs: number;
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** What opening found: segments read, and a torn tail cut off, in a sentence. */
export interface RecoveryReport {
  readonly segments: number;
  readonly blocks: number;
  readonly truncatedBytes: number;
  readonly problems: readonly string[];
  /** Segments read in full at open (no sidecar summary matched them: a crash, or older files). */
  readonly scannedSegments: number;
}

interface Segment {
  readonly file: string;
  bytes: number;
  minTimeMs: number;
  maxTimeMs: number;
  /** Ticks in its blocks (sizes a read's arrays once instead of growing them). */
  ticks: number;
  /** By tier step: where the newest bucket written in this segment ends (ms). */
  tierEnds: Record<number, number>;
  /** The segment's events, kept in memory (they are few): listing runs never rereads the files. */
  readonly events: HistoryEvent[];
}

interface SeriesDef {
  readonly id: number;
  readonly name: string;
  readonly labels: Labels;
  meta?: SeriesMeta;
}

export class HistoryLog {
  private readonly opts: Required<HistoryOptions>;
  private readonly segments: Segment[] = [];
  private readonly idOfKey = new Map<string, SeriesDef>();
  private readonly defs: SeriesDef[] = [];
  /** Ids defined in the current segment. */
  private definedHere = new Set<number>();
  private fd: number | undefined;
  private nextSeq = 1;
  private unsynced = false;
  private lastSyncMs = 0;
  private headTimes: number[] = [];
  private headColumns = new Map<number, number[]>();
  /** The tiers written to disk (PERSISTED_TIER_STEPS_MS), a step each: completed buckets are written after a block, a batch at a time. */
  private readonly tierAccumulators = PERSISTED_TIER_STEPS_MS.map((step) => new TierAccumulator(step, TIER_BUCKETS_A_RECORD));
  /** Whether the accumulators go on from the tiers on disk yet (done before the first block is written). */
  private tiersSeeded = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    options: HistoryOptions,
    private readonly now: () => number,
  ) {
    this.opts = { ...HISTORY_DEFAULTS, ...options };
  }

  /** Opens (creating) the history in `dir`, recovering what a crash left. */
  static open(dir: string, options: HistoryOptions = {}, now: () => number = Date.now): { log: HistoryLog; recovery: RecoveryReport } {
    if (!options.readOnly) {
      fs.mkdirSync(dir, { recursive: true });
    }
    const log = new HistoryLog(dir, options, now);
    const recovery = log.recover();
    if (!log.opts.readOnly) {
      log.applyRetention();
    }
    return { log, recovery };
  }

  get bytesOnDisk(): number {
    return this.segments.reduce((s, g) => s + g.bytes, 0);
  }

  /** The newest time written (a sample or an event), -Infinity when the history is empty. */
  get newestTimeMs(): number {
    const head = this.headTimes[this.headTimes.length - 1] ?? Number.NEGATIVE_INFINITY;
    return this.segments.reduce((m, g) => (g.bytes > MAGIC.length ? Math.max(m, g.maxTimeMs) : m), head);
  }

  /** Adds one tick's samples. Writes a block when the head holds `blockTicks` ticks. */
  append(timeMs: number, samples: readonly Sample[]): void {
    this.assertOpen();
    const t = Math.round(timeMs);
    const last = this.headTimes[this.headTimes.length - 1];
    if (last !== undefined && t <= last) {
      return; // Time went backwards or repeated: a block's times must increase.
    }
    const tick = this.headTimes.length;
    this.headTimes.push(t);
    for (const s of samples) {
      const def = this.defOf(s.name, s.labels, s.meta);
      let col = this.headColumns.get(def.id);
      if (!col) {
        col = new Array<number>(tick).fill(NaN);
        this.headColumns.set(def.id, col);
      }
      col.push(s.value);
    }
    for (const col of this.headColumns.values()) {
      if (col.length === tick) {
        col.push(NaN);
      }
    }
    if (this.headTimes.length >= this.opts.blockTicks) {
      this.flush();
    }
    this.maybeSync();
  }

  /** Records a restart, a run's start, a file save… shown as markers and used by run summaries. */
  appendEvent(event: HistoryEvent): void {
    this.assertOpen();
    const body = Buffer.from(JSON.stringify(event), 'utf8');
    this.writeRecord(RecordType.Event, body, event.timeMs);
    this.segments[this.segments.length - 1]!.events.push(event);
    this.maybeSync();
  }

  /** Writes the head block now (on dispose, or before a read that wants it on disk). */
  flush(): void {
    if (this.headTimes.length === 0) {
      return;
    }
    const block: Block = {
      times: Float64Array.from(this.headTimes),
      columns: new Map([...this.headColumns].map(([id, col]) => [id, Float64Array.from(col)])),
    };
    const first = this.headTimes[0]!;
    const lastTime = this.headTimes[this.headTimes.length - 1]!;
    this.seedTiers();
    this.headTimes = [];
    this.headColumns = new Map();
    this.writeWithDefs(RecordType.BlockV2, encodeBlock(block), block.columns.keys(), first, lastTime);
    this.segments[this.segments.length - 1]!.ticks += block.times.length;
    for (const acc of this.tierAccumulators) {
      this.writeTiers(acc.addBlock(block.times, block.columns), lastTime);
    }
  }

  private writeTiers(records: readonly TierBlock[], timeMs: number): void {
    for (const tiers of records) {
      // Times before 1970 have no bucket index on disk (tests only): their tiers stay in memory.
      if (tiers.firstBucket < 0) continue;
      this.writeWithDefs(RecordType.Tiers, encodeTierBlock(tiers), tiers.columns.keys(), timeMs, timeMs);
      const seg = this.segments[this.segments.length - 1]!;
      seg.tierEnds[tiers.stepMs] = Math.max(seg.tierEnds[tiers.stepMs] ?? Number.NEGATIVE_INFINITY, (tiers.firstBucket + tiers.buckets) * tiers.stepMs);
    }
  }

  /**
   * Where the tier of `stepMs` written on disk ends: the raw samples from there on (at
   * most a bucket short of a batch, and the open one) are aggregated by whoever reads
   * the tier. With no tier record, the newest MAX_UNTIERED_TAIL_BYTES of segments.
   */
  tierTailFromMs(stepMs: number): number {
    let end = Number.NEGATIVE_INFINITY;
    for (const g of this.segments) end = Math.max(end, g.tierEnds[stepMs] ?? Number.NEGATIVE_INFINITY);
    if (end > Number.NEGATIVE_INFINITY) return end;
    let bytes = 0;
    let from = Number.POSITIVE_INFINITY;
    for (let i = this.segments.length - 1; i >= 0 && bytes < MAX_UNTIERED_TAIL_BYTES; i--) {
      bytes += this.segments[i]!.bytes;
      from = Math.min(from, this.segments[i]!.minTimeMs);
    }
    return from === Number.POSITIVE_INFINITY ? from : bucketOf(from, stepMs) * stepMs;
  }

  /** Once, before this session's first block: the accumulators take up the buckets the disk's tiers lack. */
  private seedTiers(): void {
    if (this.tiersSeeded) return;
    this.tiersSeeded = true;
    const diskNewest = this.segments.reduce((m, g) => (g.bytes > MAGIC.length ? Math.max(m, g.maxTimeMs) : m), Number.NEGATIVE_INFINITY);
    if (diskNewest === Number.NEGATIVE_INFINITY) return;
    for (const acc of this.tierAccumulators) {
      const tail = this.scan({ fromMs: this.tierTailFromMs(acc.stepMs), toMs: Number.POSITIVE_INFINITY }, undefined, undefined, false).raw;
      acc.seed(
        [...tail.values()].map((h) => ({ id: this.defOf(h.name, h.labels, h.meta).id, times: h.times, values: h.values })),
        diskNewest,
      );
    }
  }

  /**
   * Writes a record that names series by id, with the definitions the segment it lands
   * in lacks just before it (in that same segment: a new segment is started first).
   */
  private writeWithDefs(type: RecordType, payload: Uint8Array, ids: Iterable<number>, firstMs: number, timeMs: number): void {
    this.ensureSegment(firstMs);
    const undefinedHere = [...ids].filter((id) => !this.definedHere.has(id)).map((id) => this.defs[id]!);
    if (undefinedHere.length > 0) {
      this.writeSeriesDefs(undefinedHere, firstMs);
    }
    this.writeRecord(type, payload, timeMs, false);
  }

  /** fsyncs what was written. */
  sync(): void {
    if (this.fd !== undefined && this.unsynced) {
      fs.fdatasyncSync(this.fd);
    }
    this.unsynced = false;
    this.lastSyncMs = this.now();
  }

  /** Every series' samples in [fromMs, toMs], disk and head block together. */
  read(fromMs: number, toMs: number, filter?: (name: string, labels: Labels) => boolean): Map<string, SeriesHistory> {
    return this.scan({ fromMs, toMs }, undefined, filter).raw;
  }

  /**
   * Every series' buckets of the tier of `stepMs` (one of STORED_TIER_STEPS_MS) that
   * start in [fromMs, toMs], from disk: the buckets written in tier records, then those
   * aggregated from the raw samples after them (the head block's too). A bucket written
   * in two parts (by a build that wrote its open bucket when it closed) is merged.
   */
  readTiers(stepMs: number, fromMs: number, toMs: number, filter?: (name: string, labels: Labels) => boolean): Map<string, SeriesTierHistory> {
    return this.scan(undefined, { fromMs, toMs }, filter).tiers.get(stepMs) ?? new Map();
  }

  /**
   * The restore's read, in one pass over the files: the samples of [fromMs, toMs] and
   * every tier's buckets from `tiersFromMs(step)` to toMs.
   */
  readWithTiers(fromMs: number, toMs: number, tiersFromMs: (stepMs: number) => number): { raw: Map<string, SeriesHistory>; tiers: Map<number, Map<string, SeriesTierHistory>> } {
    const tierFrom = Math.min(...PERSISTED_TIER_STEPS_MS.map(tiersFromMs));
    return this.scan({ fromMs, toMs }, { fromMs: tierFrom, toMs, fromOf: tiersFromMs }, undefined);
  }

  private scan(
    rawRange: { fromMs: number; toMs: number } | undefined,
    tierRange: { fromMs: number; toMs: number; fromOf?: (stepMs: number) => number } | undefined,
    filter: ((name: string, labels: Labels) => boolean) | undefined,
    withHead = true,
  ): { raw: Map<string, SeriesHistory>; tiers: Map<number, Map<string, SeriesTierHistory>> } {
    const fromMs = rawRange?.fromMs ?? Number.POSITIVE_INFINITY;
    const toMs = rawRange?.toMs ?? Number.NEGATIVE_INFINITY;
    const parts = new Map<string, SeriesBuilder>();
    const tiers = new TierCollector(tierRange, this.newestTimeMs, this.segments[0]?.minTimeMs ?? 0, (step) => this.tierTailFromMs(step));
    // The blocks read: those of the raw range, and those after the tiers written (the tiers' tail).
    const readFrom = Math.min(fromMs, tiers.tailFromMs);
    const readTo = Math.max(toMs, tiers.tailToMs);
    const inRaw = (g: Segment): boolean => (g.maxTimeMs >= fromMs && g.minTimeMs <= toMs) || (g.maxTimeMs >= tiers.tailFromMs && g.minTimeMs <= tiers.tailToMs);
    const inTiers = (g: Segment): boolean => tierRange !== undefined && g.maxTimeMs >= tierRange.fromMs && g.minTimeMs <= tierRange.toMs;
    // About this many samples a series: each segment's ticks in proportion to the part of
    // its time span the window covers (a segment of four hours gives the last hour a
    // quarter of its ticks). Arrays are allocated once at that size, and grow if short.
    const capacity = this.segments.filter(inRaw).reduce((n, g) => n + ticksWithin(g, fromMs, toMs), this.headTimes.length);
    const take = (def: SeriesDef, times: Float64Array, values: Float64Array): void => {
      tiers.addRaw(def, times, values);
      let lo = 0;
      let hi = times.length;
      while (lo < hi && times[lo]! < fromMs) {
        lo++;
      }
      while (hi > lo && times[hi - 1]! > toMs) {
        hi--;
      }
      if (lo >= hi) {
        return;
      }
      const key = seriesKey(def.name, def.labels);
      let p = parts.get(key);
      if (!p) {
        p = new SeriesBuilder(def, capacity);
        parts.set(key, p);
      } else if (def.meta) {
        p.meta = def.meta; // segments are read oldest first: the newest declaration wins
      }
      p.add(times, values, lo, hi);
    };
    for (const seg of this.segments) {
      const raw = inRaw(seg);
      if (!raw && !inTiers(seg)) continue;
      const local = new Map<number, SeriesDef>();
      let wanted: Set<number> | undefined;
      const wantedIds = (): Set<number> | undefined => {
        if (filter && !wanted) {
          wanted = new Set([...local.values()].filter((d) => filter(d.name, d.labels)).map((d) => d.id));
        }
        return wanted;
      };
      readSegment(seg.file, {
        series: (def) => {
          local.set(def.id, def);
          wanted = undefined;
        },
        block: raw
          ? (bytes, format) => {
              const block = decodeBlock(bytes, wantedIds(), readFrom, readTo, format);
              if (!block) {
                return;
              }
              for (const [id, values] of block.columns) {
                const def = local.get(id);
                if (def) {
                  take(def, block.times, values);
                }
              }
            }
          : undefined,
        tiers: tierRange ? (bytes) => tiers.add(bytes, local, wantedIds()) : undefined,
      });
    }
    if (withHead) {
      const headTimes = Float64Array.from(this.headTimes);
      for (const [id, col] of this.headColumns) {
        const def = this.defs[id]!;
        if (!filter || filter(def.name, def.labels)) {
          take(def, headTimes, Float64Array.from(col));
        }
      }
    }
    const out = new Map<string, SeriesHistory>();
    for (const [key, p] of parts) {
      out.set(key, p.build());
    }
    return { raw: out, tiers: tiers.build() };
  }

  /** Events in [fromMs, toMs], oldest first. */
  events(fromMs: number, toMs: number): HistoryEvent[] {
    const out: HistoryEvent[] = [];
    for (const seg of this.segments) {
      for (const e of seg.events) {
        if (e.timeMs >= fromMs && e.timeMs <= toMs) {
          out.push(e);
        }
      }
    }
    return out.sort((a, b) => a.timeMs - b.timeMs);
  }

  /** Writes the head block, syncs and closes the file. */
  dispose(): void {
    if (this.closed) {
      return;
    }
    // The tiers' pending buckets are not written: the next reader aggregates them from the raw samples.
    this.flush();
    if (this.fd !== undefined) {
      this.closeSegment();
    } else {
      this.sync();
    }
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new Error('the history log is closed');
    }
    if (this.opts.readOnly) {
      throw new Error('the history log was opened read-only');
    }
  }

  private defOf(name: string, labels: Labels, meta: SeriesMeta | undefined): SeriesDef {
    const key = seriesKey(name, labels);
    let def = this.idOfKey.get(key);
    if (!def) {
      def = meta ? { id: this.defs.length, name, labels, meta } : { id: this.defs.length, name, labels };
      this.defs.push(def);
      this.idOfKey.set(key, def);
    } else if (meta !== undefined && meta !== def.meta && (meta.type !== def.meta?.type || meta.unit !== def.meta?.unit)) {
      // The family's TYPE/UNIT changed (the last declared wins, as in the store):
      // defined again before the series' next block.
      def.meta = meta;
      this.definedHere.delete(def.id);
    }
    return def;
  }

  /** Syncs and closes the segment being written, then writes its summary beside it. */
  private closeSegment(): void {
    this.sync();
    fs.closeSync(this.fd!);
    this.fd = undefined;
    writeIndex(this.segments[this.segments.length - 1]!);
  }

  private writeSeriesDefs(defs: readonly SeriesDef[], timeMs: number): void {
    const json = JSON.stringify(defs.map((d) => (d.meta ? [d.id, d.name, d.labels, d.meta.type, d.meta.unit] : [d.id, d.name, d.labels])));
    this.writeRecord(RecordType.SeriesDefs, zlib.deflateRawSync(Buffer.from(json, 'utf8')), timeMs);
    for (const d of defs) {
      this.definedHere.add(d.id);
    }
  }

  private ensureSegment(timeMs: number): void {
    const current = this.segments[this.segments.length - 1];
    if (this.fd !== undefined && current && current.bytes < this.opts.segmentBytes) {
      return;
    }
    if (this.fd !== undefined) {
      this.closeSegment();
    }
    const file = path.join(this.dir, String(this.nextSeq++).padStart(8, '0') + SEGMENT_SUFFIX);
    this.fd = fs.openSync(file, 'w');
    fs.writeSync(this.fd, MAGIC);
    this.segments.push({ file, bytes: MAGIC.length, minTimeMs: timeMs, maxTimeMs: timeMs, ticks: 0, tierEnds: {}, events: [] });
    this.definedHere = new Set();
    this.unsynced = true;
    this.applyRetention();
  }

  private writeRecord(type: RecordType, payload: Uint8Array, timeMs: number, mayStartSegment = true): void {
    if (mayStartSegment || this.fd === undefined) {
      this.ensureSegment(timeMs);
    }
    const body = Buffer.allocUnsafe(1 + payload.length);
    body[0] = type;
    body.set(payload, 1);
    const header = Buffer.allocUnsafe(RECORD_HEADER);
    header.writeUInt32LE(body.length, 0);
    header.writeUInt32LE(zlib.crc32(body), 4);
    // One write per record, so a crash tears at most the record being written.
    fs.writeSync(this.fd!, Buffer.concat([header, body]));
    const seg = this.segments[this.segments.length - 1]!;
    seg.bytes += RECORD_HEADER + body.length;
    seg.minTimeMs = Math.min(seg.minTimeMs, timeMs);
    seg.maxTimeMs = Math.max(seg.maxTimeMs, timeMs);
    this.unsynced = true;
  }

  private maybeSync(): void {
    if (this.unsynced && this.now() - this.lastSyncMs >= this.opts.syncIntervalMs) {
      this.sync();
    }
  }

  private recover(): RecoveryReport {
    const names = fs.readdirSync(this.dir);
    const files = names.filter((f) => /^\d{8}\.crmh$/.test(f)).sort();
    const indexes = new Set(names.filter((f) => f.endsWith(INDEX_SUFFIX)));
    const problems: string[] = [];
    let truncated = 0;
    let blocks = 0;
    let scanned = 0;
    for (const name of files) {
      const file = path.join(this.dir, name);
      const indexName = name.slice(0, -SEGMENT_SUFFIX.length) + INDEX_SUFFIX;
      const summary = indexes.has(indexName) ? readIndex(path.join(this.dir, indexName), file) : undefined;
      if (summary) {
        this.segments.push(summary);
        this.nextSeq = Math.max(this.nextSeq, Number(name.slice(0, 8)) + 1);
        continue;
      }
      scanned++;
      const seg: Segment = { file, bytes: 0, minTimeMs: Infinity, maxTimeMs: -Infinity, ticks: 0, tierEnds: {}, events: [] };
      const result = readSegment(file, {
        // Ids are per segment: a new segment always defines the series it uses.
        series: () => undefined,
        block: (bytes, format) => {
          const b = decodeBlock(bytes, new Set(), -Infinity, Infinity, format)!;
          seg.ticks += b.times.length;
          if (b.times.length > 0) {
            seg.minTimeMs = Math.min(seg.minTimeMs, b.times[0]!);
            seg.maxTimeMs = Math.max(seg.maxTimeMs, b.times[b.times.length - 1]!);
          }
          blocks++;
        },
        tiers: (bytes) => {
          const { stepMs, endMs } = tierBlockEnd(bytes);
          seg.tierEnds[stepMs] = Math.max(seg.tierEnds[stepMs] ?? Number.NEGATIVE_INFINITY, endMs);
        },
        event: (e) => {
          seg.events.push(e);
          seg.minTimeMs = Math.min(seg.minTimeMs, e.timeMs);
          seg.maxTimeMs = Math.max(seg.maxTimeMs, e.timeMs);
        },
      });
      if (result.validBytes < result.fileBytes) {
        truncated += result.fileBytes - result.validBytes;
        const problem = result.problem ?? l10n.t('a torn record');
        const after = result.fileBytes - result.validBytes;
        problems.push(this.opts.readOnly
          ? l10n.t('{0}: {1} at byte {2}; the {3} bytes after it are not read (the file is left as it is).', name, problem, result.validBytes, after)
          : l10n.t('{0}: {1} at byte {2}; the {3} bytes after it were cut off.', name, problem, result.validBytes, after));
        if (result.validBytes < MAGIC.length) {
          if (!this.opts.readOnly) {
            fs.rmSync(file, { force: true });
            fs.rmSync(indexPath(file), { force: true });
          }
          continue;
        }
        if (!this.opts.readOnly) {
          fs.truncateSync(file, result.validBytes);
        }
      }
      seg.bytes = result.validBytes;
      if (!Number.isFinite(seg.minTimeMs)) {
        seg.minTimeMs = seg.maxTimeMs = 0;
      }
      this.segments.push(seg);
      this.nextSeq = Math.max(this.nextSeq, Number(name.slice(0, 8)) + 1);
      // Closed from now on (this session writes a new file): the next open reads its summary.
      if (!this.opts.readOnly) {
        writeIndex(seg);
      }
    }
    return { segments: this.segments.length, blocks, truncatedBytes: truncated, problems, scannedSegments: scanned };
  }

  private applyRetention(): void {
    const oldest = this.now() - this.opts.retentionMs;
    const current = this.fd !== undefined ? this.segments[this.segments.length - 1] : undefined;
    let total = this.bytesOnDisk;
    while (this.segments.length > 0) {
      const seg = this.segments[0]!;
      if (seg === current || (seg.maxTimeMs >= oldest && total <= this.opts.maxBytes)) {
        break;
      }
      fs.rmSync(seg.file, { force: true });
      fs.rmSync(indexPath(seg.file), { force: true });
      total -= seg.bytes;
      this.segments.shift();
    }
  }
}

/**
 * Collects the tier buckets of a read, a store per step sized for the range (clamped to
 * what the log holds) and a column per series, merging a bucket met twice; then
 * aggregates the raw samples after the tiers written (their tail) into the buckets after them.
 */
class TierCollector {
  private readonly bySeries = new Map<number, { store: TierStore; series: Map<string, { def: SeriesDef; col: number }> }>();
  /** The tail's samples, by series. */
  private readonly tail = new Map<string, SeriesBuilder>();
  /** Where each step's tail starts. */
  private readonly tailFrom = new Map<number, number>();
  /** The raw samples these times cover are the tiers' tail (empty when no tier is read). */
  readonly tailFromMs: number = Number.POSITIVE_INFINITY;
  readonly tailToMs: number = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly range: { fromMs: number; toMs: number; fromOf?: (stepMs: number) => number } | undefined,
    private readonly newestMs: number,
    private readonly oldestMs: number,
    tailFromOf: (stepMs: number) => number,
  ) {
    if (!range) return;
    for (const step of PERSISTED_TIER_STEPS_MS) {
      const from = Math.max(tailFromOf(step), this.bounds(step)[0] * step);
      this.tailFrom.set(step, from);
      this.tailFromMs = Math.min(this.tailFromMs, from);
    }
    this.tailToMs = range.toMs;
  }

  private bounds(stepMs: number): [number, number] {
    const r = this.range!;
    const from = Math.max(r.fromOf?.(stepMs) ?? r.fromMs, this.oldestMs);
    const to = Math.min(r.toMs, this.newestMs);
    return [bucketOf(from, stepMs), bucketOf(to, stepMs)];
  }

  /** The store of a step, sized from bucket `first` (the oldest met first) to the range's end, and the column of a series. */
  private columnOf(stepMs: number, key: string, def: SeriesDef, first: number): { store: TierStore; col: number } {
    let tier = this.bySeries.get(stepMs);
    if (!tier) {
      const [lo, hi] = this.bounds(stepMs);
      const capacity = Math.max(1, hi - lo + 1);
      tier = { store: new TierStore(stepMs, capacity, () => true, Math.max(1, Math.min(capacity, hi - Math.max(lo, first) + 1))), series: new Map() };
      this.bySeries.set(stepMs, tier);
    }
    let s = tier.series.get(key);
    if (!s) {
      s = { def, col: tier.store.addColumn()! };
      tier.series.set(key, s);
    } else if (def.meta) {
      s.def = def;
    }
    return { store: tier.store, col: s.col };
  }

  add(bytes: Uint8Array, defs: ReadonlyMap<number, SeriesDef>, wanted: ReadonlySet<number> | undefined): void {
    // A record outside the range is skipped on its first fields (a restore meets a week of them).
    const { stepMs, firstBucket, endMs } = tierBlockEnd(bytes);
    const [lo, hi] = this.bounds(stepMs);
    if (endMs <= lo * stepMs || firstBucket > hi) return;
    const b = decodeTierBlock(bytes, wanted);
    for (const [id, c] of b.columns) {
      const def = defs.get(id);
      if (!def) continue;
      const { store, col } = this.columnOf(b.stepMs, seriesKey(def.name, def.labels), def, b.firstBucket);
      for (let i = 0; i < b.buckets; i++) {
        const bucket = b.firstBucket + i;
        if (c.count[i]! > 0 && bucket >= lo && bucket <= hi) store.putBucket(col, bucket, c.min[i]!, c.max[i]!, c.sum[i]!, c.count[i]!, c.minFirst[i] === 1);
      }
    }
  }

  /** A series' raw samples (a block's, in time order): those in the tail are kept for `build`. */
  addRaw(def: SeriesDef, times: Float64Array, values: Float64Array): void {
    if (times.length === 0 || times[times.length - 1]! < this.tailFromMs || times[0]! > this.tailToMs) return;
    let lo = 0;
    let hi = times.length;
    while (lo < hi && times[lo]! < this.tailFromMs) lo++;
    while (hi > lo && times[hi - 1]! > this.tailToMs) hi--;
    const key = seriesKey(def.name, def.labels);
    let p = this.tail.get(key);
    if (!p) this.tail.set(key, (p = new SeriesBuilder(def, 64)));
    else if (def.meta) p.meta = def.meta;
    p.add(times, values, lo, hi);
  }

  build(): Map<number, Map<string, SeriesTierHistory>> {
    // The tail, a series at a time in time order (so each bucket's sum is the samples' sum in order).
    for (const [key, p] of this.tail) {
      const h = p.build();
      for (const [step, from] of this.tailFrom) {
        let i = 0;
        while (i < h.times.length && h.times[i]! < from) i++;
        if (i === h.times.length) continue;
        const def = h.meta ? { id: -1, name: h.name, labels: h.labels, meta: h.meta } : { id: -1, name: h.name, labels: h.labels };
        const { store, col } = this.columnOf(step, key, def, bucketOf(h.times[i]!, step));
        const [lo, hi] = this.bounds(step);
        store.reserve(hi - Math.max(lo, Math.min(store.oldestBucket === store.oldestBucket ? store.oldestBucket : Infinity, bucketOf(h.times[i]!, step))) + 1);
        store.addRun(col, h.times, h.values, i, h.times.length);
      }
    }
    const out = new Map<number, Map<string, SeriesTierHistory>>();
    for (const [step, { store, series }] of this.bySeries) {
      const m = new Map<string, SeriesTierHistory>();
      for (const [key, { def, col }] of series) {
        const buckets = store.window(col, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
        m.set(key, def.meta ? { name: def.name, labels: def.labels, meta: def.meta, buckets } : { name: def.name, labels: def.labels, buckets });
      }
      out.set(step, m);
    }
    return out;
  }
}

/**
 * Collects one series' samples (NaN = absent), copied out of each decoded block at
 * once (the block's arrays die young) into arrays sized for the whole read.
 */
class SeriesBuilder {
  private times: Float64Array;
  private values: Float64Array;
  private n = 0;
  meta: SeriesMeta | undefined;

  constructor(
    private readonly def: SeriesDef,
    capacity: number,
  ) {
    this.meta = def.meta;
    // A read of a long range for a short-lived series must not reserve the range's size.
    const initial = Math.max(64, Math.min(capacity, 1 << 16));
    this.times = new Float64Array(initial);
    this.values = new Float64Array(initial);
  }

  add(times: Float64Array, values: Float64Array, from: number, to: number): void {
    if (this.n + (to - from) > this.times.length) {
      let size = this.times.length * 2;
      while (size < this.n + (to - from)) {
        size *= 2;
      }
      const t = new Float64Array(size);
      const v = new Float64Array(size);
      t.set(this.times.subarray(0, this.n));
      v.set(this.values.subarray(0, this.n));
      this.times = t;
      this.values = v;
    }
    const ts = this.times;
    const vs = this.values;
    let n = this.n;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (v === v) {
        ts[n] = times[i]!;
        vs[n++] = v;
      }
    }
    this.n = n;
  }

  build(): SeriesHistory {
    // Views, not copies, unless most of the arrays would be wasted (a read's results are short-lived).
    const view = this.n * 2 >= this.times.length;
    const times = view ? this.times.subarray(0, this.n) : this.times.slice(0, this.n);
    const values = view ? this.values.subarray(0, this.n) : this.values.slice(0, this.n);
    return this.meta ? { name: this.def.name, labels: this.def.labels, meta: this.meta, times, values } : { name: this.def.name, labels: this.def.labels, times, values };
  }
}

interface SegmentVisitor {
  series?(def: SeriesDef): void;
  block?(bytes: Uint8Array, format: BlockFormat): void;
  tiers?(bytes: Uint8Array): void;
  event?(e: HistoryEvent): void;
}

/** Reads a segment's valid records; says where the valid part ends and why. */
function readSegment(file: string, visit: SegmentVisitor): { validBytes: number; fileBytes: number; problem?: string } {
  const buf = fs.readFileSync(file);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { validBytes: 0, fileBytes: buf.length, problem: l10n.t('not a history segment (bad magic)') };
  }
  let pos = MAGIC.length;
  while (pos < buf.length) {
    if (buf.length - pos < RECORD_HEADER) {
      return { validBytes: pos, fileBytes: buf.length, problem: l10n.t('a record header cut short') };
    }
    const len = buf.readUInt32LE(pos);
    const crc = buf.readUInt32LE(pos + 4);
    if (len === 0 || len > MAX_RECORD_BYTES || pos + RECORD_HEADER + len > buf.length) {
      return { validBytes: pos, fileBytes: buf.length, problem: l10n.t('a record cut short') };
    }
    const body = buf.subarray(pos + RECORD_HEADER, pos + RECORD_HEADER + len);
    if (zlib.crc32(body) !== crc) {
      return { validBytes: pos, fileBytes: buf.length, problem: l10n.t('a record whose checksum does not match') };
    }
    try {
      visitRecord(body, visit);
    } catch (e) {
      return { validBytes: pos, fileBytes: buf.length, problem: l10n.t('an unreadable record ({0})', e instanceof Error ? e.message : String(e)) };
    }
    pos += RECORD_HEADER + len;
  }
  return { validBytes: pos, fileBytes: buf.length };
}

function visitRecord(body: Uint8Array, visit: SegmentVisitor): void {
  const payload = body.subarray(1);
  switch (body[0]) {
    case RecordType.Series: {
      const src = new ByteSource(payload);
      const id = src.varint();
      const [name, labels] = JSON.parse(Buffer.from(src.bytesWithLength()).toString('utf8')) as [string, Labels];
      visit.series?.({ id, name, labels });
      break;
    }
    case RecordType.SeriesDefs: {
      const defs = JSON.parse(zlib.inflateRawSync(payload).toString('utf8')) as [number, string, Labels, string?, string?][];
      for (const [id, name, labels, type, unit] of defs) {
        visit.series?.(typeof type === 'string' ? { id, name, labels, meta: seriesMeta(type, typeof unit === 'string' ? unit : '') } : { id, name, labels });
      }
      break;
    }
    case RecordType.Block:
      visit.block?.(payload, 1);
      break;
    case RecordType.BlockV2:
      visit.block?.(payload, 2);
      break;
    case RecordType.Tiers:
      visit.tiers?.(payload);
      break;
    case RecordType.Event:
      visit.event?.(JSON.parse(Buffer.from(payload).toString('utf8')) as HistoryEvent);
      break;
    default:
      throw new Error(`unknown record type ${body[0]}`);
  }
}

/** A segment's ticks in [fromMs, toMs], estimated from its time span (ticks are about evenly spaced). */
function ticksWithin(g: Segment, fromMs: number, toMs: number): number {
  const span = g.maxTimeMs - g.minTimeMs;
  if (span <= 0) {
    return g.ticks;
  }
  const covered = Math.min(toMs, g.maxTimeMs) - Math.max(fromMs, g.minTimeMs);
  return Math.min(g.ticks, Math.ceil((g.ticks * Math.max(0, covered)) / span) + 1);
}

function indexPath(segmentFile: string): string {
  return segmentFile.slice(0, -SEGMENT_SUFFIX.length) + INDEX_SUFFIX;
}

/**
 * Writes a closed segment's summary (temporary file, then rename: a crash leaves the
 * old summary, none, or the new one, never half of one). A failure only costs the
 * next open a full read of the segment.
 */
function writeIndex(seg: Segment): void {
  const target = indexPath(seg.file);
  const tmp = `${target}.tmp`;
  try {
    const { file: _file, ...summary } = seg;
    fs.writeFileSync(tmp, JSON.stringify({ v: INDEX_VERSION, ...summary }));
    fs.renameSync(tmp, target);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/** A segment's summary, when its sidecar is readable and still describes the file as it is. */
function readIndex(indexFile: string, segmentFile: string): Segment | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as Partial<Omit<Segment, 'file'>> & { v?: number };
    const size = fs.statSync(segmentFile).size;
    if (
      j.v !== INDEX_VERSION ||
      j.bytes !== size ||
      typeof j.minTimeMs !== 'number' ||
      typeof j.maxTimeMs !== 'number' ||
      typeof j.ticks !== 'number' ||
      typeof j.tierEnds !== 'object' ||
      j.tierEnds === null ||
      !Array.isArray(j.events)
    ) {
      return undefined;
    }
    return { file: segmentFile, bytes: j.bytes, minTimeMs: j.minTimeMs, maxTimeMs: j.maxTimeMs, ticks: j.ticks, tierEnds: j.tierEnds, events: j.events };
  } catch {
    return undefined;
  }
}
