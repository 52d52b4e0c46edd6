import { Field, ID, InputType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { DateTimeScalar } from '../../graphql/scalars.ts';

@InputType({ description: 'Narrows the audit log; every field is optional and they combine with AND.' })
export class AuditLogFilter {
  @Field(() => String, { nullable: true, description: 'Exact action, e.g. "user.update".' })
  @IsOptional()
  @MaxLength(64)
  action?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only actions by this user.' })
  @IsOptional()
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only actions on this kind of object, e.g. "user".' })
  @IsOptional()
  @MaxLength(64)
  targetType?: string | null;

  @Field(() => String, { nullable: true, description: 'Only actions on the object with this id.' })
  @IsOptional()
  @MaxLength(64)
  targetId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only actions at or after this time.' })
  @IsOptional()
  since?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only actions before this time.' })
  @IsOptional()
  until?: Date | null;
}
