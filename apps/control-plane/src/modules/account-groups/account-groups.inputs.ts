import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';

@InputType({ description: 'A new account group.' })
export class CreateAccountGroupInput {
  @Field(() => String, { description: 'Unique name (1–128 characters).' })
  @MaxLength(128)
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the group is for (at most 512 characters).' })
  @IsOptional()
  @MaxLength(512)
  description?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Member accounts (an account may be in several groups); unknown ids give BAD_USER_INPUT.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  accountIds?: string[] | null;
}

@InputType({ description: 'Changes to an account group: omitted fields stay.' })
export class UpdateAccountGroupInput {
  @Field(() => String, { nullable: true, description: 'New name.' })
  @IsOptional()
  @MaxLength(128)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description; empty removes it.' })
  @IsOptional()
  @MaxLength(512)
  description?: string | null;

  @Field(() => [ID], { nullable: true, description: 'The new member list (replaces the old one).' })
  @IsOptional()
  @ArrayMaxSize(1000)
  accountIds?: string[] | null;
}
