/** Which operation a route performs; adapters build their URL from it. */
export type Endpoint =
  | 'messages' | 'count_tokens' | 'chat' | 'generate' | 'stream_generate'
  /** OpenAI's Responses API: client format `openai` (its errors), its own body shapes. */
  | 'responses'
  /** Gemini `:countTokens` (never billed). */
  | 'gemini_count_tokens'
  /** Gemini `:embedContent` / `:batchEmbedContents`, OpenAI `/v1/embeddings`: input tokens only. */
  | 'embed_content' | 'batch_embed_contents' | 'embeddings';

/** Operations that produce no output tokens: they reserve none and bill their input only. */
export const INPUT_ONLY_ENDPOINTS: ReadonlySet<Endpoint> = new Set<Endpoint>(['count_tokens', 'gemini_count_tokens', 'embed_content', 'batch_embed_contents', 'embeddings']);

/** Operations whose answer is an embedding (billed on input tokens). */
export const EMBEDDING_ENDPOINTS: ReadonlySet<Endpoint> = new Set<Endpoint>(['embed_content', 'batch_embed_contents', 'embeddings']);
