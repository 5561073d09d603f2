// Share links: append-only versions in beacon_share_links (migration 0010), the newest per link wins. Tokens never
// reach this module: callers pass the token's SHA-256.
import { nanosText, orNull, type QueryContext, select, table } from './context.js';
import { versionNow } from './tags.js';

export interface ShareLinkRow {
  id: string;
  traceId: string;
  note: string | null;
  /** Nanoseconds since the epoch, decimal strings. */
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

interface StoredRow {
  id: string;
  traceId: string;
  note: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  tokenHash: string;
}

const COLUMNS = `ShareId AS id, TraceId AS traceId, Note AS note, TokenHash AS tokenHash,
    ${nanosText('CreatedAt')} AS createdAt, ${nanosText('ExpiresAt')} AS expiresAt,
    if(isNull(RevokedAt), NULL, ${nanosText('assumeNotNull(RevokedAt)')}) AS revokedAt`;

const toLink = (row: StoredRow): ShareLinkRow => ({
  id: row.id,
  traceId: row.traceId,
  note: orNull(row.note),
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

async function insertVersion(ctx: QueryContext, link: ShareLinkRow & { tokenHash: string }): Promise<void> {
  await ctx.client.command({
    query: `INSERT INTO ${table(ctx, 'shareLinks')}
    (TokenHash, ShareId, TraceId, Note, CreatedAt, ExpiresAt, RevokedAt, UpdatedAt)
SELECT {tokenHash:String}, {id:String}, {traceId:String}, {note:String},
    fromUnixTimestamp64Nano({createdAt:Int64}), fromUnixTimestamp64Nano({expiresAt:Int64}),
    if({revoked:Bool}, fromUnixTimestamp64Nano({revokedAt:Int64}), NULL), fromUnixTimestamp64Nano({updatedAt:Int64})`,
    query_params: {
      tokenHash: link.tokenHash,
      id: link.id,
      traceId: link.traceId,
      note: link.note ?? '',
      createdAt: link.createdAt,
      expiresAt: link.expiresAt,
      revoked: link.revokedAt !== null,
      revokedAt: link.revokedAt ?? '0',
      updatedAt: versionNow().toString(),
    },
  });
}

export async function insertShareLink(
  ctx: QueryContext,
  link: { id: string; traceId: string; note: string | null; tokenHash: string; expiresAtNs: bigint },
): Promise<ShareLinkRow> {
  const row: ShareLinkRow & { tokenHash: string } = {
    id: link.id,
    traceId: link.traceId,
    note: link.note,
    tokenHash: link.tokenHash,
    createdAt: versionNow().toString(),
    expiresAt: link.expiresAtNs.toString(),
    revokedAt: null,
  };
  await insertVersion(ctx, row);
  return toLink({ ...row, note: row.note ?? '' });
}

/** The current version of the link whose token hashes to `tokenHash`: one primary-key lookup. */
export async function shareLinkByTokenHash(
  ctx: QueryContext,
  tokenHash: string,
): Promise<ShareLinkRow | null> {
  const [row] = await select<StoredRow>(
    ctx,
    `SELECT ${COLUMNS} FROM ${table(ctx, 'shareLinks')}
WHERE TokenHash = {tokenHash:String}
ORDER BY UpdatedAt DESC
LIMIT 1`,
    { tokenHash },
  );
  return row ? toLink(row) : null;
}

/** The current versions of a trace's links, newest link first. */
export async function listShareLinks(ctx: QueryContext, traceId: string): Promise<ShareLinkRow[]> {
  const rows = await select<StoredRow>(
    ctx,
    `SELECT ${COLUMNS} FROM ${table(ctx, 'shareLinks')}
WHERE TraceId = {traceId:String}
ORDER BY ShareId, UpdatedAt DESC
LIMIT 1 BY ShareId`,
    { traceId },
  );
  return rows.map(toLink).sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : -1));
}

/**
 * Revokes a link (a new version with RevokedAt): returns its current state, or null when the tenant has no such
 * link. Revoking twice keeps the first revocation time.
 */
export async function revokeShareLink(ctx: QueryContext, id: string): Promise<ShareLinkRow | null> {
  const [row] = await select<StoredRow>(
    ctx,
    `SELECT ${COLUMNS} FROM ${table(ctx, 'shareLinks')}
WHERE ShareId = {id:String}
ORDER BY UpdatedAt DESC
LIMIT 1`,
    { id },
  );
  if (!row) return null;
  if (row.revokedAt !== null) return toLink(row);
  const revoked = { ...toLink(row), tokenHash: row.tokenHash, revokedAt: versionNow().toString() };
  await insertVersion(ctx, revoked);
  return toLink({ ...revoked, note: revoked.note ?? '' });
}
