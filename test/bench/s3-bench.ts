import { Readable } from 'node:stream';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3ObjectsSystemConfig } from '../../connectors/config';
import { createConnector } from '../../connectors/registry';
import { createBucket } from '../../infra/local/demo-company';
import type { EmulatorProcess } from './emulator-process';
import { shippedSystem } from './systems';
import { fmtInt, fmtMB, fmtPct, fmtSeconds, mb, measure, memoryRows, print, table, timed, type Row } from './measure';

/**
 * Sections 1 and 2: the S3 JSON Lines connector over a large clickstream (most of it other people's events, a
 * handful the subject's). Locate must stream — the figure that matters is peak memory against data scanned, which
 * should stay a small constant whatever the size of the bucket. Erase reads everything once (census) and rewrites only
 * the objects that hold the subject's lines; the locate after it is the workflow's Confirm step and must find nothing.
 */
export interface ClickstreamShape {
  objects: number;
  linesPerObject: number;
}

export interface S3BenchResult {
  summary: Row[];
}

const BUCKET = 'bench-clickstream';
const PREFIX = 'events/';
const SUBJECT = 'bench.subject@example.com';
/** Objects holding the subject's lines, two lines each: a handful among a million. */
const SUBJECT_OBJECTS = [3, 17, 29, 41];
const PAGES = ['/', '/pricing', '/docs', '/blog', '/account', '/checkout', '/support'];
const ACTIONS = ['view', 'click', 'scroll', 'search', 'purchase'];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const LINES_PER_CHUNK = 1000;

interface Seeded {
  lines: number;
  bytes: number;
  subjectLines: number;
  /** bytes of the objects holding the subject's lines (the ones erase rewrites) */
  subjectObjectBytes: number;
}

function eventLine(object: number, i: number, email: string): string {
  const n = object * 1_000_003 + i * 7_919;
  const ts = new Date(Date.UTC(2026, 9, 1) + object * 86_400_000 + i * 4_000).toISOString();
  const event = {
    eventId: `evt_${String(object).padStart(4, '0')}_${String(i).padStart(6, '0')}`,
    ts,
    email,
    sessionId: `s_${(n % 0xffffff).toString(16).padStart(6, '0')}`,
    page: PAGES[n % PAGES.length],
    action: ACTIONS[n % ACTIONS.length],
    device: DEVICES[n % DEVICES.length],
  };
  return `${JSON.stringify(event)}\n`;
}

/** One object's body, generated chunk by chunk as it is uploaded (never a whole object in one string). */
async function* objectBody(
  object: number,
  lines: number,
  tally: Seeded,
  holdsSubject: boolean,
): AsyncGenerator<string> {
  const subjectAt = new Set(holdsSubject ? [Math.floor(lines / 4), Math.floor((3 * lines) / 4)] : []);
  for (let start = 0; start < lines; start += LINES_PER_CHUNK) {
    let chunk = '';
    for (let i = start; i < Math.min(lines, start + LINES_PER_CHUNK); i += 1) {
      const isSubject = subjectAt.has(i);
      chunk += eventLine(
        object,
        i,
        isSubject ? SUBJECT : `visitor${(object * 7_919 + i * 104_729) % 50_000}@example.com`,
      );
      if (isSubject) tally.subjectLines += 1;
    }
    const bytes = Buffer.byteLength(chunk);
    tally.bytes += bytes;
    if (holdsSubject) tally.subjectObjectBytes += bytes;
    yield chunk;
  }
  tally.lines += lines;
}

async function seed(emulators: EmulatorProcess, shape: ClickstreamShape): Promise<Seeded> {
  await createBucket(emulators.s3, BUCKET);
  const tally: Seeded = { lines: 0, bytes: 0, subjectLines: 0, subjectObjectBytes: 0 };
  const upload = (object: number) =>
    new Upload({
      client: emulators.s3,
      params: {
        Bucket: BUCKET,
        Key: `${PREFIX}${String(object).padStart(4, '0')}.jsonl`,
        Body: Readable.from(objectBody(object, shape.linesPerObject, tally, SUBJECT_OBJECTS.includes(object))),
        ContentType: 'application/x-ndjson',
      },
    }).done();
  const inFlight = 4;
  for (let first = 0; first < shape.objects; first += inFlight) {
    const batch = Array.from({ length: Math.min(inFlight, shape.objects - first) }, (_, i) => first + i);
    await Promise.all(batch.map(upload));
  }
  return tally;
}

