package io.rivulet.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyReportTest
{
    @TempDir
    Path dir;

    private static Map<String, Histogram> histograms()
    {
        final Histogram fast = new Histogram(3_600_000_000_000L, 3);
        final Histogram slow = new Histogram(3_600_000_000_000L, 3);
        for (int i = 1; i <= 10_000; i++)
        {
            fast.recordValue(200 + i % 100);          // 0.2-0.3 us
            slow.recordValue(1_000L * (1 + i % 50));  // 1-50 us
        }
        slow.recordValue(5_000_000);                   // one 5 ms outlier
        final Map<String, Histogram> map = new LinkedHashMap<>();
        map.put("disruptor 1 hop", fast);
        map.put("engine <fused> & co", slow);
        return map;
    }

    @Test
    void shouldWriteOneHdrHistogramPercentileFilePerConfiguration() throws Exception
    {
        final Map<String, Histogram> histograms = histograms();
        final List<Path> files = LatencyReport.writeHgrm(dir.resolve("lat.hgrm"), histograms);
        assertEquals(List.of(dir.resolve("lat.disruptor-1-hop.hgrm"), dir.resolve("lat.engine-fused-co.hgrm")), files);
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        histograms.get("engine <fused> & co").outputPercentileDistribution(
            new PrintStream(expected, true, StandardCharsets.US_ASCII), 5, 1000.0);
        final String written = Files.readString(files.get(1), StandardCharsets.US_ASCII);
        assertEquals(expected.toString(StandardCharsets.US_ASCII), written);
        assertTrue(written.contains("Value     Percentile TotalCount 1/(1-Percentile)"), written);
        assertTrue(written.contains("#[Max     =     5001.215, Total count    =        10001]"), written);
    }

    @Test
    void shouldWriteAWellFormedSelfContainedPageWithOneCurvePerConfiguration() throws Exception
    {
        final Map<String, Histogram> histograms = histograms();
        final Path page = dir.resolve("lat.html");
        LatencyReport.writePlot(page, "latency <test>", histograms);
        final String html = Files.readString(page, StandardCharsets.UTF_8);
        assertTrue(!html.contains("http://") || html.replace("http://www.w3.org/", "").indexOf("http://") < 0,
            "no network resource");
        assertTrue(!html.contains("<script"), "no script needed");

        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        final Document doc = factory.newDocumentBuilder()
            .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        assertEquals("latency <test>", doc.getElementsByTagName("title").item(0).getTextContent());
        final NodeList lines = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
        assertEquals(2, lines.getLength());
        int i = 0;
        for (final Map.Entry<String, Histogram> e : histograms.entrySet())
        {
            final Element line = (Element)lines.item(i++);
            assertEquals(e.getKey(), line.getAttribute("data-name"));
            int expectedPoints = 0;
            for (final HistogramIterationValue ignored : e.getValue().percentiles(5))
            {
                expectedPoints++;
            }
            final String[] points = line.getAttribute("points").trim().split(" ");
            assertEquals(expectedPoints, points.length, "one point per percentile step of " + e.getKey());
            double lastX = -1;
            double lastY = Double.MAX_VALUE;
            for (final String point : points)
            {
                final double x = Double.parseDouble(point.split(",")[0]);
                final double y = Double.parseDouble(point.split(",")[1]);
                assertTrue(x >= lastX && y <= lastY, "a percentile curve rises left to right: " + point);
                lastX = x;
                lastY = y;
            }
        }
        final String table = doc.getElementsByTagName("table").item(0).getTextContent();
        assertTrue(table.contains("engine <fused> & co") && table.contains("5001.2") && table.contains("10001"),
            table);
    }
}
