import { graphql } from '../graphql.ts';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

/** Step 2: exchanges the pasted code and creates the account. */
export const COMPLETE_CLAUDE_OAUTH_MUTATION = graphql(`
  mutation CompleteClaudeOAuth($sessionId: String!, $code: String!, $account: ClaudeAccountInput!) {
    completeClaudeOAuth(sessionId: $sessionId, code: $code, account: $account) {
      ...AccountFields
    }
  }
`, [ACCOUNT_FIELDS]);
