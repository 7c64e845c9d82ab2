package io.rivulet.engine;

import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test base failing a test that leaves a Rivulet thread running after its pipelines were closed.
 */
abstract class ThreadLeakCheck
{
    @AfterEach
    void assertNoLeakedThreads() throws InterruptedException
    {
        final long deadlineMs = System.currentTimeMillis() + 5_000;
        List<String> alive;
        do
        {
            alive = new ArrayList<>();
            for (final Thread t : Thread.getAllStackTraces().keySet())
            {
                if (t.isAlive() && t.getName().startsWith("rivulet-"))
                {
                    alive.add(t.getName());
                }
            }
            if (alive.isEmpty())
            {
                return;
            }
            Thread.sleep(20);
        }
        while (System.currentTimeMillis() < deadlineMs);
        fail("Leaked threads: " + alive);
    }
}
