package io.rivulet.operators.join;

import io.rivulet.ringbuffer.Schema;
import io.rivulet.ringbuffer.SchemaException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Join keys compare as bytes: DECIMAL keys of different scales hold different mantissas for the same value and
 * would never match, silently. They are rejected when the join is defined.
 */
class DecimalJoinKeyTest
{
    @Test
    void shouldRejectDecimalKeysOfDifferentScales()
    {
        final Schema left = Schema.builder().decimal("px", 4).timestamp("ts").build();
        final Schema right = Schema.builder().decimal("px", 2).timestamp("ts").build();

        final SchemaException e = assertThrows(SchemaException.class, () -> JoinOperators.intervalJoin(
            left, right, "ts", "ts", new String[]{"px"}, new String[]{"px"}, 0, 10));

        assertEquals("intervalJoin key #1: left px:DECIMAL(4) and right px:DECIMAL(2) differ; paired key columns " +
            "need the same type, length and scale (convert one with select(...), e.g. col(\"px\").toDecimal(n))",
            e.getMessage());
        JoinOperators.intervalJoin(left, Schema.builder().decimal("px", 4).timestamp("ts").build(), "ts", "ts",
            new String[]{"px"}, new String[]{"px"}, 0, 10);
    }
}
