package io.rivulet.operators.process;

import io.rivulet.operators.CheckpointReplay;
import io.rivulet.operators.Operators;
import io.rivulet.operators.join.JoinOperators;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rivulet.operators.process.KeyedProcessCheckpointTest.INPUT;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fused chain as the engine checkpoints it, one section per stateful operator: event time assigned from the
 * records, duplicates dropped, then the 2-10-5 pattern per key. Recovery from any cut point is exact.
 */
class FusedChainCheckpointTest
{
    @Test
    void shouldRecoverAWatermarkDedupProcessChainExactlyFromAnyCutPoint()
    {
        final List<String> expected = CheckpointReplay.assertRecoveryIsExact(
            recorder -> CheckpointReplay.chain(INPUT,
                Operators.withWatermark(INPUT, "ts", 100),
                JoinOperators.dropDuplicates(INPUT, "ts", 20, "k", "value"),
                KeyedProcessCheckpointTest.patternOperator()),
            KeyedProcessCheckpointTest.input(21, 40_000), 21, 8);
        assertTrue(expected.stream().filter(e -> e.startsWith("row")).count() > 5_000);
    }
}
