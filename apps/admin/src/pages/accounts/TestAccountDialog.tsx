// Sends one small request through an account (testAccount) and shows status, latency and the
// first words of the answer.
import { useState } from 'react';
import { useMutation } from 'urql';
import { TEST_ACCOUNT_MUTATION, type AccountTestResult } from '../../graphql/mutations/test-account.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Button } from '../../ui/Button.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Input } from '../../ui/Field.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { formatLatency } from '../../ui/format.ts';
import { errorMessage } from '../../ui/error-message.ts';
import type { Account } from '../../graphql/fragments/account-fields.ts';
import type { PlatformEnum } from '../../graphql/enums.ts';

const DEFAULT_MODEL: Record<PlatformEnum, string> = {
  CLAUDE_OAUTH: 'claude-sonnet-4-5',
  CLAUDE_CONSOLE: 'claude-sonnet-4-5',
  CCR: 'claude-sonnet-4-5',
  BEDROCK: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
  AZURE_OPENAI: 'gpt-4o-mini',
  OPENAI: 'gpt-4o-mini',
  GEMINI: 'gemini-2.0-flash',
};

/** The model a test uses by default: the account's first listed model, else the platform's usual one. */
export function defaultTestModel(account: Pick<Account, 'platform' | 'models'>): string {
  return account.models?.[0] ?? DEFAULT_MODEL[account.platform];
}

/** Result panel shared with the proxy test page. */
export function TestResultPanel({ result }: { result: AccountTestResult }) {
  const { t } = useI18n();
  return (
    <div className={`test-result ${result.ok ? 'test-ok' : 'test-fail'}`} data-testid="test-result">
      <div className="row">
        <Badge tone={result.ok ? 'success' : 'danger'} testId="test-status">
          {result.ok ? t('test.ok') : t('test.failed')} · HTTP {result.status}
        </Badge>
        <span className="muted" data-testid="test-latency">
          {t('test.latency')}: {formatLatency(result.latencyMs)}
        </span>
      </div>
      <pre className="test-text" data-testid="test-text">
        {result.text.trim() ? result.text : result.error ?? t('test.noText')}
      </pre>
    </div>
  );
}

export function TestAccountDialog({ account, onClose }: { account: Account; onClose(): void }) {
  const { t } = useI18n();
  const [model, setModel] = useState(() => defaultTestModel(account));
  const [{ data, error, fetching }, run] = useMutation(TEST_ACCOUNT_MUTATION);
  return (
    <Dialog
      open
      title={t('test.title', { name: account.name })}
      onClose={onClose}
      testId="test-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('common.close')}
          </Button>
          <Button variant="primary" loading={fetching} onClick={() => void run({ id: account.id, model: model.trim() || defaultTestModel(account) })} testId="test-run">
            {t('test.run')}
          </Button>
        </>
      }
    >
      <div className="stack">
        <Input label={t('test.model')} value={model} onValue={setModel} testId="test-model" />
        {fetching && <p className="muted">{t('test.running')}</p>}
        {!fetching && data?.testAccount && <TestResultPanel result={data.testAccount} />}
        {!fetching && error && (
          <div className="form-error" role="alert">
            {errorMessage(error, t)}
          </div>
        )}
      </div>
    </Dialog>
  );
}
