package io.rivulet.engine;

import java.util.List;

/**
 * One line explaining where a stage's event time is: its watermark and lag behind the wall clock, each input's
 * watermark, which inputs ended or are idle, and which one holds the merged watermark back.
 */
final class EventTimeDiagnosis
{
    private EventTimeDiagnosis()
    {
    }

    /**
     * @param sources     the pipeline's sources if the stage reads them (stage 0), else null.
     * @param agent       the stage.
     * @param watermarkMs the last watermark the stage emitted, Long.MIN_VALUE if none.
     * @param nowMs       wall clock, epoch ms.
     * @return the diagnosis.
     */
    static String describe(final List<Source> sources, final StageAgent agent, final long watermarkMs,
        final long nowMs)
    {
        final StringBuilder sb = new StringBuilder();
        if (watermarkMs == Long.MIN_VALUE)
        {
            sb.append("no watermark emitted yet");
        }
        else
        {
            appendWatermark(sb, watermarkMs, nowMs);
        }
        boolean anyActive = false;
        boolean anyIdle = false;
        for (int i = 0; i < agent.inputCount(); i++)
        {
            anyIdle |= agent.inputIdle(i);
            anyActive |= !agent.inputIdle(i) && !agent.inputEnded(i);
            final long inputWatermark = agent.inputWatermark(i);
            if (agent.inputCount() == 1 && inputWatermark == Long.MIN_VALUE)
            {
                break; // one input without watermark markers: event time, if any, comes from the chain
            }
            sb.append("; input ").append(i);
            if (sources != null)
            {
                sb.append(" (").append(sources.get(i)).append(')');
            }
            sb.append(inputWatermark == Long.MIN_VALUE ? " no watermark" : " watermark " + inputWatermark);
            if (agent.inputEnded(i))
            {
                sb.append(" ENDED");
            }
            if (agent.inputIdle(i))
            {
                sb.append(" IDLE");
            }
            if (agent.watermarkHolder() == i)
            {
                sb.append(" <- holds event time back");
            }
        }
        if (anyIdle && !anyActive)
        {
            sb.append("; every live input idle: event time holds until one sends");
        }
        return sb.toString();
    }

    /**
     * Appends {@code watermark W (lag L ms)}. The lag is shown only when the watermark is behind the wall clock
     * and the difference fits a long: a watermark ahead of it (synthetic or future timestamps, up to
     * Long.MAX_VALUE) or far before it is not on the wall clock's scale, and a negative or wrapped number would
     * mislead.
     */
    static void appendWatermark(final StringBuilder sb, final long watermarkMs, final long nowMs)
    {
        sb.append("watermark ").append(watermarkMs);
        final long lagMs = nowMs - watermarkMs;
        if (watermarkMs > nowMs)
        {
            sb.append(" (lag n/a: ahead of the wall clock)");
        }
        else if (((nowMs ^ watermarkMs) & (nowMs ^ lagMs)) < 0)
        {
            sb.append(" (lag n/a: not comparable to the wall clock)");
        }
        else
        {
            sb.append(" (lag ").append(lagMs).append(" ms)");
        }
    }
}
