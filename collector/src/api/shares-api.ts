// Share links: a read-only link to one trace, with an expiry, revocable.
//
// - POST /traces/{traceId}/shares (write) makes a token `bs_<tenant>_<secret>` (secret: 32 random bytes, base64url)
//   and stores only its SHA-256; the answer is the one time the token is shown.
// - GET /shared/{token} is public: the token is the credential. It names its tenant because a public route has no
//   caller tenant — only tenants that already have a database are looked at (a made-up tenant never creates one),
//   and the lookup itself is one primary-key read. Unknown, expired and revoked tokens get the very same 404, and
//   malformed ones get it without touching storage, so nothing can be learnt by probing.
// - The answer is the trace (as GET /traces/{id}) and its own graph — without linked traces, which the link does
//   not cover.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type {
  CreateShareResponse,
  SharedTraceResponse,
  ShareLink,
  ShareListResponse,
  ShareStatus,
} from '../contract/index.js';
import type { Logger } from '../logger.js';
import { TENANT_ID_PATTERN } from '../model.js';
import {
  hasControlCharacters,
  loadTraceView,
  type QueryContext,
  traceBounds,
  traceSummary,
} from '../storage/queries/index.js';
import {
  insertShareLink,
  listShareLinks,
  revokeShareLink,
  type ShareLinkRow,
  shareLinkByTokenHash,
} from '../storage/queries/shares.js';
import { buildTraceGraph } from './graph.js';
import { ApiError, apiErrorOf, badRequest, notFound } from './http.js';
import { API_PREFIX, type ApiModule } from './module.js';
import { array, componentRef, nanos, nullableString, number, object, schemaRef, string } from './openapi.js';
import { hexId, type JsonSchema, type ParamSpec } from './params.js';
import { defineRoute } from './router.js';

const HOUR_NS = 3_600n * 1_000_000_000n;
export const DEFAULT_EXPIRY_HOURS = 24 * 7;
export const MAX_EXPIRY_HOURS = 24 * 90;
const MAX_NOTE_LENGTH = 500;
const TOKEN_PREFIX = 'bs_';
/** 32 bytes in unpadded base64url. */
const SECRET_LENGTH = 43;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** The same answer for unknown, expired and revoked tokens (and never the token itself). */
const LINK_GONE = 'share link not found: it may have expired or been revoked';

/** A new token for `tenant`: `bs_<tenant>_<43 characters>`. */
export function generateShareToken(tenant: string): string {
  return `${TOKEN_PREFIX}${tenant}_${randomBytes(32).toString('base64url')}`;
}

/** The tenant a token names, or null when it is not a well-formed share token. */
export function shareTokenTenant(token: string): string | null {
  // The secret is fixed-length and may hold `_`, like the tenant: split from the end.
  const tenantEnd = token.length - SECRET_LENGTH - 1;
  if (!token.startsWith(TOKEN_PREFIX) || tenantEnd <= TOKEN_PREFIX.length || token[tenantEnd] !== '_')
    return null;
  const tenant = token.slice(TOKEN_PREFIX.length, tenantEnd);
  if (!TENANT_ID_PATTERN.test(tenant) || !SECRET_PATTERN.test(token.slice(tenantEnd + 1))) return null;
  return tenant;
}

export function hashShareToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface SharesApiOptions {
  /** BEACON_PUBLIC_URL (no trailing slash); unset = the origin the creating request was sent to. */
  publicUrl?: string;
  /** The storage of the tenant a token names, or null when that tenant has no database. */
  sharedStorageFor(tenant: string): Promise<QueryContext | null>;
  logger: Logger;
  /** BEACON_MAX_SPANS_PER_TRACE_VIEW: the shared trace holds at most this many spans, as GET /traces/{id}. */
  maxSpansPerTraceView: number;
}

/** The origin the request was sent to, from its Host header (and X-Forwarded-Proto behind a TLS proxy). */
function requestOrigin(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]!
    .trim();
  const proto = forwarded === 'https' || forwarded === 'http' ? forwarded : 'http';
  return /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? `${proto}://${host}` : 'http://localhost';
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

function statusOf(link: ShareLinkRow, now: bigint): ShareStatus {
  if (link.revokedAt !== null) return 'revoked';
  return BigInt(link.expiresAt) <= now ? 'expired' : 'active';
}

function toShareLink(link: ShareLinkRow, now = nowNs()): ShareLink {
  return { ...link, status: statusOf(link, now) };
}

