package io.rivulet.bench.nexmark;

import io.rivulet.ringbuffer.IntField;
import io.rivulet.ringbuffer.LongField;
import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SymbolField;

/**
 * The Nexmark event model as one fixed-width record: a person, an auction or a bid, told apart by
 * {@code event_type} (0, 1, 2, as Flink's Nexmark {@code Event.type}); the columns of the other two kinds are zero.
 * One schema for the three kinds lets one source carry the whole stream in order, as Nexmark's source does; the
 * queries select the kind they read. Field meanings follow the Nexmark generator (Beam / Flink Nexmark); the long
 * free-text fields ({@code extra}, {@code description}, {@code url}) are left out.
 * <pre>
 *   event_type INT32 | dateTime TIMESTAMP
 *   bid:     auction INT64 | bidder INT64 | price INT64 (cents) | channel SYMBOL(12)
 *   auction: a_id INT64 | item_name SYMBOL(20) | initial_bid INT64 | reserve INT64 | expires TIMESTAMP | seller INT64
 *            | category INT64
 *   person:  p_id INT64 | name SYMBOL(16) | email SYMBOL(20) | credit_card SYMBOL(19) | city SYMBOL(16) | state SYMBOL(2)
 * </pre>
 */
public final class NexmarkEvents
{
    /** {@code event_type} of a person. */
    public static final int PERSON = 0;
    /** {@code event_type} of an auction. */
    public static final int AUCTION = 1;
    /** {@code event_type} of a bid. */
    public static final int BID = 2;

    /** The event record. */
    public static final Schema EVENT = Schema.builder()
        .int32("event_type").timestamp("dateTime")
        // bids first: 92 % of events touch only the slot's first two cache lines (the stage reads no more)
        .int64("auction").int64("bidder").int64("price").symbol("channel", 12)
        .int64("a_id").symbol("item_name", 20).int64("initial_bid").int64("reserve").timestamp("expires")
        .int64("seller").int64("category")
        .int64("p_id").symbol("name", 16).symbol("email", 20).symbol("credit_card", 19).symbol("city", 16)
        .symbol("state", 2)
        .build();

    static final IntField EVENT_TYPE = EVENT.intField("event_type");
    static final LongField DATE_TIME = EVENT.longField("dateTime");
    static final LongField P_ID = EVENT.longField("p_id");
    static final SymbolField NAME = EVENT.symbolField("name");
    static final SymbolField EMAIL = EVENT.symbolField("email");
    static final SymbolField CREDIT_CARD = EVENT.symbolField("credit_card");
    static final SymbolField CITY = EVENT.symbolField("city");
    static final SymbolField STATE = EVENT.symbolField("state");
    static final LongField A_ID = EVENT.longField("a_id");
    static final SymbolField ITEM_NAME = EVENT.symbolField("item_name");
    static final LongField INITIAL_BID = EVENT.longField("initial_bid");
    static final LongField RESERVE = EVENT.longField("reserve");
    static final LongField EXPIRES = EVENT.longField("expires");
    static final LongField SELLER = EVENT.longField("seller");
    static final LongField CATEGORY = EVENT.longField("category");
    static final LongField AUCTION_ID = EVENT.longField("auction");
    static final LongField BIDDER = EVENT.longField("bidder");
    static final LongField PRICE = EVENT.longField("price");
    static final SymbolField CHANNEL = EVENT.symbolField("channel");

    private NexmarkEvents()
    {
    }
}
