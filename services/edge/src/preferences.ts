// The preference page's reads (issue 13): the topic registry and the list, through verbs of
// @sp/suppression (DESIGN.md: handlers never touch the database themselves).
import { emailPreferences, type SuppressionContext } from '@sp/suppression';
import type { PreferenceStore, PreferenceTopic } from './deps';

/**
 * A PreferenceStore over the list's database. `emailTopics` reads the registry (the active topics
 * of the email channel); it is a function so the caller decides how (and how often) to read it.
 */
export function listPreferences(
  list: SuppressionContext,
  emailTopics: () => Promise<PreferenceTopic[]>,
): PreferenceStore {
  return {
    emailTopics,
    state: (email, topicIds) => emailPreferences(list, email, topicIds),
  };
}
