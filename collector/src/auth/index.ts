// Ingest and query authentication: API keys (hashed in a key file), tenants, scopes, per-key rate limits.
export {
  ANONYMOUS,
  type ApiKeyRecord,
  generateApiKey,
  hashApiKey,
  type Principal,
  SCOPES,
  type Scope,
} from './api-keys.js';
export {
  API_KEY_HEADER,
  type Authenticator,
  type AuthOutcome,
  authDisabled,
  createKeyAuthenticator,
  credentialFrom,
  credentialFromHeaders,
} from './authenticator.js';
export { type ApiKeyFile, KeyFileError, readKeyFile, writeKeyFile } from './key-file.js';
export { ApiKeyStore } from './key-store.js';
