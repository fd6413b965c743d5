export { defaultListViewSettings, type ListViewSettings, openListView } from './open';
export { loadSnapshot, outboxProbe } from './snapshot';
export { ListStore, type ListStoreOptions, type StoreEntry, type StoreStats } from './store';
export {
  ListView,
  type ListViewOptions,
  ListViewStale,
  type ListViewStatus,
  type OutboxProbe,
  parseChangelogValue,
  type RunningListView,
  startListView,
} from './view';
