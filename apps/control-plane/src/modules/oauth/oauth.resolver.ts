import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { AccountsService } from '../accounts/accounts.service.ts';
import { AccountType } from '../accounts/accounts.types.ts';
import { ClaudeAccountInput } from './oauth.inputs.ts';
import { ClaudeOAuthService } from './oauth.service.ts';
import { ClaudeOAuthStart, OAuthKind } from './oauth.types.ts';

@Resolver()
export class ClaudeOAuthResolver {
  @Authorized('ADMIN')
  @Mutation(() => ClaudeOAuthStart, { description: 'Starts a Claude OAuth (PKCE) authorization: returns the URL to open and a session id valid for 10 minutes (admins only).' })
  async startClaudeOAuth(
    @Ctx() ctx: AppContext,
    @Arg('kind', () => OAuthKind, { defaultValue: OAuthKind.OAUTH, description: 'OAUTH (refreshable tokens) or SETUP_TOKEN (inference-only, long-lived).' }) kind: OAuthKind,
  ): Promise<ClaudeOAuthStart> {
    return Object.assign(new ClaudeOAuthStart(), await new ClaudeOAuthService(serviceContext(ctx)).start(kind));
  }

  @Authorized('ADMIN')
  @Mutation(() => AccountType, { description: 'Finishes a Claude authorization: exchanges the pasted code and creates the CLAUDE_OAUTH account (admins only).' })
  async completeClaudeOAuth(
    @Ctx() ctx: AppContext,
    @Arg('sessionId', () => String, { description: 'The sessionId startClaudeOAuth returned.' }) sessionId: string,
    @Arg('code', () => String, { description: 'The authorization code shown after authorizing (the code, "code#state", or the whole callback URL).' }) code: string,
    @Arg('account', () => ClaudeAccountInput, { description: 'Name and options of the new account.' }) account: ClaudeAccountInput,
  ): Promise<AccountType> {
    const created = await new ClaudeOAuthService(serviceContext(ctx)).complete(sessionId.slice(0, 128), code.slice(0, 4096), account);
    return new AccountsService(serviceContext(ctx)).toType(created);
  }

  @Authorized('ADMIN')
  @Mutation(() => AccountType, { description: 'Creates a CLAUDE_OAUTH account from a claude.ai sessionKey cookie, without a browser: organization lookup, authorization and code exchange happen server-side (admins only). The session key is not stored.' })
  async createClaudeAccountFromSessionKey(
    @Ctx() ctx: AppContext,
    @Arg('sessionKey', () => String, { description: 'Value of the claude.ai `sessionKey` cookie. Used once, never stored.' }) sessionKey: string,
    @Arg('account', () => ClaudeAccountInput, { description: 'Name and options of the new account.' }) account: ClaudeAccountInput,
    @Arg('kind', () => OAuthKind, { defaultValue: OAuthKind.OAUTH, description: 'OAUTH (refreshable tokens) or SETUP_TOKEN (inference-only, long-lived).' }) kind: OAuthKind,
  ): Promise<AccountType> {
    const created = await new ClaudeOAuthService(serviceContext(ctx)).fromSessionKey(sessionKey.slice(0, 1024), kind, account);
    return new AccountsService(serviceContext(ctx)).toType(created);
  }
}
