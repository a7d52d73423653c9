import { styleText } from 'node:util';

/** What the commands write to and read from: their output streams, and the twin they act on. */

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** colour the output (a terminal that shows it, NO_COLOR unset: the shim decides); plain text otherwise */
  colour?: boolean;
}

/** Where a local twin's endpoints and credentials are, as `npm run dev` writes them (see infra/local/running.ts). */
export interface LocalEndpoints {
  dynamodb: string;
  s3: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Postgres server name → URL (PGlite servers of the twin) */
  postgres?: Record<string, string>;
  /** local API name → its URL and this start's key (the twin's fakes of SaaS APIs) */
  apis?: Record<string, { url: string; key: string }>;
}

/** `text` in a terminal colour when the output takes colour (node:util styleText), unchanged otherwise. */
export function paint(io: Pick<Io, 'colour'>, format: 'red' | 'yellow' | 'green' | 'bold', text: string): string {
  // the shim decided whether the output takes colour: styleText is told not to second-guess it from the stream
  return io.colour ? styleText(format, text, { validateStream: false }) : text;
}
