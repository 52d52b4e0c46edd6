import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars.ts';

export enum OAuthKind {
  OAUTH = 'OAUTH',
  SETUP_TOKEN = 'SETUP_TOKEN',
}
registerEnumType(OAuthKind, {
  name: 'OAuthKind',
  description: 'Which kind of Claude subscription credential to obtain.',
  valuesConfig: {
    OAUTH: { description: 'Full OAuth: access + refresh token, refreshed automatically before expiry.' },
    SETUP_TOKEN: { description: 'Setup token: inference-only scope, long-lived (one year), never refreshed.' },
  },
});

@ObjectType({ description: 'A started Claude authorization: open the URL, then send the code to completeClaudeOAuth.' })
export class ClaudeOAuthStart {
  @Field(() => String, { description: 'Id of this pending authorization (pass it to completeClaudeOAuth).' })
  sessionId!: string;

  @Field(() => String, { description: 'The claude.ai authorization URL (PKCE S256 challenge and state included) for the admin to open.' })
  authorizeUrl!: string;

  @Field(() => DateTimeScalar, { description: 'When this pending authorization expires (10 minutes).' })
  expiresAt!: Date;
}
