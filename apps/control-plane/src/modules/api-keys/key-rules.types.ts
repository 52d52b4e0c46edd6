import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import type { ClientFamily as CoreClientFamily } from '@relay/core';

/** GraphQL names of the client families of @relay/core (`claude-code` ↔ CLAUDE_CODE). */
export enum ClientFamily {
  CLAUDE_CODE = 'CLAUDE_CODE',
  CODEX = 'CODEX',
  GEMINI_CLI = 'GEMINI_CLI',
}
registerEnumType(ClientFamily, {
  name: 'ClientFamily',
  description: 'A client an API key can be limited to, recognised by its User-Agent.',
  valuesConfig: {
    CLAUDE_CODE: { description: 'Claude Code (`claude-cli/<version> (external, cli)`).' },
    CODEX: { description: 'OpenAI Codex CLI (`codex_cli_rs/<version>`, `codex_exec/<version>`).' },
    GEMINI_CLI: { description: 'Google Gemini CLI (`GeminiCLI/<version>/…`, `GeminiCLI-tui/<version>/…`).' },
  },
});

export function toClientFamily(f: ClientFamily): CoreClientFamily {
  return f.toLowerCase().replace('_', '-') as CoreClientFamily;
}
export function fromClientFamily(f: CoreClientFamily): ClientFamily {
  return f.toUpperCase().replace('-', '_') as ClientFamily;
}

@ObjectType('ModelMappingEntry', { description: 'One model alias of an API key: requests for `from` are served as `to`.' })
export class ModelMappingEntryType {
  @Field(() => String, { description: 'The model the client asks for (e.g. "sonnet").' })
  from!: string;

  @Field(() => String, { description: 'The model served, checked against the key\'s allowed models and billed (e.g. "claude-sonnet-4-5").' })
  to!: string;
}

@InputType({ description: 'One model alias of an API key.' })
export class ModelMappingEntryInput {
  @Field(() => String, { description: 'The model the client asks for (1–128 characters).' })
  @MaxLength(128)
  from!: string;

  @Field(() => String, { description: 'The model served (1–128 characters).' })
  @MaxLength(128)
  to!: string;
}

/** The mapping as stored from its GraphQL list: trimmed, each alias once, never to itself; empty = null. */
export function modelMappingOf(entries: readonly ModelMappingEntryInput[], badInput: (message: string) => Error): Record<string, string> | null {
  const mapping: Record<string, string> = {};
  for (const e of entries) {
    const from = e.from.trim();
    const to = e.to.trim();
    if (!from || !to) throw badInput('from and to must not be empty');
    if (from === to) throw badInput(`"${from}" maps to itself`);
    if (Object.prototype.hasOwnProperty.call(mapping, from)) throw badInput(`"${from}" is mapped twice`);
    mapping[from] = to;
  }
  return Object.keys(mapping).length ? mapping : null;
}

/** The stored mapping as a GraphQL list, by alias. */
export function modelMappingList(mapping: Record<string, string> | null): ModelMappingEntryType[] | null {
  if (!mapping) return null;
  return Object.keys(mapping).sort().map((from) => Object.assign(new ModelMappingEntryType(), { from, to: mapping[from] }));
}
