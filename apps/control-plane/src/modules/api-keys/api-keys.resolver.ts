import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { parseId } from '../../graphql/ids.ts';
import { PageInput, pageOf } from '../../graphql/pagination.ts';
import { UsageRecordPage } from '../usage/usage.types.ts';
import { RecordPageInput } from '../usage/usage.inputs.ts';
import { recordPage } from '../usage/usage.resolver.ts';
import { UsageService } from '../usage/usage.service.ts';
import { ApiKeyFilter, CreateApiKeyInput, UpdateApiKeyInput } from './api-keys.inputs.ts';
import { ApiKeysService } from './api-keys.service.ts';
import { ApiKeyType, CreatedApiKey, PagedApiKeys } from './api-keys.types.ts';

@Resolver(() => ApiKeyType)
export class ApiKeysResolver {
  @Authorized()
  @Query(() => [ApiKeyType], { description: 'Your API keys, oldest first.' })
  async myApiKeys(@Ctx() ctx: AppContext): Promise<ApiKeyType[]> {
    return (await new ApiKeysService(serviceContext(ctx)).listOwn()).map((k) => ApiKeyType.from(k));
  }

  @Authorized()
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key for you. The full key is in this response only. More than your key limit gives LIMIT_EXCEEDED.' })
  async createApiKey(@Ctx() ctx: AppContext, @Arg('input', () => CreateApiKeyInput, { description: 'Name and limits of the new key.' }) input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const { key, apiKey } = await new ApiKeysService(serviceContext(ctx)).create(input);
    return Object.assign(new CreatedApiKey(), { key, apiKey: ApiKeyType.from(apiKey) });
  }

  @Authorized()
  @Mutation(() => ApiKeyType, { description: 'Changes one of your API keys (admins: any key). Takes effect on every proxy before this returns.' })
  async updateApiKey(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { description: 'API key id.' }) id: string,
    @Arg('input', () => UpdateApiKeyInput, { description: 'The changes.' }) input: UpdateApiKeyInput,
  ): Promise<ApiKeyType> {
    return ApiKeyType.from(await new ApiKeysService(serviceContext(ctx)).update(parseId(id), input));
  }

  @Authorized()
  @Mutation(() => ApiKeyType, { description: 'Enables or disables one of your API keys (admins: any key).' })
  async setApiKeyEnabled(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { description: 'API key id.' }) id: string,
    @Arg('enabled', () => Boolean, { description: 'true to accept the key, false to refuse it.' }) enabled: boolean,
  ): Promise<ApiKeyType> {
    return ApiKeyType.from(await new ApiKeysService(serviceContext(ctx)).setEnabled(parseId(id), enabled));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes one of your API keys (admins: any key); it stops working at once.' })
  async deleteApiKey(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'API key id.' }) id: string): Promise<boolean> {
    return new ApiKeysService(serviceContext(ctx)).delete(parseId(id));
  }

  @Authorized('ADMIN')
  @Query(() => PagedApiKeys, { description: 'Every user\'s API keys with owner and usage, by id (admins only).' })
  async allApiKeys(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => ApiKeyFilter, { nullable: true, description: 'Optional filter.' }) filter?: ApiKeyFilter | null,
    @Arg('page', () => PageInput, { nullable: true, description: 'Which page (default: first 50).' }) page?: PageInput | null,
  ): Promise<PagedApiKeys> {
    const userId = filter?.userId ? parseId(filter.userId, 'userId') : null;
    const result = await new ApiKeysService(serviceContext(ctx)).listAll(filter, pageOf(page), userId);
    return Object.assign(new PagedApiKeys(), { items: result.items.map((k) => ApiKeyType.from(k)), total: result.total });
  }

  @Authorized('ADMIN')
  @Query(() => UsageRecordPage, { description: 'The requests made with one API key, newest first, keyset-paginated over the last 92 days (admins only).' })
  async apiKeyLogs(
    @Ctx() ctx: AppContext,
    @Arg('apiKeyId', () => ID, { description: 'API key id.' }) apiKeyId: string,
    @Arg('page', () => RecordPageInput, { nullable: true, description: 'Which page (default: the newest 50).' }) page?: RecordPageInput | null,
  ): Promise<UsageRecordPage> {
    const result = await new UsageService(serviceContext(ctx)).records({ userId: null, apiKeyId: parseId(apiKeyId, 'apiKeyId') }, {}, recordPage(page));
    return UsageRecordPage.of(result);
  }
}
