/** Which operation a route performs; adapters build their URL from it. */
export type Endpoint = 'messages' | 'count_tokens' | 'chat' | 'generate' | 'stream_generate';
