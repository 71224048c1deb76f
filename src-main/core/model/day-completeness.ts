/** Whether the provider considers a business day finished and whether our cache holds all of it. */
export interface DayCompleteness {
  stream: string;
  date: string;
  state: 'complete' | 'open' | 'partial';
  detail?: string;
}
