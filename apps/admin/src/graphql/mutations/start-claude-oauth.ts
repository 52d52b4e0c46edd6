import { graphql } from '../graphql.ts';

/** Step 1 of the Claude OAuth / setup-token flow. */
export const START_CLAUDE_OAUTH_MUTATION = graphql(`
  mutation StartClaudeOAuth($kind: OAuthKind) {
    startClaudeOAuth(kind: $kind) {
      authorizeUrl
      sessionId
    }
  }
`);
