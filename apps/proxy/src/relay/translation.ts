import type { WireFormat } from '@relay/core';
import { createStreamTranslator, translateRequest, translateResponse, UnsupportedFeatureError, type ClientFormat, type TranslateRequestOptions, type WriteOptions } from '../translate/index.ts';
import type { EventTranslator } from './pipe-response.ts';

/**
 * The seam between the relay and the translate layer (apps/proxy/src/translate: pure functions,
 * owned separately). The relay only calls it when the client's format differs from the account's.
 */
export interface Translation {
  canTranslate(from: WireFormat, to: WireFormat): boolean;
  translateRequest(from: ClientFormat, to: WireFormat, body: any, opts: TranslateRequestOptions): any;
  translateResponse(upstream: WireFormat, client: ClientFormat, body: any, opts: WriteOptions): any;
  createStreamTranslator(upstream: WireFormat, client: ClientFormat, opts: WriteOptions & { includeUsage: boolean }): EventTranslator;
  /** The feature name when `e` is the layer's UnsupportedFeatureError. */
  unsupportedFeature(e: unknown): string | null;
}

/** OpenAI ⇄ Anthropic ⇄ Gemini, all six directions. */
export const translation: Translation = {
  canTranslate: () => true,
  translateRequest,
  translateResponse,
  createStreamTranslator,
  unsupportedFeature: (e) => (e instanceof UnsupportedFeatureError ? e.feature : null),
};
