import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { parseId } from '../../graphql/ids.ts';
import { UserType } from '../users/users.types.ts';
import { ChangePasswordArgs, CreateAccessTokenArgs, LoginArgs } from './auth.inputs.ts';
import { AuthService } from './auth.service.ts';
import { AccessTokenType, CreatedAccessToken, LoginResult } from './auth.types.ts';

@Resolver()
export class AuthResolver {
  @Mutation(() => LoginResult, { description: 'Logs in. Wrong credentials give UNAUTHENTICATED; after repeated failures from one address, LIMIT_EXCEEDED with retryAfterSeconds until the next attempt.' })
  async login(@Ctx() ctx: AppContext, @Args(() => LoginArgs) { username, password }: LoginArgs): Promise<LoginResult> {
    const r = await new AuthService(serviceContext(ctx)).login(username, password);
    return Object.assign(new LoginResult(), { token: r.token, expiresAt: r.expiresAt, user: UserType.from(r.user) });
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends the credential of this request: the login session, or the personal access token (revoked). True when one was ended.' })
  async logout(@Ctx() ctx: AppContext): Promise<boolean> {
    return new AuthService(serviceContext(ctx)).logout();
  }

  @Authorized()
  @Query(() => UserType, { description: 'The logged-in user.' })
  async me(@Ctx() ctx: AppContext): Promise<UserType> {
    return UserType.from(await new AuthService(serviceContext(ctx)).me());
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Changes your password, logs out your other sessions and revokes your personal access tokens (unless keepAccessTokens).' })
  async changePassword(@Ctx() ctx: AppContext, @Args(() => ChangePasswordArgs) { oldPassword, newPassword, keepAccessTokens }: ChangePasswordArgs): Promise<boolean> {
    return new AuthService(serviceContext(ctx)).changePassword(oldPassword, newPassword, keepAccessTokens);
  }

  @Authorized()
  @Mutation(() => CreatedAccessToken, { description: 'Creates a personal access token for scripts; the token is shown only in this response. Needs a login session (FORBIDDEN with an access token).' })
  async createAccessToken(@Ctx() ctx: AppContext, @Args(() => CreateAccessTokenArgs) { name, expiresAt }: CreateAccessTokenArgs): Promise<CreatedAccessToken> {
    const r = await new AuthService(serviceContext(ctx)).createAccessToken(name, expiresAt);
    return Object.assign(new CreatedAccessToken(), { token: r.token, accessToken: AccessTokenType.from(r.accessToken) });
  }

  @Authorized()
  @Query(() => [AccessTokenType], { description: 'Your personal access tokens, newest first.' })
  async accessTokens(@Ctx() ctx: AppContext): Promise<AccessTokenType[]> {
    return (await new AuthService(serviceContext(ctx)).listAccessTokens()).map((t) => AccessTokenType.from(t));
  }

  @Authorized()
  @Mutation(() => AccessTokenType, { description: 'Revokes one of your personal access tokens; it stops working at once.' })
  async revokeAccessToken(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'Token id.' }) id: string): Promise<AccessTokenType> {
    return AccessTokenType.from(await new AuthService(serviceContext(ctx)).revokeAccessToken(parseId(id)));
  }
}
