// The Claude OAuth / setup-token flow as three visible steps: 1 open the authorize URL,
// 2 paste the code Claude shows, 3 done (the account exists).
import { useState } from 'react';
import { useMutation } from 'urql';
import { START_CLAUDE_OAUTH_MUTATION } from '../../graphql/mutations/start-claude-oauth.ts';
import { COMPLETE_CLAUDE_OAUTH_MUTATION } from '../../graphql/mutations/complete-claude-oauth.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Button } from '../../ui/Button.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Input, Select } from '../../ui/Field.tsx';
import { CopyField } from '../../ui/CopyField.tsx';
import { errorMessage } from '../../ui/error-message.ts';
import type { Account } from '../../graphql/fragments/account-fields.ts';

type Step = 1 | 2 | 3;

function StepIndicator({ step }: { step: Step }) {
  const { t } = useI18n();
  const labels = [t('oauth.step1'), t('oauth.step2'), t('oauth.step3')];
  return (
    <ol className="steps" data-testid="oauth-steps">
      {labels.map((label, i) => {
        const n = (i + 1) as Step;
        const state = n < step ? 'done' : n === step ? 'current' : 'todo';
        return (
          <li key={n} className={`step step-${state}`} data-testid={`oauth-step-${n}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="step-dot">{state === 'done' ? '✓' : n}</span>
            <span className="step-label">{label}</span>
          </li>
        );
      })}
    </ol>
  );
}

export function ClaudeOAuthDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>(1);
  const [kind, setKind] = useState<'OAUTH' | 'SETUP_TOKEN'>('OAUTH');
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [session, setSession] = useState<{ authorizeUrl: string; sessionId: string } | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Account | null>(null);
  const [startState, start] = useMutation(START_CLAUDE_OAUTH_MUTATION);
  const [completeState, complete] = useMutation(COMPLETE_CLAUDE_OAUTH_MUTATION);

  async function generate() {
    setError(null);
    const result = await start({ kind });
    if (result.data) setSession(result.data.startClaudeOAuth);
    else setError(errorMessage(result.error, t));
  }

  async function finish() {
    const n = name.trim();
    // The server accepts the bare code, "code#state" or the whole callback URL.
    const c = code.trim();
    setNameError(n ? null : t('validation.required'));
    setCodeError(c ? null : t('validation.required'));
    if (!n || !c || !session) return;
    setError(null);
    const result = await complete({ sessionId: session.sessionId, code: c, account: { name: n } });
    if (result.data) {
      setCreated(result.data.completeClaudeOAuth);
      setStep(3);
      onDone();
    } else setError(errorMessage(result.error, t));
  }

  return (
    <Dialog open title={t('oauth.title')} onClose={onClose} testId="oauth-dialog">
      <StepIndicator step={step} />
      {step === 1 && (
        <div className="stack">
          <Select
            label={t('oauth.kind')}
            value={kind}
            onValue={(v) => {
              setKind(v as 'OAUTH' | 'SETUP_TOKEN');
              setSession(null);
            }}
            options={[
              { value: 'OAUTH', label: t('oauth.kindOAuth') },
              { value: 'SETUP_TOKEN', label: t('oauth.kindSetupToken') },
            ]}
            hint={kind === 'OAUTH' ? t('oauth.kindOAuthHint') : t('oauth.kindSetupTokenHint')}
            testId="oauth-kind"
          />
          {!session ? (
            <Button variant="primary" onClick={() => void generate()} loading={startState.fetching} testId="oauth-generate">
              {t('oauth.generate')}
            </Button>
          ) : (
            <>
              <p className="muted">{t('oauth.openHint')}</p>
              <CopyField value={session.authorizeUrl} testId="oauth-url" />
              <div className="row">
                <a className="btn btn-secondary btn-md" href={session.authorizeUrl} target="_blank" rel="noreferrer noopener" data-testid="oauth-open">
                  {t('oauth.open')}
                </a>
                <Button variant="primary" onClick={() => setStep(2)} testId="oauth-next">
                  {t('oauth.haveCode')}
                </Button>
              </div>
            </>
          )}
        </div>
      )}
      {step === 2 && (
        <div className="stack">
          <Input label={t('accounts.field.name')} value={name} onValue={setName} error={nameError} required testId="oauth-name" />
          <Input label={t('oauth.code')} value={code} onValue={setCode} error={codeError} required hint={t('oauth.codeHint')} autoComplete="off" testId="oauth-code" />
          <div className="row">
            <Button variant="ghost" onClick={() => setStep(1)}>
              {t('common.back')}
            </Button>
            <Button variant="primary" onClick={() => void finish()} loading={completeState.fetching} testId="oauth-complete">
              {t('oauth.complete')}
            </Button>
          </div>
        </div>
      )}
      {step === 3 && (
        <div className="stack success-panel" data-testid="oauth-done">
          <div className="success-title">{t('oauth.done', { name: created?.name ?? '' })}</div>
          <p className="muted">{t('oauth.doneHint')}</p>
          <Button variant="primary" onClick={onClose}>
            {t('common.close')}
          </Button>
        </div>
      )}
      {error && (
        <div className="form-error" role="alert" data-testid="oauth-error">
          {error}
        </div>
      )}
    </Dialog>
  );
}
