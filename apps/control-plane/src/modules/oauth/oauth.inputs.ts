import { Field, InputType } from 'type-graphql';
import { IsOptional, MaxLength, MinLength } from 'class-validator';
import { AccountRoutingInput } from '../accounts/accounts.inputs.ts';

@InputType({ description: 'Options of the CLAUDE_OAUTH account an OAuth flow creates (the credentials come from the flow).' })
export class ClaudeAccountInput extends AccountRoutingInput {
  @Field(() => String, { description: 'Display name (1–128 characters).' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  name!: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether the proxy may route requests to it (default true).' })
  @IsOptional()
  schedulable?: boolean | null;

  @Field(() => String, { nullable: true, description: 'API base URL; null = https://api.anthropic.com.' })
  @IsOptional()
  @MaxLength(512)
  baseUrl?: string | null;
}
