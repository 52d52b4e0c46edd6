import { ArgsType, Field } from 'type-graphql';
import { IsOptional, MaxLength, MinLength } from 'class-validator';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from '../users/users.inputs.ts';

@ArgsType()
export class LoginArgs {
  @Field(() => String, { description: 'Login name.' })
  @MinLength(1, { message: 'is required' })
  @MaxLength(64)
  username!: string;

  @Field(() => String, { description: 'Password.' })
  @MinLength(1, { message: 'is required' })
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

@ArgsType()
export class ChangePasswordArgs {
  @Field(() => String, { description: 'The current password.' })
  @MinLength(1, { message: 'is required' })
  @MaxLength(PASSWORD_MAX)
  oldPassword!: string;

  @Field(() => String, { description: `The new password (${PASSWORD_MIN}–${PASSWORD_MAX} characters).` })
  @MinLength(PASSWORD_MIN, { message: `must be at least ${PASSWORD_MIN} characters` })
  @MaxLength(PASSWORD_MAX, { message: `must be at most ${PASSWORD_MAX} characters` })
  newPassword!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Keep your personal access tokens working (default: they are revoked).' })
  keepAccessTokens: boolean = false;
}

@ArgsType()
export class CreateAccessTokenArgs {
  @Field(() => String, { description: 'What the token is for (1–128 characters).' })
  @MinLength(1, { message: 'is required' })
  @MaxLength(128)
  name!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the token stops working; omit for never.' })
  @IsOptional()
  expiresAt?: Date | null;
}