/** The body of POST /shares, checked: 400 naming the field at fault. */
export function parseCreateShare(body: unknown): { expiresInHours: number; note: string | null } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('body: expected a JSON object');
  const { expiresInHours = DEFAULT_EXPIRY_HOURS, note, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw badRequest(`${unknown[0]}: unknown field (expected expiresInHours, note)`);
  if (
    typeof expiresInHours !== 'number' ||
    !Number.isFinite(expiresInHours) ||
    expiresInHours <= 0 ||
    expiresInHours > MAX_EXPIRY_HOURS
  ) {
    throw badRequest(
      `expiresInHours: expected a number of hours > 0 and at most ${MAX_EXPIRY_HOURS} (90 days)`,
    );
  }
  if (note !== undefined && note !== null && typeof note !== 'string')
    throw badRequest('note: expected a string');
  const text = typeof note === 'string' ? note.trim() : '';
  if (text.length > MAX_NOTE_LENGTH) throw badRequest(`note: longer than ${MAX_NOTE_LENGTH} characters`);
  if (hasControlCharacters(text)) throw badRequest('note: control characters are not allowed');
  return { expiresInHours, note: text === '' ? null : text };
}

/** Any string: a malformed token is answered like an unknown one (404), never with a 400 that tells them apart. */
const tokenParam: ParamSpec<string> = {
  description: 'The share token (bs_<tenant>_<secret>), as in the link.',
  schema: { type: 'string' },
  required: true,
  parse: (raw) => raw ?? '',
};
const traceIdParam = { traceId: hexId(16, 'Trace id: 32 hex characters.') };

