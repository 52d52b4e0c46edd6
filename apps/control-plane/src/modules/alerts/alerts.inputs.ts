import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, MaxLength, MinLength } from 'class-validator';
import { AlertChannelKindEnum, AlertDeliveryStatusEnum, AlertEventTypeEnum } from './alerts.types.ts';

@InputType({ description: 'A new alert channel.' })
export class CreateAlertChannelInput {
  @Field(() => String, { description: 'Display name.' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  name!: string;

  @Field(() => AlertChannelKindEnum, { description: 'Message format.' })
  kind!: AlertChannelKindEnum;

  @Field(() => String, { description: 'http(s) URL the alerts are POSTed to (stored encrypted).' })
  @MaxLength(2048)
  url!: string;

  @Field(() => String, { nullable: true, description: 'Signing secret: required for WEBHOOK (16+ characters), optional for FEISHU and DINGTALK, ignored otherwise. Stored encrypted, never returned.' })
  @IsOptional()
  @MaxLength(256)
  secret?: string | null;

  @Field(() => [AlertEventTypeEnum], { description: 'Event types to send.' })
  @ArrayMaxSize(20)
  events!: AlertEventTypeEnum[];

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  @IsOptional()
  enabled?: boolean | null;
}

@InputType({ description: 'Changes to an alert channel; omitted fields keep their value.' })
export class UpdateAlertChannelInput {
  @Field(() => String, { nullable: true, description: 'Display name.' })
  @IsOptional()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New URL.' })
  @IsOptional()
  @MaxLength(2048)
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'New signing secret; an empty string removes it (not allowed for WEBHOOK).' })
  @IsOptional()
  @MaxLength(256)
  secret?: string | null;

  @Field(() => [AlertEventTypeEnum], { nullable: true, description: 'Event types to send.' })
  @IsOptional()
  @ArrayMaxSize(20)
  events?: AlertEventTypeEnum[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Enable or disable the channel.' })
  @IsOptional()
  enabled?: boolean | null;
}

@InputType({ description: 'Which alert deliveries to list.' })
export class AlertDeliveryFilter {
  @Field(() => ID, { nullable: true, description: 'Only this channel.' })
  @IsOptional()
  channelId?: string | null;

  @Field(() => AlertDeliveryStatusEnum, { nullable: true, description: 'Only this status.' })
  @IsOptional()
  status?: AlertDeliveryStatusEnum | null;
}
