import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { serviceContext, type AppContext } from '../../graphql/context.ts';
import { parseId } from '../../graphql/ids.ts';
import { PageInput, pageOf } from '../../graphql/pagination.ts';
import { AlertDeliveryFilter, CreateAlertChannelInput, UpdateAlertChannelInput } from './alerts.inputs.ts';
import { AlertChannelsService } from './alerts.service.ts';
import { AlertChannelType, AlertDeliveryType, PagedAlertDeliveries } from './alerts.types.ts';

@Resolver(() => AlertChannelType)
export class AlertsResolver {
  @Authorized('ADMIN')
  @Query(() => [AlertChannelType], { description: 'Every alert channel (admins only).' })
  async alertChannels(@Ctx() ctx: AppContext): Promise<AlertChannelType[]> {
    const service = new AlertChannelsService(serviceContext(ctx));
    return (await service.list()).map((c) => AlertChannelType.from(c, service.isSigned(c)));
  }

  @Authorized('ADMIN')
  @Query(() => PagedAlertDeliveries, { description: 'Alert deliveries, newest first: status, attempts and last error (admins only).' })
  async alertDeliveries(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => AlertDeliveryFilter, { nullable: true, description: 'Optional filter.' }) filter?: AlertDeliveryFilter | null,
    @Arg('page', () => PageInput, { nullable: true, description: 'Which page (default: first 50).' }) page?: PageInput | null,
  ): Promise<PagedAlertDeliveries> {
    const result = await new AlertChannelsService(serviceContext(ctx)).deliveries(
      { channelId: filter?.channelId ? parseId(filter.channelId, 'channelId') : undefined, status: filter?.status ?? undefined },
      pageOf(page),
    );
    return { items: result.items.map((i) => AlertDeliveryType.from(i.delivery, i.channelName)), total: result.total };
  }

  @Authorized('ADMIN')
  @Mutation(() => AlertChannelType, { description: 'Creates an alert channel (admins only).' })
  async createAlertChannel(@Ctx() ctx: AppContext, @Arg('input', () => CreateAlertChannelInput, { description: 'The channel.' }) input: CreateAlertChannelInput): Promise<AlertChannelType> {
    const service = new AlertChannelsService(serviceContext(ctx));
    const c = await service.create(input);
    return AlertChannelType.from(c, service.isSigned(c));
  }

  @Authorized('ADMIN')
  @Mutation(() => AlertChannelType, { description: 'Changes an alert channel (admins only).' })
  async updateAlertChannel(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { description: 'Channel id.' }) id: string,
    @Arg('input', () => UpdateAlertChannelInput, { description: 'The changes.' }) input: UpdateAlertChannelInput,
  ): Promise<AlertChannelType> {
    const service = new AlertChannelsService(serviceContext(ctx));
    const c = await service.update(parseId(id), input);
    return AlertChannelType.from(c, service.isSigned(c));
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Deletes an alert channel and its deliveries (admins only).' })
  async deleteAlertChannel(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'Channel id.' }) id: string): Promise<boolean> {
    return new AlertChannelsService(serviceContext(ctx)).delete(parseId(id));
  }

  @Authorized('ADMIN')
  @Mutation(() => AlertDeliveryType, { description: 'Queues a test alert to the channel and returns its delivery (follow it in alertDeliveries) (admins only).' })
  async sendTestAlert(@Ctx() ctx: AppContext, @Arg('id', () => ID, { description: 'Channel id.' }) id: string): Promise<AlertDeliveryType> {
    const service = new AlertChannelsService(serviceContext(ctx));
    const d = await service.sendTest(parseId(id));
    return AlertDeliveryType.from(d, (await service.get(d.channelId)).name);
  }
}
