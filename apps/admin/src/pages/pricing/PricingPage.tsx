// Model prices (admin): an editable table in USD per million tokens. A row switches to inputs in
// place; '*' is the default price used for models without their own row (off until an admin sets
// it). Each row says whether it came from the bundled catalog or an admin; "Sync catalog" brings
// the catalog in without touching the admin's prices.
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { MODEL_PRICES_QUERY } from '../../graphql/queries/model-prices.ts';
import { UPSERT_MODEL_PRICE_MUTATION } from '../../graphql/mutations/upsert-model-price.ts';
import { DELETE_MODEL_PRICE_MUTATION } from '../../graphql/mutations/delete-model-price.ts';
import { SYNC_MODEL_PRICES_MUTATION } from '../../graphql/mutations/sync-model-prices.ts';
import { CLEAR_DEFAULT_MODEL_PRICE_MUTATION } from '../../graphql/mutations/clear-default-model-price.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Input } from '../../ui/Field.tsx';
import { ErrorState, Skeleton, EmptyState } from '../../ui/States.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorMessage } from '../../ui/error-message.ts';
import { formatNumber, formatUsdExact, trimDecimalZeros } from '../../ui/format.ts';
import { platformLabelKey } from '../accounts/AccountFormDialog.tsx';
import { PLATFORM_ENUMS, type PlatformEnum } from '../../graphql/enums.ts';
import type { ModelPrice } from '../../graphql/fragments/model-price-fields.ts';

type PriceField = 'model' | 'input' | 'output' | 'cacheWrite' | 'cacheRead';
type Draft = Record<PriceField, string> & { platform: PlatformEnum | '' };
const PRICE_FIELDS = ['input', 'output', 'cacheWrite', 'cacheRead'] as const;

/** Validates a price row: model required, each price a non-negative USD decimal (≤ 6 decimals). */
export function validatePriceDraft(d: Draft): Partial<Record<PriceField, MessageKey>> {
  const errors: Partial<Record<PriceField, MessageKey>> = {};
  if (!d.model.trim()) errors.model = 'validation.required';
  else if (d.model.trim().length > 128) errors.model = 'validation.tooLong';
  for (const f of PRICE_FIELDS) if (!/^\d{1,7}(\.\d{1,6})?$/.test(d[f].trim())) errors[f] = 'validation.price';
  return errors;
}

/** The default price: model "*" on any platform (cleared with clearDefaultModelPrice). */
function isDefaultRow(p: ModelPrice): boolean {
  return p.model === '*' && !p.platform;
}

function draftOf(p: ModelPrice | null, model = ''): Draft {
  return p
    ? { model: p.model, platform: p.platform ?? '', input: trimDecimalZeros(p.input), output: trimDecimalZeros(p.output), cacheWrite: trimDecimalZeros(p.cacheWrite), cacheRead: trimDecimalZeros(p.cacheRead) }
    : { model, platform: '', input: '0', output: '0', cacheWrite: '0', cacheRead: '0' };
}

