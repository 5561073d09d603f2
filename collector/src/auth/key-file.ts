// The API key file: JSON holding each key's hash, tenant and scopes, never a key itself. A file rather than a table so
// that keys can be created and revoked with the collector stopped or running, on the embedded engine (whose data
// directory one process owns) as on a server; replicas behind a load balancer share it as a mounted secret. Written
// atomically (temporary file + rename, mode 0600) so a running collector never reads half a file.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../model.js';
import { type ApiKeyRecord, SCOPES } from './api-keys.js';

const record = z.object({
  id: z.string().regex(/^[a-z0-9]{12}$/),
  name: z.string(),
  tenant: z.string().regex(TENANT_ID_PATTERN),
  scopes: z.array(z.enum(SCOPES)).min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  rateLimitPerSecond: z.number().int().positive().nullable(),
});

const keyFile = z.object({ version: z.literal(1), keys: z.array(record) });

export interface ApiKeyFile {
  version: 1;
  keys: ApiKeyRecord[];
}

export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

/** The keys in `file`; a missing file holds none. Throws KeyFileError naming the file when it is not a key file. */
export function readKeyFile(file: string): ApiKeyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: [] };
    throw new KeyFileError(`cannot read API key file ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyFileError(`API key file ${file} is not JSON`);
  }
  const parsed = keyFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeyFileError(
      `API key file ${file} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

export function writeKeyFile(file: string, content: ApiKeyFile): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
