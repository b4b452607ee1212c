/** SHA-256 of the data files a run reads, streamed (never the whole file in memory at once). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { DataFile } from './dataset';

/** Size and SHA-256 (hex) of one file. */
export async function hashFile(path: string): Promise<DataFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { path, bytes, sha256: hash.digest('hex') };
}
