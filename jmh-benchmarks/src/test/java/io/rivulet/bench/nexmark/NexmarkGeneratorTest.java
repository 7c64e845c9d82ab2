package io.rivulet.bench.nexmark;

import io.rivulet.ringbuffer.RecordFlyweight;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.rivulet.bench.nexmark.NexmarkEvents.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Nexmark generator: proportions, determinism by seed, id and time semantics, kind-only numbering. */
class NexmarkGeneratorTest
{
    private static List<Object> decode(final NexmarkGenerator g, final long n)
    {
        final RecordFlyweight r = NexmarkQueries.scratch();
        g.event(n, r);
        final List<Object> row = new ArrayList<>();
        for (final io.rivulet.ringbuffer.Field f : EVENT.fields())
        {
            row.add(r.getValue(f));
        }
        return row;
    }

    @Test
    void shouldGeneratePersonsAuctionsAndBidsAtTwoSixNinetyTwoPercent()
    {
        final long[] kinds = new long[3];
        for (long n = 0; n < 50_000; n++)
        {
            kinds[NexmarkGenerator.eventType(n)]++;
        }
        assertEquals(1_000, kinds[PERSON]);
        assertEquals(3_000, kinds[AUCTION]);
        assertEquals(46_000, kinds[BID]);
        for (final long prefix : new long[]{0, 1, 2, 4, 5, 49, 50, 51, 53, 1234, 50_000})
        {
            long persons = 0;
            long auctions = 0;
            for (long n = 0; n < prefix; n++)
            {
                persons += NexmarkGenerator.eventType(n) == PERSON ? 1 : 0;
                auctions += NexmarkGenerator.eventType(n) == AUCTION ? 1 : 0;
            }
            assertEquals(persons, NexmarkGenerator.personsIn(prefix), "persons in " + prefix);
            assertEquals(auctions, NexmarkGenerator.auctionsIn(prefix), "auctions in " + prefix);
        }
    }

    @Test
    void shouldBeDeterministicBySeedAndNumberKindOnlyEventsLikeTheWholeStream()
    {
        final NexmarkGenerator a = new NexmarkGenerator(42);
        final NexmarkGenerator b = new NexmarkGenerator(42);
        for (long n = 0; n < 500; n++)
        {
            assertEquals(decode(a, n), decode(b, n));
        }
        assertNotEquals(decode(a, 7), decode(new NexmarkGenerator(43), 7));
        for (long i = 0; i < 100; i++)
        {
            assertEquals(PERSON, NexmarkGenerator.eventType(NexmarkGenerator.personEventNumber(i)));
            assertEquals(AUCTION, NexmarkGenerator.eventType(NexmarkGenerator.auctionEventNumber(i)));
            assertEquals(i + NexmarkGenerator.FIRST_PERSON_ID,
                decode(a, NexmarkGenerator.personEventNumber(i)).get(EVENT.field("p_id").index()), "person ids count up from 1000");
            assertEquals(i + NexmarkGenerator.FIRST_AUCTION_ID,
                decode(a, NexmarkGenerator.auctionEventNumber(i)).get(EVENT.field("a_id").index()), "auction ids count up from 1000");
        }
    }

    @Test
    void shouldFollowNexmarkFieldSemantics()
    {
        final NexmarkGenerator g = new NexmarkGenerator(1);
        final RecordFlyweight r = NexmarkQueries.scratch();
        final Set<String> states = new HashSet<>();
        long hotAuctionBids = 0;
        long bids = 0;
        long previousTs = Long.MIN_VALUE;
        for (long n = 0; n < 100_000; n++)
        {
            r.buffer().setMemory(0, EVENT.recordLengthBytes(), (byte)0);
            g.event(n, r);
            final long ts = r.getLong(DATE_TIME);
            assertEquals(NexmarkGenerator.DEFAULT_BASE_TIME_MS + n / 10, ts, "10k events per second of event time");
            assertTrue(ts >= previousTs);
            previousTs = ts;
            final long lastPerson = NexmarkGenerator.lastBase0PersonId(n) + NexmarkGenerator.FIRST_PERSON_ID;
            final long lastAuction = NexmarkGenerator.lastBase0AuctionId(n) + NexmarkGenerator.FIRST_AUCTION_ID;
            switch (r.getInt(EVENT_TYPE))
            {
                case PERSON:
                    states.add(r.getSymbol(STATE));
                    assertTrue(r.getSymbol(NAME).contains(" ") && r.getSymbol(EMAIL).endsWith(".com"));
                    assertEquals(19, r.getSymbol(CREDIT_CARD).length());
                    break;
                case AUCTION:
                {
                    final long seller = r.getLong(SELLER);
                    assertTrue(seller >= Math.max(NexmarkGenerator.FIRST_PERSON_ID, lastPerson - 1000) &&
                        seller <= lastPerson + NexmarkGenerator.ID_LEAD, "seller " + seller + " at " + n);
                    assertTrue(r.getLong(CATEGORY) >= 10 && r.getLong(CATEGORY) <= 14);
                    assertTrue(r.getLong(RESERVE) > r.getLong(INITIAL_BID) && r.getLong(EXPIRES) > ts);
                    break;
                }
                default:
                {
                    bids++;
                    final long auction = r.getLong(AUCTION_ID);
                    hotAuctionBids += auction % 100 == 0 ? 1 : 0;
                    assertTrue(auction >= Math.max(NexmarkGenerator.FIRST_AUCTION_ID, lastAuction - 100) &&
                        auction <= lastAuction + NexmarkGenerator.ID_LEAD, "auction " + auction + " at " + n);
                    assertTrue(r.getLong(PRICE) >= 100 && r.getLong(PRICE) <= 100_000_000L);
                    assertTrue(r.getLong(BIDDER) <= lastPerson + NexmarkGenerator.ID_LEAD);
                    assertTrue(r.symbolLength(CHANNEL) > 0);
                    break;
                }
            }
        }
        assertEquals(Set.of(NexmarkGenerator.US_STATES), states);
        final double hotShare = hotAuctionBids / (double)bids;
        assertTrue(hotShare > 0.49 && hotShare < 0.53, "half the bids go to hot auctions: " + hotShare);
        assertThrows(IllegalArgumentException.class, () -> new NexmarkGenerator(1, 0, 0));
    }
}
