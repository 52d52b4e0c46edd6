import { graphql } from '../graphql.ts';
import { USAGE_RECORD_FIELDS } from '../fragments/usage-record-fields.ts';

/** The caller's requests, one server page at a time. */
export const USAGE_RECORDS_QUERY = graphql(`
  query UsageRecords($filter: UsageRecordFilter, $page: RecordPageInput) {
    usageRecords(filter: $filter, page: $page) {
      nextCursor
      items {
        ...UsageRecordFields
      }
    }
  }
`, [USAGE_RECORD_FIELDS]);
