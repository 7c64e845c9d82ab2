package io.rivulet.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes latency histograms (nanoseconds) for later reading: HdrHistogram percentile distributions ({@code .hgrm},
 * values in microseconds, the format HdrHistogram's plotter reads) and a self-contained HTML page with the
 * percentile curve of each configuration, percentiles on a log scale like that plotter and latency on a
 * log scale too (inline SVG, no script, no network;
 * the page is well-formed XML). Not for a hot path.
 */
public final class LatencyReport
{
    /** Ticks of the percentile axis, as HdrHistogram's plotter draws them. */
    private static final double[] TICKS = {0, 90, 99, 99.9, 99.99, 99.999, 99.9999};
    private static final double MAX_X = 1_000_000; // 1 / (1 - 99.9999 %)
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f"};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;
    private static final int TICKS_PER_HALF_DISTANCE = 5;

    private LatencyReport()
    {
    }

    /**
     * Writes one {@code .hgrm} file per configuration: {@code lat.hgrm} becomes {@code lat.<name>.hgrm}.
     *
     * @param file       the name the files are derived from.
     * @param histograms configuration name to latency histogram in nanoseconds, in plot order.
     * @return the files written.
     * @throws IOException if a file cannot be written.
     */
    public static List<Path> writeHgrm(final Path file, final Map<String, Histogram> histograms) throws IOException
    {
        final String name = file.getFileName().toString();
        final String stem = name.endsWith(".hgrm") ? name.substring(0, name.length() - 5) : name;
        final List<Path> written = new ArrayList<>();
        for (final Map.Entry<String, Histogram> e : histograms.entrySet())
        {
            final Path out = file.resolveSibling(stem + "." + slug(e.getKey()) + ".hgrm");
            try (PrintStream ps = new PrintStream(Files.newOutputStream(out), false, StandardCharsets.US_ASCII))
            {
                e.getValue().outputPercentileDistribution(ps, TICKS_PER_HALF_DISTANCE, 1000.0);
            }
            written.add(out);
        }
        return written;
    }

    /**
     * Writes the HTML page with one percentile curve per configuration.
     *
     * @param file       the {@code .html} file.
     * @param title      heading of the page (escaped).
     * @param histograms configuration name to latency histogram in nanoseconds, in plot order.
     * @throws IOException if the file cannot be written.
     */
    public static void writePlot(final Path file, final String title, final Map<String, Histogram> histograms)
        throws IOException
    {
        Files.writeString(file, plot(title, histograms), StandardCharsets.UTF_8);
    }

    static String plot(final String title, final Map<String, Histogram> histograms)
    {
        // both axes logarithmic: tails here are 1000x the median, a linear axis would flatten everything below p99
        double maxUs = 0.001;
        double minUs = Double.MAX_VALUE;
        for (final Histogram h : histograms.values())
        {
            maxUs = Math.max(maxUs, h.getMaxValue() / 1000.0);
            minUs = Math.min(minUs, Math.max(0.001, h.getMinNonZeroValue() / 1000.0));
        }
        final double yMin = Math.pow(10, Math.floor(Math.log10(Math.min(minUs, maxUs))));
        final double yMax = Math.pow(10, Math.ceil(Math.log10(maxUs * 1.0001)));
        final double[] yRange = {yMin, yMax};
        final StringBuilder svg = new StringBuilder(16 * 1024);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
            .append(HEIGHT).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
            .append(WIDTH - LEFT - RIGHT).append("\" height=\"").append(HEIGHT - TOP - BOTTOM)
            .append("\" fill=\"none\" stroke=\"#999\"/>\n");
        for (final double tick : TICKS)
        {
            final double x = x(1 / (1 - tick / 100));
            svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(fmt(x))
                .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#ddd\"/>");
            svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                .append("\" text-anchor=\"middle\">").append(tickLabel(tick)).append("</text>\n");
        }
        for (double us = yMin; us <= yMax * 1.0001; us *= 10)
        {
            final double y = y(us, yRange);
            svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(fmt(y)).append("\" x2=\"")
                .append(WIDTH - RIGHT).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#eee\"/>");
            svg.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                .append("\" text-anchor=\"end\">").append(us < 1 ? String.format(Locale.ROOT, "%.3g", us) :
                Long.toString(Math.round(us))).append("</text>\n");
        }
        svg.append("<text x=\"").append((LEFT + WIDTH - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 8)
            .append("\" text-anchor=\"middle\">percentile</text>\n");
        svg.append("<text x=\"16\" y=\"").append((TOP + HEIGHT - BOTTOM) / 2).append("\" text-anchor=\"middle\" ")
            .append("transform=\"rotate(-90 16 ").append((TOP + HEIGHT - BOTTOM) / 2).append(")\">latency (us)</text>\n");
        int series = 0;
        final StringBuilder table = new StringBuilder();
        for (final Map.Entry<String, Histogram> e : histograms.entrySet())
        {
            final String colour = COLOURS[series % COLOURS.length];
            final Histogram h = e.getValue();
            svg.append("<polyline class=\"series\" data-name=\"").append(escape(e.getKey()))
                .append("\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"");
            boolean first = true;
            for (final HistogramIterationValue v : h.percentiles(TICKS_PER_HALF_DISTANCE))
            {
                final double p = v.getPercentileLevelIteratedTo() / 100;
                final double inverse = p >= 1 ? MAX_X : Math.min(MAX_X, 1 / (1 - p));
                svg.append(first ? "" : " ").append(fmt(x(inverse))).append(',')
                    .append(fmt(y(h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0, yRange)));
                first = false;
            }
            svg.append("\"><title>").append(escape(e.getKey())).append("</title></polyline>\n");
            final int ly = TOP + 16 + 18 * series;
            svg.append("<line x1=\"").append(LEFT + 12).append("\" y1=\"").append(ly - 4).append("\" x2=\"")
                .append(LEFT + 36).append("\" y2=\"").append(ly - 4).append("\" stroke-width=\"2\" stroke=\"")
                .append(colour).append("\"/><text x=\"").append(LEFT + 42).append("\" y=\"").append(ly).append("\">")
                .append(escape(e.getKey())).append("</text>\n");
            table.append("<tr><td>").append(escape(e.getKey())).append("</td>");
            for (final double p : new double[]{50, 90, 99, 99.9, 99.99})
            {
                table.append("<td>").append(fmt(h.getValueAtPercentile(p) / 1000.0)).append("</td>");
            }
            table.append("<td>").append(fmt(h.getMaxValue() / 1000.0)).append("</td><td>").append(h.getTotalCount())
                .append("</td></tr>\n");
            series++;
        }
        svg.append("</svg>\n");
        return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n" +
            "<meta charset=\"utf-8\"/>\n<title>" + escape(title) + "</title>\n" +
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}" +
            "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child{text-align:left}</style>\n" +
            "</head>\n<body>\n<h1>" + escape(title) + "</h1>\n" + svg +
            "<table>\n<tr><th>configuration</th><th>p50 us</th><th>p90 us</th><th>p99 us</th><th>p99.9 us</th>" +
            "<th>p99.99 us</th><th>max us</th><th>count</th></tr>\n" + table + "</table>\n</body>\n</html>\n";
    }

    private static double x(final double inverse)
    {
        return LEFT + (WIDTH - LEFT - RIGHT) * Math.log10(Math.max(1, inverse)) / Math.log10(MAX_X);
    }

    private static double y(final double us, final double[] range)
    {
        final double low = Math.log10(range[0]);
        final double span = Math.log10(range[1]) - low;
        final double clamped = Math.min(range[1], Math.max(range[0], us));
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (Math.log10(clamped) - low) / span;
    }

    private static String tickLabel(final double tick)
    {
        return tick == 0 ? "0%" : (tick == Math.rint(tick) ? Long.toString((long)tick) : Double.toString(tick)) + "%";
    }

    private static String fmt(final double v)
    {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String slug(final String name)
    {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    private static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
