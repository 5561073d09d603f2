// Prompt versions: every replay saves the edit it ran; a restore saves an old edit again as the newest version.
// Numbers are 1, 2, … per prompt key. Saves of one key are serialized in this process so two concurrent replays
// do not both take the same number (replicas of the collector could still collide; the id stays unique).
import { randomUUID } from 'node:crypto';
import type { PromptEdit, PromptVersion } from '../contract/index.js';
import { notFound } from '../errors.js';
import {
  getPromptVersion,
  insertPromptVersion,
  latestPromptVersionNumber,
  listPromptVersions,
  type QueryContext,
} from '../storage/queries/index.js';

/** Versions listed per prompt key, at most. */
export const MAX_LISTED_VERSIONS = 500;

export interface NewPromptVersion {
  id?: string;
  promptKey: string;
  label: string | null;
  sourceTraceId: string;
  sourceSpanId: string;
  edit: PromptEdit;
  replayTraceId: string | null;
}

export class PromptVersions {
  readonly #ctx: QueryContext;
  readonly #saving = new Map<string, Promise<unknown>>();

  constructor(ctx: QueryContext) {
    this.#ctx = ctx;
  }

  save(version: NewPromptVersion): Promise<PromptVersion> {
    const previous = this.#saving.get(version.promptKey) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(async () => {
        const number = (await latestPromptVersionNumber(this.#ctx, version.promptKey)) + 1;
        return insertPromptVersion(this.#ctx, {
          id: version.id ?? randomUUID(),
          promptKey: version.promptKey,
          version: number,
          label: version.label,
          sourceTraceId: version.sourceTraceId,
          sourceSpanId: version.sourceSpanId,
          // Field by field: whatever else a caller's object holds (an endpoint, a key) is never stored.
          edit: {
            provider: version.edit.provider,
            model: version.edit.model,
            system: version.edit.system,
            messages: version.edit.messages,
            temperature: version.edit.temperature,
            maxTokens: version.edit.maxTokens,
            tools: version.edit.tools,
          },
          replayTraceId: version.replayTraceId,
        });
      });
    this.#saving.set(version.promptKey, next);
    const forget = () => {
      if (this.#saving.get(version.promptKey) === next) this.#saving.delete(version.promptKey);
    };
    next.then(forget, forget);
    return next;
  }

  list(promptKey: string): Promise<PromptVersion[]> {
    return listPromptVersions(this.#ctx, promptKey, MAX_LISTED_VERSIONS);
  }

  async get(id: string): Promise<PromptVersion> {
    const version = await getPromptVersion(this.#ctx, id);
    if (!version) throw notFound(`prompt version ${id} not found`);
    return version;
  }

  /** A new version holding the edit of `id`; not run yet, so without a replay trace. */
  async restore(id: string, label: string | undefined): Promise<PromptVersion> {
    const old = await this.get(id);
    return this.save({
      promptKey: old.promptKey,
      label: label ?? `restored from v${old.version}`,
      sourceTraceId: old.sourceTraceId,
      sourceSpanId: old.sourceSpanId,
      edit: old.edit,
      replayTraceId: null,
    });
  }
}
