package io.rivulet.journal;

/**
 * What a journal holds; recorded in its schema file, so a reader knows the entry layout
 * ({@link JournalDescriptor}).
 */
public enum JournalKind
{
    /** Records an application (or a source) appended: header = ingest time. */
    INPUT,
    /** Records a pipeline produced: header = ingest time + output sequence number (1, 2, 3, ...). */
    OUTPUT
}
