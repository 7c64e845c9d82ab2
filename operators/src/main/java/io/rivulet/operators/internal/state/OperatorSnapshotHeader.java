package io.rivulet.operators.internal.state;

import io.rivulet.ringbuffer.internal.SnapshotReader;
import io.rivulet.ringbuffer.internal.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The header a stateful operator writes before its state: a magic number, the operator's snapshot format version
 * and its definition (a readable string naming everything that shapes the state: kind, columns, schemas,
 * parameters). Restoring checks all three, so a checkpoint of another pipeline, or of this one before its
 * definition changed, fails with one message naming both definitions instead of reading one layout as another.
 * <pre>
 *   0        4          8            12
 *   +--------+----------+------------+---------------------------+------------------------
 *   | magic  | version  | def length | definition (UTF-8 bytes)  | the operator's state ...
 *   +--------+----------+------------+---------------------------+------------------------
 * </pre>
 * Built once per operator (the definition's bytes are encoded up front), so writing it allocates nothing.
 */
public final class OperatorSnapshotHeader
{
    /** "RVOP". */
    public static final int MAGIC = 0x52564F50;
    private static final int MAX_DEFINITION_BYTES = 64 * 1024;

    private final int version;
    private final String definition;
    private final UnsafeBuffer definitionBytes;

    /**
     * @param version    the operator's snapshot format version; bump it when the layout after the header changes.
     * @param definition what the state depends on, e.g. {@code describe() + " input=" + schema}.
     */
    public OperatorSnapshotHeader(final int version, final String definition)
    {
        this.version = version;
        this.definition = definition;
        final byte[] bytes = definition.getBytes(StandardCharsets.UTF_8);
        this.definitionBytes = new UnsafeBuffer(bytes.length > MAX_DEFINITION_BYTES ?
            java.util.Arrays.copyOf(bytes, MAX_DEFINITION_BYTES) : bytes);
    }

    /** @return the definition this header writes and expects. */
    public String definition()
    {
        return definition;
    }

    /** Writes the header. Allocation-free. */
    public void write(final SnapshotWriter out)
    {
        out.putInt(MAGIC).putInt(version).putInt(definitionBytes.capacity())
            .putBytes(definitionBytes, 0, definitionBytes.capacity());
    }

    /**
     * Reads and checks the header, leaving the reader at the operator's state.
     *
     * @throws IllegalStateException naming both definitions if the snapshot is another operator's.
     */
    public void read(final SnapshotReader in)
    {
        final int magic = in.remaining() >= 4 ? in.getInt() : 0;
        if (magic != MAGIC)
        {
            throw new IllegalStateException("checkpoint holds no state for operator '" + definition + "' (its " +
                "section does not start with an operator snapshot header): a checkpoint of another pipeline, " +
                "or a corrupt one; start without the checkpoint");
        }
        final int actualVersion = in.getInt();
        final int length = in.getInt();
        if (length < 0 || length > MAX_DEFINITION_BYTES || length > in.remaining())
        {
            throw new IllegalStateException("checkpoint state for operator '" + definition + "' is corrupt: its " +
                "definition is " + length + " bytes long; start without the checkpoint");
        }
        final byte[] actual = new byte[length];
        in.getBytes(new UnsafeBuffer(actual), 0, length);
        if (!java.util.Arrays.equals(actual, definitionBytes.byteArray()))
        {
            throw new IllegalStateException("checkpoint holds the state of operator '" +
                new String(actual, StandardCharsets.UTF_8) + "' but this pipeline has '" + definition + "' " +
                "there: the pipeline definition changed since the checkpoint; restore with the definition that " +
                "wrote it, or start without the checkpoint");
        }
        if (actualVersion != version)
        {
            throw new IllegalStateException("checkpoint state of operator '" + definition + "' has snapshot " +
                "format " + actualVersion + ", this build reads format " + version + "; restore with the " +
                "Rivulet version that wrote it, or start without the checkpoint");
        }
    }
}
