package io.rivulet.bench.nexmark;

import io.rivulet.engine.Source;
import io.rivulet.engine.Sources;
import io.rivulet.ringbuffer.RecordFlyweight;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;
import org.agrona.concurrent.UnsafeBuffer;

import static io.rivulet.bench.nexmark.NexmarkEvents.*;

/**
 * Generates the Nexmark event stream into {@link NexmarkEvents#EVENT} records, deterministically: event {@code n}
 * depends only on the seed, the event-time rate and {@code n} (each event draws from its own random stream seeded
 * by the seed and its number, as Beam's generator seeds a {@code Random} per event), so any source or reference
 * can compute any event, and a person-only source and an auction-only source see the same persons and auctions as
 * the whole stream.
 * <p>
 * Proportions per 50 events: 1 person, 3 auctions, 46 bids (2 : 6 : 92 %), at event numbers {@code n % 50 == 0},
 * {@code 1..3} and {@code 4..49}. Event time: {@code baseTimeMs + n / eventsPerSecond} (in order, no disorder).
 * Semantics of the fields as in the Beam and Flink Nexmark generators:
 * <ul>
 *   <li>Person ids and auction ids count up from 1000 in creation order.</li>
 *   <li>An auction's seller is, 3 times in 4, a "hot" seller (the latest person id rounded down to a multiple of
 *       100), else one of the last 1000 persons or up to 10 persons ahead (a seller not yet created).
 *       Category 10..14; initial bid and the reserve's excess are prices; it expires within about twice the time
 *       100 auctions take to be created.</li>
 *   <li>A bid's auction is, 1 time in 2, a hot auction (the latest auction id rounded down to a multiple of 100),
 *       else one of the last 100 auctions or up to 10 ahead; the bidder is, 3 times in 4, a hot bidder (latest
 *       person id rounded down to 100, plus 1), else like a seller. Price: {@code round(10^(6u) * 100)} cents,
 *       u uniform in [0, 1). Channel: 1 time in 2 one of 4 hot channels, else {@code channel-<0..9999>}.</li>
 * </ul>
 * Not thread-safe (it reuses a scratch text buffer): one instance per thread. No allocation per event.
 */
public final class NexmarkGenerator
{
    /** Events per proportion cycle: person + auctions + bids. */
    public static final int TOTAL_PROPORTION = 50;
    static final int PERSON_PROPORTION = 1;
    static final int AUCTION_PROPORTION = 3;
    /** First person id. */
    public static final long FIRST_PERSON_ID = 1000;
    /** First auction id. */
    public static final long FIRST_AUCTION_ID = 1000;
    /** First category id; categories are {@code 10..14}. */
    public static final long FIRST_CATEGORY_ID = 10;
    static final int NUM_CATEGORIES = 5;
    static final int HOT_RATIO_BASE = 100;
    static final int HOT_AUCTION_ODDS = 2;
    static final int HOT_SELLER_ODDS = 4;
    static final int HOT_BIDDER_ODDS = 4;
    /** Persons a non-hot seller or bidder is drawn from (the latest ones). */
    public static final int ACTIVE_PEOPLE = 1000;
    /** Auctions a non-hot bid is drawn from (the latest ones). */
    public static final int IN_FLIGHT_AUCTIONS = 100;
    /** How many ids past the latest person or auction a draw may reach (one not created yet). */
    public static final int ID_LEAD = 10;
    /** Event-time rate by default (Beam's default first event rate): 10,000 events per second of event time. */
    public static final long DEFAULT_EVENTS_PER_SECOND = 10_000;
    /** Event time of event 0 by default: 2026-01-01T00:00:00Z. */
    public static final long DEFAULT_BASE_TIME_MS = 1_767_225_600_000L;

