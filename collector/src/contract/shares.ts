// Share links (contract, types only): a read-only link to one trace, with an expiry, revocable. Timestamps are
// nanoseconds since the epoch as decimal strings, like the rest of the contract.
import type { TraceDetailResponse, TraceGraphResponse } from './traces.js';

/** POST /api/v1/traces/{traceId}/shares — both fields optional. */
export interface CreateShareRequest {
  /** Hours until the link stops working: > 0, at most 2160 (90 days); default 168 (7 days). */
  expiresInHours?: number;
  /** What the link is for (shown in the list), at most 500 characters. */
  note?: string;
}

/** The answer to creating a link: the only time its token is ever shown. */
export interface CreateShareResponse {
  id: string;
  /** The standalone UI's page of the link: `<public URL>/shared/<token>`. */
  url: string;
  token: string;
  expiresAt: string;
}

export type ShareStatus = 'active' | 'expired' | 'revoked';

/** A link as listed: never its token (only its SHA-256 is stored). */
export interface ShareLink {
  id: string;
  traceId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  note: string | null;
  status: ShareStatus;
}

/** GET /api/v1/traces/{traceId}/shares — newest first. */
export interface ShareListResponse {
  shares: ShareLink[];
}

/** GET /api/v1/shared/{token} — public: the token is the credential. */
export interface SharedTraceResponse {
  share: { traceId: string; expiresAt: string };
  /** The same shape as GET /traces/{traceId}. */
  trace: TraceDetailResponse;
  /** The trace's own graph (without linked traces: the link shows this one trace only). */
  graph: TraceGraphResponse;
}
