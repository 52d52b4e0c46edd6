import { describe, expect, it } from 'vitest';
import { mobileCellClass, mobileLayout, type Column } from './Table.tsx';

const col = (key: string, header: Column<unknown>['header'], extra: Partial<Column<unknown>> = {}): Column<unknown> => ({ key, header, render: () => null, ...extra });

describe('phone card layout of a table', () => {
  it('heads each card with the first text column, puts a checkbox before it and the buttons last', () => {
    const roles = mobileLayout([col('select', { type: 'input' } as never), col('name', 'Name'), col('role', 'Role'), col('created', 'Created', { hideOnMobile: true }), col('actions', '')]);
    expect(roles).toEqual([
      { role: 'lead', label: '' },
      { role: 'title', label: 'Name' },
      { role: 'field', label: 'Role' },
      { role: 'hidden', label: 'Created' },
      { role: 'actions', label: '' },
    ]);
  });

  it('lets a page choose the title and half-width fields', () => {
    const roles = mobileLayout([col('time', 'Time', { mobile: 'field' }), col('model', 'Model', { mobile: 'title' }), col('cost', 'Cost', { mobile: 'half' })]);
    expect(roles.map((r) => r.role)).toEqual(['field', 'title', 'half']);
  });

  it('hides a hidden cell with the shared phone class', () => {
    expect(mobileCellClass('hidden')).toBe('cell-m-hidden hide-mobile');
    expect(mobileCellClass('half')).toBe('cell-m-half');
  });
});