export function createSharesApi(options: SharesApiOptions): ApiModule {
  const gone = () => notFound(LINK_GONE);

  async function sharedTrace(token: string): Promise<SharedTraceResponse> {
    const tenant = shareTokenTenant(token);
    if (!tenant) throw gone();
    const ctx = await options.sharedStorageFor(tenant);
    if (!ctx) throw gone();
    const link = await shareLinkByTokenHash(ctx, hashShareToken(token));
    if (!link || statusOf(link, nowNs()) !== 'active') throw gone();
    const [trace, bounds] = await Promise.all([
      traceSummary(ctx, link.traceId),
      traceBounds(ctx, link.traceId),
    ]);
    // The trace aged out (retention): the link shows nothing either.
    if (!trace || !bounds) throw gone();
    const { spans, truncated } = await loadTraceView(ctx, link.traceId, bounds, options.maxSpansPerTraceView);
    return {
      share: { traceId: link.traceId, expiresAt: link.expiresAt },
      trace: { trace, spans, truncated },
      graph: { ...buildTraceGraph({ traceId: link.traceId, spans }, []), truncated },
    };
  }

  const routes = [
    defineRoute({
      method: 'POST',
      path: `${API_PREFIX}/traces/{traceId}/shares`,
      pathParams: traceIdParam,
      doc: {
        operationId: 'createShare',
        summary: 'Create a read-only share link to a trace',
        description:
          `The link works without an API key until it expires (default ${DEFAULT_EXPIRY_HOURS} h, at most ` +
          `${MAX_EXPIRY_HOURS} h) or is revoked. The token is in this answer only: Beacon stores its SHA-256. ` +
          'url is BEACON_PUBLIC_URL (else the origin of this request) + /shared/<token>.',
        tags: ['shares'],
        requestBody: {
          description: 'Expiry and note, both optional.',
          schema: componentRef('CreateShareRequest').schema,
        },
        responses: {
          '201': {
            description: 'The new link.',
            content: { 'application/json': componentRef('CreateShareResponse') },
          },
        },
      },
      handler: async ({ req, path, body, storage, principal }) => {
        const request = parseCreateShare(await body());
        if (!(await traceBounds(storage, path.traceId))) throw notFound(`trace ${path.traceId} not found`);
        const token = generateShareToken(principal.tenant);
        // Whole nanoseconds: fractional hours (minutes, seconds) are allowed.
        const expiresAtNs = nowNs() + BigInt(Math.round(request.expiresInHours * Number(HOUR_NS)));
        const link = await insertShareLink(storage, {
          id: randomBytes(16).toString('hex'),
          traceId: path.traceId,
          note: request.note,
          tokenHash: hashShareToken(token),
          expiresAtNs,
        });
        const origin = options.publicUrl ?? requestOrigin(req);
        const response: CreateShareResponse = {
          id: link.id,
          url: `${origin}/shared/${token}`,
          token,
          expiresAt: link.expiresAt,
        };
        return { status: 201, json: response };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/traces/{traceId}/shares`,
      pathParams: traceIdParam,
      doc: {
        operationId: 'listShares',
        summary: "A trace's share links, newest first (never their tokens)",
        tags: ['shares'],
        responses: {
          '200': {
            description: 'The links, active, expired and revoked.',
            content: { 'application/json': componentRef('ShareListResponse') },
          },
        },
      },
      handler: async ({ path, storage }) => {
        if (!(await traceBounds(storage, path.traceId))) throw notFound(`trace ${path.traceId} not found`);
        const now = nowNs();
        const links = await listShareLinks(storage, path.traceId);
        const response: ShareListResponse = { shares: links.map((link) => toShareLink(link, now)) };
        return { json: response };
      },
    }),

    defineRoute({
      method: 'POST',
      path: `${API_PREFIX}/shares/{shareId}/revoke`,
      pathParams: {
        shareId: hexId(16, 'Share link id: 32 hex characters (id of createShare / listShares).'),
      },
      doc: {
        operationId: 'revokeShare',
        summary: 'Revoke a share link',
        description:
          'From now on its token gets 404, like an unknown one. Revoking a revoked link changes nothing. No body.',
        tags: ['shares'],
        responses: {
          '200': {
            description: 'The link, revoked.',
            content: { 'application/json': componentRef('ShareLink') },
          },
          '404': {
            description: 'No such share link.',
            content: { 'application/json': { schema: schemaRef('ApiErrorBody') } },
          },
        },
      },
      handler: async ({ path, storage }) => {
        const link = await revokeShareLink(storage, path.shareId);
        if (!link) throw notFound(`shareId: no share link ${path.shareId}`);
        return { json: toShareLink(link) };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${API_PREFIX}/shared/{token}`,
      access: 'public',
      pathParams: { token: tokenParam },
      doc: {
        operationId: 'getSharedTrace',
        summary: 'The trace a share link shows (no API key: the token is the credential)',
        description:
          'The trace as GET /traces/{traceId} answers it, and its graph without linked traces. Unknown, malformed, ' +
          'expired and revoked tokens all get the same 404. ' +
          `At most ${options.maxSpansPerTraceView} spans (BEACON_MAX_SPANS_PER_TRACE_VIEW), chosen as for ` +
          'GET /traces/{traceId}; trace.truncated and graph.truncated say how many were left out.',
        tags: ['shares'],
        responses: {
          '200': {
            description: 'The shared trace, read-only.',
            content: { 'application/json': componentRef('SharedTraceResponse') },
          },
          '404': {
            description: 'No active link with this token.',
            content: { 'application/json': { schema: schemaRef('ApiErrorBody') } },
          },
        },
      },
      handler: async ({ path }) => {
        try {
          return {
            json: await sharedTrace(path.token),
            // The page showing it must not hand the token on to sites it links to, nor be indexed.
            headers: { 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' },
          };
        } catch (err) {
          if (apiErrorOf(err)) throw err;
          // Logged here, without the path: the server's own error log would print the token.
          options.logger.error({ err }, 'shared trace lookup failed');
          throw new ApiError(500, 'internal', 'the request failed; see the collector log');
        }
      },
    }),
  ];
  return { routes, schemas: SHARE_SCHEMAS };
}

const shareStatus = { type: 'string', enum: ['active', 'expired', 'revoked'] };

export const SHARE_SCHEMAS: Record<string, JsonSchema> = {
  CreateShareRequest: object(
    {
      expiresInHours: {
        ...number,
        exclusiveMinimum: 0,
        maximum: MAX_EXPIRY_HOURS,
        default: DEFAULT_EXPIRY_HOURS,
        description: 'Hours until the link stops working (fractions allowed).',
      },
      note: { ...string, maxLength: MAX_NOTE_LENGTH, description: 'What the link is for.' },
    },
    ['expiresInHours', 'note'],
  ),
  CreateShareResponse: object({
    id: string,
    url: { ...string, description: '<public URL>/shared/<token>: the standalone UI page of the link.' },
    token: { ...string, description: 'bs_<tenant>_<secret>; shown only here.' },
    expiresAt: nanos,
  }),
  ShareLink: object({
    id: string,
    traceId: string,
    createdAt: nanos,
    expiresAt: nanos,
    revokedAt: { oneOf: [nanos, { type: 'null' }] },
    note: nullableString,
    status: shareStatus,
  }),
  ShareListResponse: object({ shares: array(schemaRef('ShareLink')) }),
  SharedTraceResponse: object({
    share: object({ traceId: string, expiresAt: nanos }),
    trace: schemaRef('TraceDetailResponse'),
    graph: schemaRef('TraceGraphResponse'),
  }),
};
