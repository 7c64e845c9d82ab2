package io.rivulet.operators;

import io.rivulet.ringbuffer.IntField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.rivulet.operators.Expr.col;
import static io.rivulet.operators.Expr.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * {@link Operators#filter} and {@link Operators#where}: exactly the matching records pass, unchanged.
 */
class FilterOperatorTest
{
    @Test
    void shouldPassExactlyTheRecordsMatchingTheTypedPredicate()
    {
        final IntField qty = Trades.SCHEMA.intField("qty");
        final Operator filter = Operators.filter(Trades.SCHEMA, r -> r.getInt(qty) % 2 == 0);
        final OperatorHarness harness = Trades.pushAll(new OperatorHarness(Trades.SCHEMA, filter));

        assertSame(Trades.SCHEMA, filter.outputSchema());
        assertEquals(List.of(
            Arrays.asList(Trades.ROWS.get(0)),
            Arrays.asList(Trades.ROWS.get(1)),
            Arrays.asList(Trades.ROWS.get(2)),
            Arrays.asList(Trades.ROWS.get(5)),
            Arrays.asList(Trades.ROWS.get(6))), harness.rows());
        assertEquals(List.of(100L, 200L, 300L, 600L, 700L), harness.ingestTimes());
    }

    @Test
    void shouldPassRecordsUnchangedThroughWhere()
    {
        final Operator where = Operators.where(Trades.SCHEMA, col("sym").eq("AAPL"));
        final OperatorHarness harness = Trades.pushAll(new OperatorHarness(Trades.SCHEMA, where));

        assertSame(Trades.SCHEMA, where.outputSchema());
        assertEquals(List.of(Arrays.asList(Trades.ROWS.get(0)), Arrays.asList(Trades.ROWS.get(1))), harness.rows());
        assertEquals(List.of(100L, 200L), harness.ingestTimes());
    }

    static Stream<Arguments> conditions()
    {
        return Stream.of(
            // integral comparisons, at the boundaries
            Arguments.of(col("qty").gt(100), ids(2, 4, 7)),
            Arguments.of(col("qty").ge(100), ids(2, 3, 4, 7)),
            Arguments.of(col("qty").lt(100), ids(1, 5, 6)),
            Arguments.of(col("qty").le(0), ids(5, 6)),
            Arguments.of(col("qty").eq(100), ids(3)),
            Arguments.of(col("qty").ne(100), ids(1, 2, 4, 5, 6, 7)),
            Arguments.of(col("ts").ge(5_000L), ids(5, 6, 7)),
            // floating point and mixed
            Arguments.of(col("px").gt(100), ids(2, 4)),
            Arguments.of(col("px").eq(100.0), ids(1, 6)),
            Arguments.of(col("qty").gt(99.5), ids(2, 3, 4, 7)),
            Arguments.of(col("px").lt(col("qty")), ids(2, 3, 7)),
            // arithmetic inside a condition; div is floating point (7 / 2 = 3.5 > 3)
            Arguments.of(col("px").times(col("qty")).gt(10_000), ids(2, 4)),
            Arguments.of(col("id").div(2).gt(3), ids(7)),
            Arguments.of(col("qty").minus(col("id")).ge(100), ids(2, 7)),
            // symbol against literal: exact length, full field, longer than the field, empty
            Arguments.of(col("sym").eq("AAPL"), ids(1, 2)),
            Arguments.of(col("sym").ne("AAPL"), ids(3, 4, 5, 6, 7)),
            Arguments.of(col("sym").eq("MSFT"), ids(3)),
            Arguments.of(col("sym").eq("ABCDEFGH"), ids(5)),
            Arguments.of(col("sym").eq("ABCDEFGHI"), ids()),
            Arguments.of(col("sym").eq(""), ids(6)),
            Arguments.of(lit("AAPL").eq(col("sym")), ids(1, 2)),
            // symbol against symbol column of another length
            Arguments.of(col("sym").eq(col("alt")), ids(1, 3, 6)),
            Arguments.of(col("alt").eq(col("sym")), ids(1, 3, 6)),
            Arguments.of(col("sym").ne(col("alt")), ids(2, 4, 5, 7)),
            // booleans
            Arguments.of(col("buy"), ids(1, 3, 5, 7)),
            Arguments.of(col("buy").not(), ids(2, 4, 6)),
            Arguments.of(col("buy").eq(false), ids(2, 4, 6)),
            Arguments.of(col("buy").ne(lit(true)), ids(2, 4, 6)),
            Arguments.of(col("buy").and(col("qty").gt(50)), ids(3, 7)),
            Arguments.of(col("sym").eq("AAPL").or(col("qty").lt(0)), ids(1, 2, 5)),
            Arguments.of(col("buy").and(col("qty").gt(50)).not(), ids(1, 2, 4, 5, 6)),
            Arguments.of(col("buy").not().or(col("sym").eq("MSF")).and(col("px").ge(10)), ids(2, 4, 6, 7)),
            Arguments.of(lit(true), ids(1, 2, 3, 4, 5, 6, 7)),
            Arguments.of(lit(false), ids()));
    }

    @ParameterizedTest(name = "where {0}")
    @MethodSource("conditions")
    void shouldPassExactlyTheRecordsMatchingTheCondition(final Expr condition, final List<Long> expectedIds)
    {
        final OperatorHarness harness =
            Trades.pushAll(new OperatorHarness(Trades.SCHEMA, Operators.where(Trades.SCHEMA, condition)));

        final List<Long> ids = new ArrayList<>();
        for (final List<Object> row : harness.rows())
        {
            ids.add((Long)row.get(0));
        }
        assertEquals(expectedIds, ids);
    }

    @Test
    void shouldCompareTwoSymbolLiterals()
    {
        final OperatorHarness same =
            Trades.pushAll(new OperatorHarness(Trades.SCHEMA, Operators.where(Trades.SCHEMA, lit("A").eq("A"))));
        final OperatorHarness different =
            Trades.pushAll(new OperatorHarness(Trades.SCHEMA, Operators.where(Trades.SCHEMA, lit("A").ne("AB"))));

        assertEquals(Trades.ROWS.size(), same.rows().size());
        assertEquals(Trades.ROWS.size(), different.rows().size());
    }

    @Test
    void shouldDescribeWhereByItsCondition()
    {
        assertEquals("where ((qty > 100) AND (sym == 'AAPL'))",
            Operators.where(Trades.SCHEMA, col("qty").gt(100).and(col("sym").eq("AAPL"))).describe());
    }

    private static List<Long> ids(final long... ids)
    {
        final List<Long> list = new ArrayList<>();
        for (final long id : ids)
        {
            list.add(id);
        }
        return list;
    }
}
