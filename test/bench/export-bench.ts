import { randomUUID } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { AssembleExport } from '../../functions/assemble-export/assemble-export';
import { S3DocumentStore } from '../../functions/core/adapters/s3-document-store';
import { createBucket } from '../../infra/local/demo-company';
import { MemoryRequests, aRequest } from '../support/fakes';
import type { EmulatorProcess } from './emulator-process';
import { shippedSystems } from './systems';
import { fmtInt, fmtMB, fmtPct, fmtSeconds, mb, measure, print, table, type Measured, type Row } from './measure';

/**
 * Section 4: assembling one export from a very large per-system part (a subject with 200k clickstream events).
 * The use case streams the part from S3 into a multipart upload of the document, so its memory should be bounded by
 * the upload's buffers, not by the size of the document: printed are peak memory / document size, and how the peaks
 * move when the document grows fourfold.
 */
const BUCKET = 'bench-documents';
const SUBJECT = 'heavy.user@example.com';
const LINES_PER_CHUNK = 1000;

async function* partBody(records: number, tally: { bytes: number }): AsyncGenerator<string> {
  for (let start = 0; start < records; start += LINES_PER_CHUNK) {
    let chunk = '';
    for (let i = start; i < Math.min(records, start + LINES_PER_CHUNK); i += 1) {
      chunk += `${JSON.stringify({
        eventId: `evt_${String(i).padStart(7, '0')}`,
        ts: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        email: SUBJECT,
        sessionId: `s_${(i * 7_919).toString(16)}`,
        page: `/docs/section-${i % 97}/page-${i % 13}`,
        action: i % 3 === 0 ? 'click' : 'view',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
        ip: `10.${i % 256}.${(i >> 8) % 256}.${(i >> 16) % 256}`,
      })}\n`;
    }
    tally.bytes += Buffer.byteLength(chunk);
    yield chunk;
  }
}

interface Assembly {
  records: number;
  partBytes: number;
  documentBytes: number;
  run: Measured<{ complete: boolean }>;
}

async function assembleOnce(emulators: EmulatorProcess, store: S3DocumentStore, records: number): Promise<Assembly> {
  const requestId = randomUUID();
  const partKey = `parts/${requestId}/clickstream.jsonl`;
  const part = { bytes: 0 };
  await store.write(partKey, partBody(records, part), 'application/x-ndjson');

  const requests = new MemoryRequests();
  await requests.create(
    aRequest({ requestId, status: 'locating', verified: { email: SUBJECT }, subject: { email: SUBJECT } }),
  );
  const assemble = new AssembleExport(requests, store, shippedSystems());
  const outcomes = [
    { systemId: 'clickstream', status: 'found' as const, recordCount: records, partKey },
    { systemId: 'customers', status: 'not_found' as const, recordCount: 0 },
  ];
  const run = await measure(() => assemble.execute(requestId, outcomes));
  const head = await emulators.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: run.result.documentKey }));
  const documentBytes = head.ContentLength ?? 0;
  if (documentBytes < part.bytes)
    throw new Error(`the export (${documentBytes} bytes) is smaller than its part (${part.bytes} bytes)`);
  return { records, partBytes: part.bytes, documentBytes, run };
}

/**
 * Runs at `records` and at twice as many: if memory is flat, the peaks stay put while the document doubles.
 */
export async function benchExportAssembly(emulators: EmulatorProcess, records: number): Promise<{ summary: Row[] }> {
  await createBucket(emulators.s3, BUCKET);
  const store = new S3DocumentStore(emulators.s3, BUCKET);
  const small = await assembleOnce(emulators, store, records);
  const large = await assembleOnce(emulators, store, records * 2);

  const both = (label: string, value: (a: Assembly) => string, ratio: string): Row => [
    label,
    value(small),
    value(large),
    ratio,
  ];
  const growth = (n: (a: Assembly) => number) => `${(n(large) / Math.max(n(small), 1)).toFixed(1)}×`;
  const memory = (label: string, bytes: (a: Assembly) => number) =>
    both(label, (a) => `${fmtMB(bytes(a))} (${fmtPct(bytes(a) / a.documentBytes)})`, growth(bytes));
  print(
    table(
      `4. Assemble export — one system's records streamed from a JSON Lines part into one JSON document`,
      ['metric', 'size', 'twice the size', 'growth'],
      [
        both(
          'records',
          (a) => fmtInt(a.records),
          growth((a) => a.records),
        ),
        both(
          'part read (JSON Lines)',
          (a) => fmtMB(a.partBytes),
          growth((a) => a.partBytes),
        ),
        both(
          'document written (JSON)',
          (a) => `${fmtMB(a.documentBytes)}${a.run.result.complete ? '' : ' (incomplete!)'}`,
          growth((a) => a.documentBytes),
        ),
        both(
          'time',
          (a) => fmtSeconds(a.run.seconds),
          growth((a) => a.run.seconds),
        ),
        both('throughput', (a) => `${(mb(a.documentBytes) / a.run.seconds).toFixed(1)} MB/s`, ''),
        both('records/s', (a) => fmtInt(a.records / a.run.seconds), ''),
        memory('peak live heap growth (% of document)', (a) => a.run.memory.liveHeap),
        memory('peak live Buffers growth (% of document)', (a) => a.run.memory.liveExternal),
        memory('peak heap growth incl. garbage', (a) => a.run.memory.heap),
        both('peak RSS of the process', (a) => fmtMB(a.run.memory.rss), 'absolute'),
        both('forced GCs of the sampler (left out of time)', (a) => fmtPct(a.run.gcShare), 'of wall time'),
      ],
    ),
  );
  print(
    '  (flat memory: the peaks grow ≈1× while the data doubles. Buffers: lib-storage uploads in 5 MiB parts, up to 4 at once)',
  );
  return {
    summary: [
      [
        'Export assembly throughput',
        `${(mb(small.documentBytes) / small.run.seconds).toFixed(1)} MB/s`,
        `${fmtMB(small.documentBytes)} in ${fmtSeconds(small.run.seconds)}`,
      ],
      [
        'Export assembly peak live heap / document',
        fmtPct(small.run.memory.liveHeap / small.documentBytes),
        `${fmtMB(small.run.memory.liveHeap)} for ${fmtMB(small.documentBytes)}`,
      ],
      [
        'Export assembly peak live Buffers / document',
        fmtPct(small.run.memory.liveExternal / small.documentBytes),
        `${fmtMB(small.run.memory.liveExternal)}; ${fmtMB(large.run.memory.liveExternal)} at 2× the data`,
      ],
    ],
  };
}
