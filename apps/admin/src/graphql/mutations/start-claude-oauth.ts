import { gql } from 'urql';

/** Step 1 of the Claude OAuth / setup-token flow. */
export const START_CLAUDE_OAUTH_MUTATION = gql`
  mutation StartClaudeOAuth($kind: OAuthKind) {
    startClaudeOAuth(kind: $kind) {
      authorizeUrl
      sessionId
    }
  }
`;
