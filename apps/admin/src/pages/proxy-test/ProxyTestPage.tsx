// Proxy test (admin): pick an account and a model, send a prompt through it with the proxyTest
// subscription and watch the answer stream in; then status, latency and time to first token.
// Stop unsubscribes, which makes the control plane close the upstream request.
import { useEffect, useReducer, useRef, useState } from 'react';
import { useClient, useQuery, type CombinedError } from 'urql';
import { ACCOUNTS_QUERY } from '../../graphql/queries/accounts.ts';
import { PROXY_TEST_SUBSCRIPTION, type ProxyTestEvent } from '../../graphql/subscriptions/proxy-test.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { Input, Select, Textarea } from '../../ui/Field.tsx';
import { EmptyState, ErrorState, Skeleton } from '../../ui/States.tsx';
import { errorMessage } from '../../ui/error-message.ts';
import { formatLatency } from '../../ui/format.ts';
import { platformLabelKey } from '../accounts/AccountFormDialog.tsx';
import { defaultTestModel } from '../accounts/TestAccountDialog.tsx';
import { initialProxyTestRun, isSuccess, proxyTestReducer } from './proxy-test-run.ts';

/** Status, latency and time to first token of a finished test; the upstream's message when it failed. */
function StreamResultPanel({ final, answered }: { final: ProxyTestEvent; answered: boolean }) {
  const { t } = useI18n();
  const ok = isSuccess(final);
  const message = final.kind === 'ERROR' && !answered ? final.text?.trim() || final.error : final.kind === 'ERROR' ? final.error : null;
  return (
    <div className={`test-result ${ok ? 'test-ok' : 'test-fail'}`} data-testid="test-result">
      <div className="row">
        <Badge tone={ok ? 'success' : 'danger'} testId="test-status">
          {ok ? t('test.ok') : t('test.failed')} · HTTP {final.status ?? 0}
        </Badge>
        <span className="muted" data-testid="test-latency">
          {t('test.latency')}: {formatLatency(final.latencyMs)}
        </span>
        <span className="muted" data-testid="test-first-token">
          {t('proxyTest.firstToken')}: {formatLatency(final.firstTokenMs)}
        </span>
      </div>
      {message && (
        <pre className="test-text" data-testid="test-text">
          {message}
        </pre>
      )}
    </div>
  );
}

export function ProxyTestPage() {
  const { t } = useI18n();
  const client = useClient();
  const [{ data, error, fetching }, refetch] = useQuery({ query: ACCOUNTS_QUERY });
  const [accountId, setAccountId] = useState('');
  const [model, setModel] = useState('');
  const [modelTouched, setModelTouched] = useState(false);
  const [prompt, setPrompt] = useState(() => t('proxyTest.defaultPrompt'));
  const [run, dispatch] = useReducer(proxyTestReducer, initialProxyTestRun);
  const [runError, setRunError] = useState<CombinedError | null>(null);
  const subscription = useRef<{ unsubscribe(): void } | null>(null);
  const accounts = data?.accounts ?? [];
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  const effectiveModel = modelTouched ? model : account ? defaultTestModel(account) : '';
  const running = run.phase === 'running';

  const stop = () => {
    subscription.current?.unsubscribe();
    subscription.current = null;
  };
  // Leaving the page ends the test (and with it the upstream request).
  useEffect(() => stop, []);

  const start = () => {
    if (!account) return;
    stop();
    setRunError(null);
    dispatch({ type: 'start' });
    const variables = { accountId: account.id, model: effectiveModel.trim() || defaultTestModel(account), prompt: prompt.trim() || t('proxyTest.defaultPrompt') };
    // Every event is applied as it arrives (urql's useSubscription would keep only the latest).
    const sub = client.subscription(PROXY_TEST_SUBSCRIPTION, variables).subscribe((result) => {
      if (result.error) {
        setRunError(result.error);
        dispatch({ type: 'stop' });
      } else if (result.data?.proxyTest) dispatch({ type: 'event', event: result.data.proxyTest });
    });
    subscription.current = sub;
  };

  // The subscription ends by itself after DONE/ERROR; forget it so Stop has nothing left to do.
  useEffect(() => {
    if (run.phase === 'finished') subscription.current = null;
  }, [run.phase]);

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
          start();
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
        <Textarea label={t('proxyTest.prompt')} value={prompt} onValue={setPrompt} rows={3} maxLength={4000} testId="proxy-test-prompt" />
        <div className="row">
          <Button type="submit" variant="primary" loading={running} testId="proxy-test-run">
            {t('test.run')}
          </Button>
          {running && (
            <Button
              type="button"
              onClick={() => {
                stop();
                dispatch({ type: 'stop' });
              }}
              testId="proxy-test-stop"
            >
              {t('proxyTest.stop')}
            </Button>
          )}
          {running && !run.text && <span className="muted">{t('proxyTest.waitingFirstToken')}</span>}
          {run.phase === 'stopped' && !runError && <span className="muted" data-testid="proxy-test-stopped">{t('proxyTest.stopped')}</span>}
        </div>
        {run.phase !== 'idle' && (run.text || running) && (
          <pre className={`test-text${running ? ' streaming' : ''}`} data-testid="proxy-test-output" aria-live="polite" aria-busy={running}>
            {run.text}
          </pre>
        )}
        {run.final && <StreamResultPanel final={run.final} answered={run.text.length > 0} />}
        {runError && (
          <div className="form-error" role="alert">
            {errorMessage(runError, t)}
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