function EditRow({ price, model, onDone, onCancel }: { price: ModelPrice | null; model?: string; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [draft, setDraft] = useState<Draft>(() => draftOf(price, model));
  const [errors, setErrors] = useState<Partial<Record<PriceField, MessageKey>>>({});
  const [{ fetching }, upsert] = useMutation(UPSERT_MODEL_PRICE_MUTATION);
  const set = (f: keyof Draft) => (v: string) => setDraft((d) => ({ ...d, [f]: v }));
  async function save() {
    const found = validatePriceDraft(draft);
    setErrors(found);
    if (Object.keys(found).length) return;
    const input = { model: draft.model.trim(), platform: draft.platform || null, input: draft.input.trim(), output: draft.output.trim(), cacheWrite: draft.cacheWrite.trim(), cacheRead: draft.cacheRead.trim() };
    const result = await upsert({ input });
    if (result.error) return toast.show(errorMessage(result.error, t), 'error');
    toast.show(t('pricing.saved', { model: input.model }));
    onDone();
  }
  const err = (f: PriceField) => (errors[f] ? t(errors[f]!) : null);
  return (
    <tr className="row-editing" data-testid={price ? `price-edit-${price.id}` : 'price-new'}>
      <td className="cell-m-field" data-label={t('pricing.model')}>
        <Input value={draft.model} onValue={set('model')} disabled={!!price || !!model} placeholder="claude-sonnet-4-5" error={err('model')} aria-label={t('pricing.model')} testId="price-model" />
      </td>
      <td className="cell-m-field" data-label={t('pricing.platform')}>
        <select className="input select" value={draft.platform} disabled={!!price} onChange={(e) => set('platform')(e.target.value)} aria-label={t('pricing.platform')}>
          <option value="">{t('pricing.anyPlatform')}</option>
          {PLATFORM_ENUMS.map((p) => (
            <option key={p} value={p}>
              {t(platformLabelKey(p))}
            </option>
          ))}
        </select>
      </td>
      <td className="cell-m-aside" data-label={t('pricing.source')}>
        <Badge tone="neutral">{t('pricing.source.MANUAL')}</Badge>
      </td>
      {PRICE_FIELDS.map((f) => (
        <td key={f} className="cell-m-half" data-label={t(`pricing.${f}`)}>
          <Input value={draft[f]} onValue={set(f)} inputMode="decimal" error={err(f)} aria-label={t(`pricing.${f}`)} testId={`price-${f}`} />
        </td>
      ))}
      <td className="cell-m-actions" style={{ textAlign: 'right' }}>
        <div className="row-actions">
          <Button size="sm" variant="primary" loading={fetching} onClick={() => void save()} testId="price-save">
            {t('common.save')}
          </Button>
          <Button size="sm" variant="ghost" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </div>
      </td>
    </tr>
  );
}

export function PricingPage() {
  const { t } = useI18n();
  const toast = useToast();
  const [{ data, error, fetching }, refetch] = useQuery({ query: MODEL_PRICES_QUERY });
  const [editingId, setEditingId] = useState<string | 'new' | 'default' | null>(null);
  const [filter, setFilter] = useState('');
  const [deleting, setDeleting] = useState<ModelPrice | null>(null);
  const [deleteState, deletePrice] = useMutation(DELETE_MODEL_PRICE_MUTATION);
  const [syncState, syncPrices] = useMutation(SYNC_MODEL_PRICES_MUTATION);
  const [, clearDefault] = useMutation(CLEAR_DEFAULT_MODEL_PRICE_MUTATION);
  const hasDefault = (data?.modelPrices ?? []).some(isDefaultRow);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const rows = useMemo(
    () => (data?.modelPrices ?? []).filter((p) => p.model.toLowerCase().includes(filter.trim().toLowerCase())).sort((a, b) => (a.model === '*' ? -1 : b.model === '*' ? 1 : a.model.localeCompare(b.model))),
    [data, filter],
  );
  const done = () => {
    setEditingId(null);
    reload();
  };

  async function sync() {
    const result = await syncPrices({});
    if (result.error || !result.data) return toast.show(errorMessage(result.error, t), 'error');
    const c = result.data.syncModelPrices;
    toast.show(t('pricing.synced', { added: formatNumber(c.added), updated: formatNumber(c.updated), unchanged: formatNumber(c.unchanged), manualKept: formatNumber(c.manualKept) }));
    reload();
  }

  async function confirmDelete() {
    if (!deleting) return;
    if (isDefaultRow(deleting)) {
      const cleared = await clearDefault({});
      if (cleared.error) return toast.show(errorMessage(cleared.error, t), 'error');
      toast.show(t('pricing.defaultCleared'));
      setDeleting(null);
      return reload();
    }
    const result = await deletePrice({ id: deleting.id });
    if (result.error) return toast.show(errorMessage(result.error, t), 'error');
    toast.show(t('pricing.deleted'));
    setDeleting(null);
    reload();
  }

  let body;
  if (error && !data) body = <ErrorState error={error} onRetry={reload} />;
  else if (!data && fetching) body = <Skeleton rows={6} />;
  else if (rows.length === 0 && editingId !== 'new' && editingId !== 'default') body = <EmptyState title={t('pricing.empty')} />;
  else
    body = (
      <div className="table-scroll">
        <table className="table table-editable table-stack" data-testid="prices-table">
          <thead>
            <tr>
              <th>{t('pricing.model')}</th>
              <th>{t('pricing.platform')}</th>
              <th>{t('pricing.source')}</th>
              {PRICE_FIELDS.map((f) => (
                <th key={f} style={{ textAlign: 'right' }}>
                  {t(`pricing.${f}`)}
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {editingId === 'new' && <EditRow price={null} onDone={done} onCancel={() => setEditingId(null)} />}
            {editingId === 'default' && <EditRow price={null} model="*" onDone={done} onCancel={() => setEditingId(null)} />}
            {rows.map((p) =>
              editingId === p.id ? (
                <EditRow key={p.id} price={p} onDone={done} onCancel={() => setEditingId(null)} />
              ) : (
                <tr key={p.id} data-testid={`row-${p.id}`}>
                  <td className="mono nowrap cell-m-title">
                    {p.model === '*' ? <span title={t('pricing.defaultHint')}>* ({t('pricing.default')})</span> : p.model}
                    {p.tier && (
                      <div className="muted small" data-testid={`price-tier-${p.id}`}>
                        {t('pricing.tier', { tokens: formatNumber(p.tier.aboveInputTokens), input: formatUsdExact(p.tier.input), output: formatUsdExact(p.tier.output) })}
                      </div>
                    )}
                  </td>
                  <td className="cell-m-aside">{p.platform ? <Badge tone="info">{t(platformLabelKey(p.platform as PlatformEnum))}</Badge> : <span className="muted">{t('pricing.anyPlatform')}</span>}</td>
                  <td className="cell-m-aside" data-label={t('pricing.source')} data-testid={`price-source-${p.id}`} title={t(`pricing.sourceHint.${p.source}`)}>
                    <Badge tone={p.source === 'CATALOG' ? 'neutral' : 'warning'}>{t(`pricing.source.${p.source}`)}</Badge>
                  </td>
                  {PRICE_FIELDS.map((f) => (
                    <td key={f} style={{ textAlign: 'right' }} className="mono cell-m-half" data-label={t(`pricing.${f}`)} data-testid={`price-${f}-${p.id}`}>
                      {formatUsdExact(p[f])}
                    </td>
                  ))}
                  <td className="cell-m-actions">
                    <div className="row-actions">
                      <Button size="sm" variant="ghost" onClick={() => setEditingId(p.id)} testId={`price-edit-btn-${p.id}`}>
                        {t('common.edit')}
                      </Button>
                      <Button size="sm" variant="ghost" className="text-danger" onClick={() => setDeleting(p)} testId={`price-delete-btn-${p.id}`}>
                        {isDefaultRow(p) ? t('pricing.clearDefault') : t('common.delete')}
                      </Button>
                    </div>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    );

  return (
    <div className="page" data-testid="page-pricing">
      <PageHeader
        title={t('pricing.title')}
        description={t('pricing.description')}
        actions={
          <>
            <Button loading={syncState.fetching} onClick={() => void sync()} testId="price-sync">
              {t('pricing.sync')}
            </Button>
            {!hasDefault && (
              <Button onClick={() => setEditingId('default')} testId="price-set-default">
                {t('pricing.setDefault')}
              </Button>
            )}
            <Button variant="primary" onClick={() => setEditingId('new')} testId="price-create">
              {t('pricing.add')}
            </Button>
          </>
        }
      />
      <Card title={t('pricing.unit')} actions={<Input placeholder={t('pricing.filter')} aria-label={t('pricing.filter')} value={filter} onValue={setFilter} />}>
        {body}
      </Card>
      {deleting && (
        <ConfirmDialog
          title={isDefaultRow(deleting) ? t('pricing.clearDefault') : t('pricing.deleteTitle')}
          message={isDefaultRow(deleting) ? t('pricing.clearDefaultConfirm') : t('pricing.deleteConfirm', { model: deleting.model })}
          busy={deleteState.fetching}
          onConfirm={() => void confirmDelete()}
          onClose={() => setDeleting(null)}
        />
      )}
    </div>
  );
}
