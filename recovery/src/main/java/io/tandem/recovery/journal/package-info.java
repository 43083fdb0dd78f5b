/**
 * A controller's event journal on Chronicle Queue: {@link io.tandem.recovery.journal.EventJournal} appends typed
 * events, {@link io.tandem.recovery.journal.EventJournalReader} reads or follows them from any process, and
 * {@link io.tandem.recovery.journal.JournalResume} tells a restarted takeover which consumers it may skip.
 */
package io.tandem.recovery.journal;
