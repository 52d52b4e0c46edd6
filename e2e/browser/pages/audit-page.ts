// Audit log (admin): who changed what, newest first.
import { BasePage } from './base-page.ts';

export class AuditPage extends BasePage {
  readonly path = '/audit';
  readonly id = 'audit';
}
