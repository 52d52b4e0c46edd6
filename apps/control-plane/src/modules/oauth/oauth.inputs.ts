import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';

@InputType({ description: 'Options of the CLAUDE_OAUTH account an OAuth flow creates (the credentials come from the flow).' })
export class ClaudeAccountInput {
  @Field(() => String, { description: 'Display name (1–128 characters).' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Scheduling priority 0–1000: lower numbers are tried first (default 50).' })
  @IsOptional()
  @Min(0)
  @Max(1000)
  priority?: number | null;

  @Field(() => [String], { nullable: true, description: 'Models this account serves; null = every Claude model.' })
  @IsOptional()
  @ArrayMaxSize(500)
  @MaxLength(128, { each: true })
  models?: string[] | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Client model name → model id sent upstream.' })
  @IsOptional()
  modelMapping?: Record<string, unknown> | null;

  @Field(() => Int, { nullable: true, description: 'Most concurrent requests on this account; null = unlimited.' })
  @IsOptional()
  @Min(1)
  @Max(100_000)
  concurrency?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the proxy may route requests to it (default true).' })
  @IsOptional()
  schedulable?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Egress proxy URL (http://, https:// or socks5://). Write-only.' })
  @IsOptional()
  @MaxLength(1024)
  egressProxy?: string | null;

  @Field(() => String, { nullable: true, description: 'API base URL; null = https://api.anthropic.com.' })
  @IsOptional()
  @MaxLength(512)
  baseUrl?: string | null;
}
