import { graphql } from '../graphql.ts';
import { USAGE_RECORD_FIELDS } from '../fragments/usage-record-fields.ts';

/** Admin: one key's request log, newest first. */
export const API_KEY_LOGS_QUERY = graphql(`
  query ApiKeyLogs($apiKeyId: ID!, $page: RecordPageInput) {
    apiKeyLogs(apiKeyId: $apiKeyId, page: $page) {
      nextCursor
      items {
        ...UsageRecordFields
      }
    }
  }
`, [USAGE_RECORD_FIELDS]);