    static final String[] US_STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
    static final String[] US_CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend",
        "Redmond", "Seattle", "Kent", "Cheyenne"};
    static final String[] FIRST_NAMES = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah",
        "Deiter", "Walter"};
    static final String[] LAST_NAMES = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith",
        "Jones", "Noris"};
    static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
    static final int CHANNELS = 10_000;

    /** Fixed texts, pre-encoded once: an event copies one with {@link RecordFlyweight#copySymbol}, one bulk copy. */
    private static final SymbolTable NAMES_TABLE;
    private static final SymbolTable CITIES_TABLE = new SymbolTable(US_CITIES, CITY.lengthBytes());
    private static final SymbolTable STATES_TABLE = new SymbolTable(US_STATES, STATE.lengthBytes());
    private static final SymbolTable HOT_CHANNELS_TABLE = new SymbolTable(HOT_CHANNELS, CHANNEL.lengthBytes());
    private static final SymbolTable CHANNELS_TABLE;

    static
    {
        final String[] names = new String[FIRST_NAMES.length * LAST_NAMES.length];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = FIRST_NAMES[i / LAST_NAMES.length] + " " + LAST_NAMES[i % LAST_NAMES.length];
        }
        NAMES_TABLE = new SymbolTable(names, NAME.lengthBytes());
        final String[] channels = new String[CHANNELS];
        for (int i = 0; i < CHANNELS; i++)
        {
            channels[i] = "channel-" + i;
        }
        CHANNELS_TABLE = new SymbolTable(channels, CHANNEL.lengthBytes());
    }

    private final long seed;
    private final long eventsPerSecond;
    private final long baseTimeMs;
    private final StringBuilder text = new StringBuilder(32);
    private final RecordFlyweight namesCursor = NAMES_TABLE.cursor();
    private final RecordFlyweight citiesCursor = CITIES_TABLE.cursor();
    private final RecordFlyweight statesCursor = STATES_TABLE.cursor();
    private final RecordFlyweight hotChannelsCursor = HOT_CHANNELS_TABLE.cursor();
    private final RecordFlyweight channelsCursor = CHANNELS_TABLE.cursor();
    private long random;

    /**
     * @param seed            the stream's seed: same seed, same events.
     * @param eventsPerSecond event-time rate, > 0: event {@code n} is at {@code n * 1000 / eventsPerSecond} ms.
     * @param baseTimeMs      event time of event 0, epoch ms.
     */
    public NexmarkGenerator(final long seed, final long eventsPerSecond, final long baseTimeMs)
    {
        if (eventsPerSecond <= 0 || eventsPerSecond > 1_000_000_000L)
        {
            throw new IllegalArgumentException("eventsPerSecond must be 1 to 1e9, got " + eventsPerSecond);
        }
        this.seed = seed;
        this.eventsPerSecond = eventsPerSecond;
        this.baseTimeMs = baseTimeMs;
    }

    /**
     * @param seed the stream's seed; default rate and base time.
     */
    public NexmarkGenerator(final long seed)
    {
        this(seed, DEFAULT_EVENTS_PER_SECOND, DEFAULT_BASE_TIME_MS);
    }

    /** @return a generator of the same stream, for another thread. */
    public NexmarkGenerator copy()
    {
        return new NexmarkGenerator(seed, eventsPerSecond, baseTimeMs);
    }

    /** @param n event number. @return its {@code event_type}. */
    public static int eventType(final long n)
    {
        final long rem = n % TOTAL_PROPORTION;
        return rem < PERSON_PROPORTION ? PERSON : rem < PERSON_PROPORTION + AUCTION_PROPORTION ? AUCTION : BID;
    }

    /** @param i 0-based person number. @return the event number of the i-th person. */
    public static long personEventNumber(final long i)
    {
        return i * TOTAL_PROPORTION;
    }

    /** @param i 0-based auction number. @return the event number of the i-th auction. */
    public static long auctionEventNumber(final long i)
    {
        return (i / AUCTION_PROPORTION) * TOTAL_PROPORTION + PERSON_PROPORTION + i % AUCTION_PROPORTION;
    }

    /** @param events a stream prefix length. @return how many of its events are persons. */
    public static long personsIn(final long events)
    {
        return (events + TOTAL_PROPORTION - 1) / TOTAL_PROPORTION;
    }

    /** @param events a stream prefix length. @return how many of its events are auctions. */
    public static long auctionsIn(final long events)
    {
        final long rem = events % TOTAL_PROPORTION;
        return events / TOTAL_PROPORTION * AUCTION_PROPORTION +
            Math.max(0, Math.min(AUCTION_PROPORTION, rem - PERSON_PROPORTION));
    }

    /** @param n event number. @return its event time, epoch ms. */
    public long timestampMs(final long n)
    {
        return baseTimeMs + n * 1000L / eventsPerSecond;
    }

    /** @return event time of event 0, epoch ms. */
    public long baseTimeMs()
    {
        return baseTimeMs;
    }

    /**
     * @param ms a span of event time.
     * @return about how many events it holds, rounded up.
     */
    public long eventsIn(final long ms)
    {
        return (ms * eventsPerSecond + 999) / 1000;
    }

    /** @param events a number of events. @return the event time they span, ms, rounded up. */
    public long millisFor(final long events)
    {
        return (events * 1000 + eventsPerSecond - 1) / eventsPerSecond;
    }

    /**
     * Writes event {@code n} into {@code r} (a zeroed record of {@link NexmarkEvents#EVENT}: only the columns of
     * its kind are written). No allocation.
     *
     * @param n event number, >= 0.
     * @param r the record to fill.
     */
    public void event(final long n, final RecordFlyweight r)
    {
        random = mix(seed ^ mix(n + 0x632BE59BD9B4E019L));
        final long ts = timestampMs(n);
        r.setLong(DATE_TIME, ts);
        final int type = eventType(n);
        r.setInt(EVENT_TYPE, type);
        if (type == BID)
        {
            bid(n, ts, r);
        }
        else if (type == AUCTION)
        {
            auction(n, ts, r);
        }
        else
        {
            person(n, r);
        }
    }

    private void person(final long n, final RecordFlyweight r)
    {
        r.setLong(P_ID, lastBase0PersonId(n) + FIRST_PERSON_ID);
        final int first = nextInt(FIRST_NAMES.length);
        NAMES_TABLE.copy(namesCursor, first * LAST_NAMES.length + nextInt(LAST_NAMES.length), r, NAME);
        text.setLength(0);
        appendLetters(7).append('@');
        appendLetters(5).append(".com");
        r.setSymbol(EMAIL, text);
        text.setLength(0);
        for (int group = 0; group < 4; group++)
        {
            if (group > 0)
            {
                text.append(' ');
            }
            for (int d = 0; d < 4; d++)
            {
                text.append((char)('0' + nextInt(10)));
            }
        }
        r.setSymbol(CREDIT_CARD, text);
        CITIES_TABLE.copy(citiesCursor, nextInt(US_CITIES.length), r, CITY);
        STATES_TABLE.copy(statesCursor, nextInt(US_STATES.length), r, STATE);
    }

    private void auction(final long n, final long ts, final RecordFlyweight r)
    {
        r.setLong(A_ID, lastBase0AuctionId(n) + FIRST_AUCTION_ID);
        final long seller = nextInt(HOT_SELLER_ODDS) > 0 ?
            (lastBase0PersonId(n) / HOT_RATIO_BASE) * HOT_RATIO_BASE : nextBase0PersonId(n);
        r.setLong(SELLER, seller + FIRST_PERSON_ID);
        r.setLong(CATEGORY, FIRST_CATEGORY_ID + nextInt(NUM_CATEGORIES));
        final long initialBid = nextPrice();
        r.setLong(INITIAL_BID, initialBid);
        r.setLong(RESERVE, initialBid + nextPrice());
        r.setLong(EXPIRES, ts + nextAuctionLengthMs());
        text.setLength(0);
        appendLetters(8 + nextInt(12));
        r.setSymbol(ITEM_NAME, text);
    }

    private void bid(final long n, final long ts, final RecordFlyweight r)
    {
        final long auction = nextInt(HOT_AUCTION_ODDS) > 0 ?
            (lastBase0AuctionId(n) / HOT_RATIO_BASE) * HOT_RATIO_BASE : nextBase0AuctionId(n);
        r.setLong(AUCTION_ID, auction + FIRST_AUCTION_ID);
        final long bidder = nextInt(HOT_BIDDER_ODDS) > 0 ?
            (lastBase0PersonId(n) / HOT_RATIO_BASE) * HOT_RATIO_BASE + 1 : nextBase0PersonId(n);
        r.setLong(BIDDER, bidder + FIRST_PERSON_ID);
        r.setLong(PRICE, nextPrice());
        if (nextInt(2) > 0)
        {
            HOT_CHANNELS_TABLE.copy(hotChannelsCursor, nextInt(HOT_CHANNELS.length), r, CHANNEL);
        }
        else
        {
            CHANNELS_TABLE.copy(channelsCursor, nextInt(CHANNELS), r, CHANNEL);
        }
    }

    /** @return the 0-based id of the last person created at or before event {@code n}. */
    static long lastBase0PersonId(final long n)
    {
        final long epoch = n / TOTAL_PROPORTION;
        final long offset = Math.min(n % TOTAL_PROPORTION, PERSON_PROPORTION - 1);
        return epoch * PERSON_PROPORTION + offset;
    }

    /** @return the 0-based id of the last auction created at or before event {@code n} (0 before the first). */
    static long lastBase0AuctionId(final long n)
    {
        final long epoch = n / TOTAL_PROPORTION;
        long offset = n % TOTAL_PROPORTION;
        if (offset < PERSON_PROPORTION)
        {
            // before this cycle's first auction: the last of the previous cycle
            return Math.max(0, epoch * AUCTION_PROPORTION - 1);
        }
        offset = Math.min(offset - PERSON_PROPORTION, AUCTION_PROPORTION - 1);
        return epoch * AUCTION_PROPORTION + offset;
    }

    private long nextBase0PersonId(final long n)
    {
        final long numPeople = lastBase0PersonId(n) + 1;
        final long activePeople = Math.min(numPeople, ACTIVE_PEOPLE);
        return numPeople - activePeople + nextLong(activePeople + ID_LEAD);
    }

    private long nextBase0AuctionId(final long n)
    {
        final long maxAuction = lastBase0AuctionId(n);
        final long minAuction = Math.max(maxAuction - IN_FLIGHT_AUCTIONS, 0);
        return minAuction + nextLong(maxAuction - minAuction + 1 + ID_LEAD);
    }

    private long nextPrice()
    {
        return Math.round(pow10(nextDouble() * 6.0) * 100.0);
    }

    /** {@code 10^j/1024} for j in 0..6144, from StrictMath: the same bits on every JVM. */
    private static final double[] POW10_STEPS = new double[6 * 1024 + 1];
    private static final double LN10 = StrictMath.log(10.0);

    static
    {
        for (int j = 0; j < POW10_STEPS.length; j++)
        {
            POW10_STEPS[j] = StrictMath.pow(10.0, j / 1024.0);
        }
    }

    /**
     * {@code 10^x} for x in [0, 6], deterministic: Math.pow may round differently once the JIT swaps in its
     * intrinsic (the same event then got another price), so a StrictMath table step times a cubic for the rest
     * (relative error below 1e-11), in plain arithmetic, which Java defines exactly.
     */
    static double pow10(final double x)
    {
        final int j = (int)(x * 1024.0);
        final double d = (x - j / 1024.0) * LN10;
        return POW10_STEPS[j] * (1.0 + d * (1.0 + d * (0.5 + d * (1.0 / 6.0))));
    }

    /** About twice the time 100 in-flight auctions take to be created, at least 1 ms. */
    private long nextAuctionLengthMs()
    {
        final long eventsForAuctions = (long)IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION / AUCTION_PROPORTION;
        final long horizonMs = millisFor(eventsForAuctions);
        return 1 + nextLong(Math.max(horizonMs * 2, 1));
    }

    private StringBuilder appendLetters(final int length)
    {
        for (int i = 0; i < length; i++)
        {
            text.append((char)('a' + nextInt(26)));
        }
        return text;
    }

    private long nextRaw()
    {
        random += 0x9E3779B97F4A7C15L;
        return mix(random);
    }

    private int nextInt(final int bound)
    {
        return (int)(((nextRaw() >>> 32) * bound) >>> 32);
    }

    private long nextLong(final long bound)
    {
        return Math.floorMod(nextRaw() >>> 1, bound);
    }

    private double nextDouble()
    {
        return (nextRaw() >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser. */
    private static long mix(final long z0)
    {
        long z = z0;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The whole stream's first {@code events} events as a source (on its own thread, unpaced).
     *
     * @param events how many events.
     * @return the source.
     */
    public Source source(final long events)
    {
        final NexmarkGenerator g = copy();
        return Sources.generator(EVENT, 0, events, g::event);
    }

    /**
     * Only the persons among the stream's first {@code events} events, as a source: a join input that reads no
     * bids or auctions (the stream's event numbers and times are kept).
     *
     * @param events stream prefix length.
     * @return the source.
     */
    public Source personSource(final long events)
    {
        final NexmarkGenerator g = copy();
        return Sources.generator(EVENT, 0, personsIn(events), (i, r) -> g.event(personEventNumber(i), r));
    }

    /**
     * Only the auctions among the stream's first {@code events} events, as a source.
     *
     * @param events stream prefix length.
     * @return the source.
     */
    public Source auctionSource(final long events)
    {
        final NexmarkGenerator g = copy();
        return Sources.generator(EVENT, 0, auctionsIn(events), (i, r) -> g.event(auctionEventNumber(i), r));
    }

    /** Texts encoded as one-column records, to copy into events without re-encoding them. */
    private static final class SymbolTable
    {
        private final Schema schema;
        private final SymbolField column;
        private final UnsafeBuffer buffer;

        SymbolTable(final String[] texts, final int widthBytes)
        {
            schema = Schema.builder().symbol("text", widthBytes).build();
            column = schema.symbolField("text");
            buffer = new UnsafeBuffer(new byte[texts.length * schema.recordLengthBytes()]);
            final RecordFlyweight r = new RecordFlyweight(schema);
            for (int i = 0; i < texts.length; i++)
            {
                r.wrap(buffer, i * schema.recordLengthBytes()).setSymbol(column, texts[i]);
            }
        }

        /** @return a flyweight over this table's rows, for one thread (the tables are shared, read-only). */
        RecordFlyweight cursor()
        {
            return new RecordFlyweight(schema);
        }

        void copy(final RecordFlyweight cursor, final int index, final RecordFlyweight to, final SymbolField field)
        {
            to.copySymbol(field, cursor.wrap(buffer, index * schema.recordLengthBytes()), column);
        }
    }
}
