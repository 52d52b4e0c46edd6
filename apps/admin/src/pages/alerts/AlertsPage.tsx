// Alerts (admin): the channels operator alerts go to, and what happened to each alert sent.
// The deliveries list refreshes itself while something is still pending or being sent.
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ALERT_CHANNELS_QUERY } from '../../graphql/queries/alert-channels.ts';
import { ALERT_DELIVERIES_QUERY } from '../../graphql/queries/alert-deliveries.ts';
import { DELETE_ALERT_CHANNEL_MUTATION } from '../../graphql/mutations/delete-alert-channel.ts';
import { SEND_TEST_ALERT_MUTATION } from '../../graphql/mutations/send-test-alert.ts';
import type { AlertChannel } from '../../graphql/fragments/alert-channel-fields.ts';
import type { AlertDelivery } from '../../graphql/fragments/alert-delivery-fields.ts';
import type { AlertDeliveryStatus } from '../../graphql/enums.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge, type BadgeTone } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorMessage } from '../../ui/error-message.ts';
import { formatDateTime } from '../../ui/format.ts';
import { AlertChannelDialog } from './AlertChannelDialog.tsx';

const PAGE_SIZE = 25;
/** How often the deliveries list is re-read while a delivery is not final. */
const LIVE_REFRESH_MS = 1500;

const STATUS_TONE: Record<AlertDeliveryStatus, BadgeTone> = { PENDING: 'warning', SENDING: 'info', DELIVERED: 'success', FAILED: 'danger' };

function DeliveriesCard({ refreshKey }: { refreshKey: number }) {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ALERT_DELIVERIES_QUERY,
    variables: { page: { offset, limit: PAGE_SIZE } },
    requestPolicy: 'network-only',
  });
  const items = data?.alertDeliveries.items;
  const live = !!items?.some((d) => d.status === 'PENDING' || d.status === 'SENDING');
  useEffect(() => {
    refetch({ requestPolicy: 'network-only' });
  }, [refreshKey, refetch]);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, refetch]);

  const columns: Column<AlertDelivery>[] = [
    { key: 'time', header: t('alerts.time'), render: (d) => <span className="cell-sub nowrap">{formatDateTime(d.createdAt)}</span> },
    { key: 'event', header: t('alerts.event'), mobile: 'title', render: (d) => <span title={d.eventId}>{d.title}</span> },
    { key: 'channel', header: t('alerts.channel'), render: (d) => d.channelName ?? t('alerts.deletedChannel') },
    {
      key: 'status', header: t('alerts.status'), mobile: 'aside',
      render: (d) => <Badge tone={STATUS_TONE[d.status]} testId={`delivery-status-${d.id}`}>{t(`alerts.status.${d.status}`)}</Badge>,
    },
    { key: 'attempts', header: t('alerts.attempts'), align: 'right', render: (d) => <span data-testid={`delivery-attempts-${d.id}`}>{d.attempts}</span> },
    { key: 'error', header: t('alerts.lastError'), render: (d) => (d.lastError ? <span className="text-danger mono" style={{ wordBreak: 'break-word' }}>{d.lastError}</span> : <span className="muted">—</span>) },
  ];
  return (
    <Card title={t('alerts.deliveries')} testId="alert-deliveries">
      <Table
        columns={columns}
        rows={items}
        rowKey={(d) => d.id}
        loading={!data && fetching}
        error={error}
        onRetry={() => refetch({ requestPolicy: 'network-only' })}
        empty={t('alerts.noDeliveries')}
        paging={data ? { offset, limit: PAGE_SIZE, total: data.alertDeliveries.total, onChange: setOffset } : undefined}
        testId="alert-deliveries-table"
      />
    </Card>
  );
}

export function AlertsPage() {
  const { t } = useI18n();
  const toast = useToast();
  const [{ data, error, fetching }, refetch] = useQuery({ query: ALERT_CHANNELS_QUERY });
  const [editing, setEditing] = useState<AlertChannel | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AlertChannel | null>(null);
  const [deleteState, deleteChannel] = useMutation(DELETE_ALERT_CHANNEL_MUTATION);
  const [testState, sendTest] = useMutation(SEND_TEST_ALERT_MUTATION);
  const [deliveriesKey, setDeliveriesKey] = useState(0);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  async function test(c: AlertChannel) {
    const result = await sendTest({ id: c.id });
    if (result.error) return toast.show(errorMessage(result.error, t), 'error');
    toast.show(t('alerts.testQueued', { name: c.name }));
    setDeliveriesKey((k) => k + 1);
  }

  async function confirmDelete() {
    if (!deleting) return;
    const result = await deleteChannel({ id: deleting.id });
    if (result.error) return toast.show(errorMessage(result.error, t), 'error');
    toast.show(t('alerts.deleted'));
    setDeleting(null);
    reload();
    setDeliveriesKey((k) => k + 1);
  }

  const columns: Column<AlertChannel>[] = [
    { key: 'name', header: t('alerts.name'), render: (c) => <span className="cell-strong">{c.name}</span> },
    {
      key: 'kind', header: t('alerts.kind'), mobile: 'aside',
      render: (c) => (
        <>
          <Badge tone="info">{t(`alerts.kind.${c.kind}`)}</Badge> {c.signed && <Badge tone="neutral">{t('alerts.signed')}</Badge>}
        </>
      ),
    },
    { key: 'url', header: t('alerts.url'), render: (c) => <span className="mono cell-sub">{c.urlHint}</span> },
    { key: 'events', header: t('alerts.events'), render: (c) => c.events.map((e) => t(`alerts.event.${e}`)).join(', ') },
    { key: 'enabled', header: t('alerts.status'), render: (c) => (c.enabled ? <Badge tone="success">{t('alerts.enabled')}</Badge> : <Badge tone="neutral">{t('alerts.disabled')}</Badge>) },
    {
      key: 'actions', header: '',
      render: (c) => (
        <div className="row-actions">
          <Button size="sm" variant="secondary" loading={testState.fetching} onClick={() => void test(c)} testId={`alert-test-${c.id}`}>
            {t('alerts.sendTest')}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setEditing(c)} testId={`alert-edit-${c.id}`}>
            {t('common.edit')}
          </Button>
          <Button size="sm" variant="ghost" className="text-danger" onClick={() => setDeleting(c)} testId={`alert-delete-${c.id}`}>
            {t('common.delete')}
          </Button>
        </div>
      ),
    },
  ];

  return (
    <div className="page" data-testid="page-alerts">
      <PageHeader
        title={t('alerts.title')}
        description={t('alerts.description')}
        actions={
          <Button variant="primary" onClick={() => setEditing('new')} testId="alert-channel-create">
            {t('alerts.add')}
          </Button>
        }
      />
      <Card title={t('alerts.channels')}>
        <Table columns={columns} rows={data?.alertChannels} rowKey={(c) => c.id} loading={!data && fetching} error={error} onRetry={reload} empty={t('alerts.empty')} testId="alert-channels-table" />
      </Card>
      <DeliveriesCard refreshKey={deliveriesKey} />
      {editing && (
        <AlertChannelDialog
          channel={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {deleting && <ConfirmDialog title={t('alerts.deleteTitle')} message={t('alerts.deleteConfirm', { name: deleting.name })} busy={deleteState.fetching} onConfirm={() => void confirmDelete()} onClose={() => setDeleting(null)} />}
    </div>
  );
}