async function countLocated(emulators: EmulatorProcess, system: S3ObjectsSystemConfig): Promise<number> {
  const connector = createConnector(system, {
    dynamodb: emulators.documents,
    s3: emulators.s3,
    anonymizationKey: 'bench',
  });
  let found = 0;
  for await (const record of connector.locate({ email: SUBJECT })) if (record.email === SUBJECT) found += 1;
  return found;
}

export async function benchS3Objects(emulators: EmulatorProcess, shape: ClickstreamShape): Promise<S3BenchResult> {
  const seeding = await timed(() => seed(emulators, shape));
  const data = seeding.result;
  print(
    `  seeded ${shape.objects} objects × ${fmtInt(shape.linesPerObject)} lines = ${fmtInt(data.lines)} lines, ${fmtMB(data.bytes)} in ${fmtSeconds(seeding.ms / 1000)} (${data.subjectLines} lines are the subject's)`,
  );
  const system = shippedSystem('clickstream', 's3-objects', { bucket: BUCKET, prefix: PREFIX });

  const locate = await measure(() => countLocated(emulators, system));
  print(
    table(
      '1. Locate — S3 JSON Lines connector, streaming every object under the prefix',
      ['metric', 'value', 'ratio'],
      [
        ['data scanned', fmtMB(data.bytes), `${fmtInt(data.lines)} lines in ${shape.objects} objects`],
        ['subject lines found', String(locate.result), `expected ${data.subjectLines}`],
        ['time', fmtSeconds(locate.seconds), 'sampler GCs left out'],
        [
          'throughput',
          `${fmtInt(data.lines / locate.seconds)} lines/s`,
          `${(mb(data.bytes) / locate.seconds).toFixed(1)} MB/s`,
        ],
        ...memoryRows(locate, data.bytes, 'data scanned'),
      ],
    ),
  );
  if (locate.result !== data.subjectLines)
    throw new Error(`locate found ${locate.result} lines, expected ${data.subjectLines}`);

  const connector = createConnector(system, {
    dynamodb: emulators.documents,
    s3: emulators.s3,
    anonymizationKey: 'bench',
  });
  const erase = await measure(() => connector.erase({ email: SUBJECT }));
  const read = data.bytes + data.subjectObjectBytes;
  const rewritten = SUBJECT_OBJECTS.filter((o) => o < shape.objects).length;
  const linesRead = data.lines + rewritten * shape.linesPerObject;
  const confirm = await measure(() => countLocated(emulators, system));
  print(
    table(
      '2. Erase — census of every object, then a streamed rewrite of the objects holding the subject',
      ['metric', 'value', 'ratio'],
      [
        ['lines deleted', String(erase.result.deleted), `expected ${data.subjectLines}`],
        [
          'objects rewritten',
          String(rewritten),
          `${fmtMB(data.subjectObjectBytes)} (${fmtPct(data.subjectObjectBytes / data.bytes)} of the data)`,
        ],
        ['data read (census + rewrite)', fmtMB(read), `${fmtInt(data.lines)} lines censused`],
        ['time', fmtSeconds(erase.seconds), 'sampler GCs left out'],
        [
          'throughput',
          `${(mb(read) / erase.seconds).toFixed(1)} MB/s read`,
          `${fmtInt(linesRead / erase.seconds)} lines/s`,
        ],
        ...memoryRows(erase, read, 'data read'),
        [
          'confirm (locate after erase)',
          `${confirm.result} found`,
          `${fmtSeconds(confirm.seconds)}, ${(mb(data.bytes) / confirm.seconds).toFixed(1)} MB/s`,
        ],
      ],
    ),
  );
  if (erase.result.deleted !== data.subjectLines || confirm.result !== 0)
    throw new Error('erase left subject lines behind');

  return {
    summary: [
      [
        'S3 locate throughput',
        `${(mb(data.bytes) / locate.seconds).toFixed(1)} MB/s`,
        `${fmtInt(data.lines / locate.seconds)} lines/s`,
      ],
      [
        'S3 locate peak live heap / data scanned',
        fmtPct(locate.memory.liveHeap / data.bytes),
        `${fmtMB(locate.memory.liveHeap)} for ${fmtMB(data.bytes)}`,
      ],
      [
        'S3 erase throughput (read)',
        `${(mb(read) / erase.seconds).toFixed(1)} MB/s`,
        `${fmtSeconds(erase.seconds)} for ${fmtMB(read)}`,
      ],
      [
        'S3 erase peak live heap / data read',
        fmtPct(erase.memory.liveHeap / read),
        `${fmtMB(erase.memory.liveHeap)} for ${fmtMB(read)}`,
      ],
    ],
  };
}
