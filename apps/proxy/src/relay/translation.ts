import type { WireFormat } from '@relay/core';
import {
  createStreamTranslator, streamErrorFrame, translateRequest, translateResponse, UnsupportedFeatureError,
  type ClientFormat, type StreamTranslatorOptions, type TranslateRequestOptions, type TranslateResponseOptions,
} from '@relay/upstreams';
import type { EventTranslator } from './pipe-response.ts';

/**
 * The seam between the relay and the translate layer (libs/upstreams/src/translate: pure functions,
 * owned separately). The relay only calls it when the client's format differs from the account's.
 */
export interface Translation {
  canTranslate(from: WireFormat, to: WireFormat): boolean;
  translateRequest(from: ClientFormat, to: WireFormat, body: any, opts: TranslateRequestOptions): any;
  translateResponse(upstream: WireFormat, client: ClientFormat, body: any, opts: TranslateResponseOptions): any;
  createStreamTranslator(upstream: WireFormat, client: ClientFormat, opts: StreamTranslatorOptions): EventTranslator;
  /** The error frame that ends a stream of the client's format (Anthropic `event: error`, OpenAI error chunk, Gemini error JSON). */
  streamErrorFrame(client: WireFormat, status: number, message: string): string;
  /** The feature name when `e` is the layer's UnsupportedFeatureError. */
  unsupportedFeature(e: unknown): string | null;
}

/** OpenAI ⇄ Anthropic ⇄ Gemini, all six directions. */
export const translation: Translation = {
  canTranslate: () => true,
  translateRequest,
  translateResponse,
  createStreamTranslator,
  streamErrorFrame,
  unsupportedFeature: (e) => (e instanceof UnsupportedFeatureError ? e.feature : null),
};
