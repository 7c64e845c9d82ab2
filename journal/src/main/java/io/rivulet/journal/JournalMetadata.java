package io.rivulet.journal;

import io.rivulet.ringbuffer.Schema;

/**
 * What a journal's schema file says: the record schema and the journal kind (hence the entry layout, see
 * {@link JournalDescriptor}). Immutable.
 *
 * @param schema of every record in the journal.
 * @param kind   input or output journal.
 */
public record JournalMetadata(Schema schema, JournalKind kind)
{
    /**
     * @return length in bytes of every entry of the journal.
     */
    public int entryLength()
    {
        return JournalDescriptor.entryLength(kind, schema.recordLengthBytes());
    }
}
