import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { zh } from './zh.ts';
import { translate } from './I18nProvider.tsx';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n dictionaries', () => {
  it('zh translates every English key with the same placeholders', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    const mismatched = (Object.keys(en) as (keyof typeof en)[]).filter((k) => placeholders(en[k]).join() !== placeholders(zh[k]).join());
    expect(mismatched).toEqual([]);
    const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter((k) => !zh[k].trim());
    expect(untranslated).toEqual([]);
  });

  it('fills placeholders in the chosen language', () => {
    expect(translate('en', 'users.selected', { n: 3 })).toBe('3 selected');
    expect(translate('zh', 'users.selected', { n: 3 })).toBe('已选择 3 人');
    expect(translate('en', 'table.range', { from: 1, to: 20, total: 134 })).toBe('1–20 of 134');
  });
});
