// Proxy test (admin): pick an account and a model and send one request through it with the
// testAccount mutation; the result shows status, latency and the start of the answer.
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ACCOUNTS_QUERY } from '../../graphql/queries/accounts.ts';
import { TEST_ACCOUNT_MUTATION } from '../../graphql/mutations/test-account.ts';
import type { Account, AccountTestResult } from '../../graphql/types.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { Input, Select } from '../../ui/Field.tsx';
import { EmptyState, ErrorState, Skeleton } from '../../ui/States.tsx';
import { errorMessage } from '../../ui/error-message.ts';
import { platformLabelKey } from '../accounts/AccountFormDialog.tsx';
import { TestResultPanel, defaultTestModel } from '../accounts/TestAccountDialog.tsx';

export function ProxyTestPage() {
  const { t } = useI18n();
  const [{ data, error, fetching }, refetch] = useQuery<{ accounts: Account[] }>({ query: ACCOUNTS_QUERY });
  const [accountId, setAccountId] = useState('');
  const [model, setModel] = useState('');
  const [modelTouched, setModelTouched] = useState(false);
  const [runState, run] = useMutation<{ testAccount: AccountTestResult }>(TEST_ACCOUNT_MUTATION);
  const accounts = data?.accounts ?? [];
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  const effectiveModel = modelTouched ? model : account ? defaultTestModel(account) : '';

  let body;
  if (error && !data) body = <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  else if (!data && fetching) body = <Skeleton rows={3} />;
  else if (accounts.length === 0) body = <EmptyState title={t('accounts.emptyTitle')} description={t('proxyTest.noAccounts')} />;
  else
    body = (
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (account) void run({ id: account.id, model: effectiveModel.trim() || defaultTestModel(account) });
        }}
      >
        <div className="form-grid">
          <Select
            label={t('proxyTest.account')}
            value={account?.id ?? ''}
            onValue={(v) => {
              setAccountId(v);
              setModelTouched(false);
            }}
            options={accounts.map((a) => ({ value: a.id, label: `${a.name} · ${t(platformLabelKey(a.platform))}` }))}
            testId="proxy-test-account"
          />
          <Input
            label={t('test.model')}
            value={effectiveModel}
            onValue={(v) => {
              setModel(v);
              setModelTouched(true);
            }}
            testId="proxy-test-model"
          />
        </div>
        <div className="row">
          <Button type="submit" variant="primary" loading={runState.fetching} testId="proxy-test-run">
            {t('test.run')}
          </Button>
          {runState.fetching && <span className="muted">{t('test.running')}</span>}
        </div>
        {!runState.fetching && runState.data?.testAccount && <TestResultPanel result={runState.data.testAccount} />}
        {!runState.fetching && runState.error && (
          <div className="form-error" role="alert">
            {errorMessage(runState.error, t)}
          </div>
        )}
      </form>
    );

  return (
    <div className="page" data-testid="page-proxy-test">
      <PageHeader title={t('proxyTest.title')} description={t('proxyTest.description')} />
      <Card>{body}</Card>
    </div>
  );
}
