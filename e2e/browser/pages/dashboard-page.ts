// The signed-in landing page: usage summary and account health.
import { BasePage } from './base-page.ts';

export class DashboardPage extends BasePage {
  readonly path = '/';
  readonly id = 'dashboard';
}
