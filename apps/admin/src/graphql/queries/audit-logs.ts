import { graphql, type ResultOf } from '../graphql.ts';

/** Admin: audit entries, newest first. */
export const AUDIT_LOGS_QUERY = graphql(`
  query AuditLogs($filter: AuditLogFilter, $page: PageInput) {
    auditLogs(filter: $filter, page: $page) {
      total
      items {
        id
        actorName
        action
        targetType
        targetId
        before
        after
        ip
        createdAt
      }
    }
  }
`);

/** One audit entry. */
export type AuditLog = ResultOf<typeof AUDIT_LOGS_QUERY>['auditLogs']['items'][number];
