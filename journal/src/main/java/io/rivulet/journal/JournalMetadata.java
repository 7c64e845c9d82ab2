package io.rivulet.journal;

import io.rivulet.ringbuffer.Schema;

/**
 * What a journal's schema file says: the record schema, the journal kind (hence the entry layout, see
 * {@link JournalDescriptor}) and the roll cycle (hence the file names). Immutable.
 *
 * @param schema    of every record in the journal.
 * @param kind      input or output journal.
 * @param rollCycle how often the journal starts a new file.
 */
public record JournalMetadata(Schema schema, JournalKind kind, JournalRollCycle rollCycle)
{
    /**
     * @return length in bytes of every entry of the journal.
     */
    public int entryLength()
    {
        return JournalDescriptor.entryLength(kind, schema.recordLengthBytes());
    }
}
