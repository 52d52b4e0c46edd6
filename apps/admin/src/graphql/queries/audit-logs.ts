import { gql } from 'urql';

/** Admin: audit entries, newest first. */
export const AUDIT_LOGS_QUERY = gql`
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
`;
