import {
  type GetObjectCommandOutput,
  ListObjectVersionsCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3ObjectsSystemConfig } from '../config';

/**
 * What a bucket holds under a prefix, and which of it the store will not let anyone change: listing (every version in
 * a bucket the configuration says is `versioned`, the current objects otherwise) and S3 Object Lock.
 */

/** One object to read: its key and, in a versioned bucket, one version of it. */
export interface ObjectRef {
  key: string;
  /** set when the system is `versioned`: every version is read, and erased by its id */
  versionId?: string;
  /** the current version (always true without versioning) */
  latest: boolean;
}

/** The connector's error edge, handed in so that listing errors are translated like every other call. */
type Call = <T>(operation: string, send: () => Promise<T>) => Promise<T>;
type Translated = <T>(operation: string, source: AsyncIterable<T>) => AsyncIterable<T>;

/** The objects under the prefix, page by page: every version of each in a versioned bucket, else the current ones. */
export async function* listObjects(
  client: S3Client,
  system: S3ObjectsSystemConfig,
  call: Call,
  translated: Translated,
): AsyncGenerator<ObjectRef> {
  const input = { Bucket: system.bucket, Prefix: system.prefix };
  if (system.versioned === true) {
    // the SDK has no paginator for ListObjectVersions: its markers are followed here
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (;;) {
      const page = await call('ListObjectVersions', () =>
        client.send(new ListObjectVersionsCommand({ ...input, ...markers })),
      );
      // delete markers hold no data: only versions are read
      for (const version of page.Versions ?? []) {
        if (version.Key === undefined) continue;
        yield { key: version.Key, versionId: version.VersionId ?? 'null', latest: version.IsLatest === true };
      }
      if (page.IsTruncated !== true) return;
      markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
  }
  const paginator = paginateListObjectsV2({ client: client }, input);
  for await (const page of translated('ListObjectsV2', paginator)) {
    for (const object of page.Contents ?? []) if (object.Key !== undefined) yield { key: object.Key, latest: true };
  }
}

/** What the receipt says of records kept because the store refuses to change them. */
export const OBJECT_LOCK_REASON =
  'kept under S3 Object Lock (a retention period not yet over, or a legal hold): they cannot be erased until the lock ends';

/** What a correction's or flag's answer says of the subject's lines in an object under Object Lock. */
export const OBJECT_LOCK_CHANGE_REASON =
  'kept under S3 Object Lock (a retention period not yet over, or a legal hold): they cannot be changed until the lock ends';

/**
 * What a correction's or flag's answer says of the subject's stale lines in earlier versions of an object (see the
 * connector's `updateSubject` for why they are kept).
 */
export const EARLIER_VERSION_REASON =
  'kept in earlier versions of a file in a versioned bucket: a version cannot be changed, and deleting it would delete other people’s history with it; the current version holds the new values';

/** Whether GetObject's answer says the version is locked now (legal hold on, or a retention date still ahead). */
export function isLocked(response: GetObjectCommandOutput, now: Date): boolean {
  if (response.ObjectLockLegalHoldStatus === 'ON') return true;
  const until = response.ObjectLockRetainUntilDate;
  return response.ObjectLockMode !== undefined && until !== undefined && until.getTime() > now.getTime();
}
