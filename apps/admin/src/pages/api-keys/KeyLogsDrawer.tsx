// Admin drawer: one API key's requests of the last 92 days, newest first, paged on the server by cursor.
import { useQuery } from 'urql';
import { API_KEY_LOGS_QUERY } from '../../graphql/queries/api-key-logs.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Drawer } from '../../ui/Dialog.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { Table, useCursorPages } from '../../ui/Table.tsx';
import { usageRecordColumns } from '../usage/usage-record-columns.tsx';
import type { AdminApiKey } from '../../graphql/queries/all-api-keys.ts';

const PAGE_SIZE = 25;

export function KeyLogsDrawer({ apiKey, onClose }: { apiKey: AdminApiKey; onClose(): void }) {
  const { t } = useI18n();
  const pages = useCursorPages();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: API_KEY_LOGS_QUERY,
    variables: { apiKeyId: apiKey.id, page: { after: pages.after, limit: PAGE_SIZE } },
  });
  return (
    <Drawer open title={t('apiKeys.logsTitle', { name: apiKey.name, owner: apiKey.owner.username })} onClose={onClose} testId="key-logs-drawer">
      <Table
        columns={usageRecordColumns(t, { compact: true })}
        rows={data?.apiKeyLogs.items}
        rowKey={(r) => r.requestId}
        loading={fetching}
        error={error}
        onRetry={() => refetch({ requestPolicy: 'network-only' })}
        cursorPaging={pages.paging(data?.apiKeyLogs.nextCursor)}
        empty={<EmptyState title={t('apiKeys.noLogs')} />}
      />
    </Drawer>
  );
}
