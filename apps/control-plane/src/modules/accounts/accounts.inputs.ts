import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { PlatformEnum } from './platform.enum.ts';
import { AccountStatus } from './accounts.types.ts';


/**
 * How the proxies route to an account: shared by every input that creates or changes one (also the
 * OAuth flows' ClaudeAccountInput).
 */
@InputType({ description: 'Base of the account input types that extend it (not used on its own).' })
export abstract class AccountRoutingInput {
  @Field(() => Int, { nullable: true, description: 'Scheduling priority 0–1000: lower numbers are tried first (default 50).' })
  @IsOptional()
  @Min(0)
  @Max(1000)
  priority?: number | null;

  @Field(() => [String], { nullable: true, description: 'Models this account serves; null or empty = every model of its platform family.' })
  @IsOptional()
  @ArrayMaxSize(500)
  @MaxLength(128, { each: true })
  models?: string[] | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Client model name → model id sent upstream, e.g. {"claude-sonnet-4": "us.anthropic.claude-sonnet-4-v1:0"}.' })
  @IsOptional()
  modelMapping?: Record<string, unknown> | null;

  @Field(() => Int, { nullable: true, description: 'Most concurrent requests on this account; null = unlimited.' })
  @IsOptional()
  @Min(1)
  @Max(100_000)
  concurrency?: number | null;

  @Field(() => Int, { nullable: true, description: 'Seconds between scheduled health probes (30–86400); null = no scheduled probe (the default for new accounts). On update, omitted keeps it and null turns probes off.' })
  @IsOptional()
  @Min(30)
  @Max(86_400)
  probeIntervalSeconds?: number | null;

  @Field(() => String, { nullable: true, description: 'Egress proxy URL (http://, https:// or socks5://, may carry a password). Write-only; empty string removes it.' })
  @IsOptional()
  @MaxLength(1024)
  egressProxy?: string | null;
}

/**
 * Fields shared by create and update. Credential fields are write-only: the API never returns them
 * (only `credentialHint`). Which fields a platform needs is checked per platform in the service.
 */
@InputType({ description: 'Base of the input types that extend it (not used on its own).' })
abstract class AccountFieldsInput extends AccountRoutingInput {
  @Field(() => String, { nullable: true, description: 'API base URL (http/https). Required for CCR and AZURE_OPENAI (the resource endpoint); optional elsewhere.' })
  @IsOptional()
  @MaxLength(512)
  baseUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'API key (CLAUDE_CONSOLE, CCR, OPENAI, GEMINI, AZURE_OPENAI; or a Bedrock API key). Write-only.' })
  @IsOptional()
  @MaxLength(8192)
  apiKey?: string | null;

  @Field(() => String, { nullable: true, description: 'CLAUDE_OAUTH: OAuth access token (pasted). Write-only.' })
  @IsOptional()
  @MaxLength(8192)
  accessToken?: string | null;

  @Field(() => String, { nullable: true, description: 'CLAUDE_OAUTH: OAuth refresh token (pasted); without one the token is not refreshed. Write-only.' })
  @IsOptional()
  @MaxLength(8192)
  refreshToken?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'CLAUDE_OAUTH: when the pasted access token expires (null = unknown, never refreshed ahead).' })
  @IsOptional()
  expiresAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'BEDROCK: AWS region, e.g. us-east-1.' })
  @IsOptional()
  @MaxLength(32)
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'BEDROCK: AWS access key id.' })
  @IsOptional()
  @MaxLength(128)
  accessKeyId?: string | null;

  @Field(() => String, { nullable: true, description: 'BEDROCK: AWS secret access key. Write-only.' })
  @IsOptional()
  @MaxLength(8192)
  secretAccessKey?: string | null;

  @Field(() => String, { nullable: true, description: 'BEDROCK: AWS session token (temporary credentials). Write-only.' })
  @IsOptional()
  @MaxLength(8192)
  sessionToken?: string | null;

  @Field(() => String, { nullable: true, description: 'AZURE_OPENAI: deployment name.' })
  @IsOptional()
  @MaxLength(64)
  deployment?: string | null;

  @Field(() => String, { nullable: true, description: 'AZURE_OPENAI: API version (default 2024-10-21).' })
  @IsOptional()
  @MaxLength(32)
  apiVersion?: string | null;
}

@InputType({ description: 'A new upstream account. Which credential fields are required depends on the platform.' })
export class CreateAccountInput extends AccountFieldsInput {
  @Field(() => String, { description: 'Display name (1–128 characters).' })
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  name!: string;

  @Field(() => PlatformEnum, { description: 'The upstream platform.' })
  platform!: PlatformEnum;

  @Field(() => Boolean, { nullable: true, description: 'Whether the proxy may route requests to it (default true).' })
  @IsOptional()
  schedulable?: boolean | null;
}

@InputType({ description: 'Changes to an account; omitted fields stay as they are. The platform cannot change.' })
export class UpdateAccountInput extends AccountFieldsInput {
  @Field(() => String, { nullable: true, description: 'New display name.' })
  @IsOptional()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(128)
  name?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the proxy may route requests to it.' })
  @IsOptional()
  schedulable?: boolean | null;

  @Field(() => AccountStatus, { nullable: true, description: 'ACTIVE re-enables an account (also one in ERROR); DISABLED takes it out of service; ERROR cannot be set by hand.' })
  @IsOptional()
  status?: AccountStatus | null;
}
