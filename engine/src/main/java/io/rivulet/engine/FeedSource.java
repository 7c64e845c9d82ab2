package io.rivulet.engine;

import io.rivulet.ringbuffer.Schema;

/**
 * A user's {@link SourceFunction} run on the source's own thread; see {@link Sources#feed}.
 */
final class FeedSource extends Source
{
    private final SourceFunction function;

    FeedSource(final Schema schema, final String name, final SourceFunction function)
    {
        super(schema, name);
        this.function = function;
    }

    @Override
    boolean ownsThread()
    {
        return true;
    }

    @Override
    void produce(final SourceContext ctx) throws Exception
    {
        function.run(ctx);
    }
}
